"""Pages of quizzes: the list, a quiz (its form, or the person's result once
taken), the result and the leaderboard. Refused submissions re-render the
page with the reasons and a 4xx status, keeping what was chosen."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from membrane.core.http import AuthenticatedHttpRequest
from membrane.quizzes.forms import AttemptForm
from membrane.quizzes.models import Attempt, Quiz
from membrane.quizzes.permissions import access_quiz
from membrane.quizzes.selectors import (
    attempt_of,
    attempt_review,
    leaderboard,
    questions_of,
    quizzes_for,
)
from membrane.quizzes.services import AlreadyAttempted, InvalidAnswers, QuizError, attempt_create


@login_required
def quiz_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "quizzes/quiz_list.html", {"quizzes": quizzes_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def quiz_detail(request: AuthenticatedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = access_quiz(request.user, quiz_id)
    questions = questions_of(quiz)
    if request.method == "GET":
        if attempt_of(quiz=quiz, user=request.user) is not None:
            return redirect("quizzes:result", quiz_id=quiz.pk)
        form = AttemptForm(questions=questions)
        return _quiz_page(request, quiz, form)
    form = AttemptForm(request.POST, questions=questions)
    if not form.is_valid():
        return _quiz_page(request, quiz, form, status=400)
    try:
        attempt_create(
            quiz=quiz,
            user=request.user,
            questions=questions,
            answers=form.answers(),
            show_on_leaderboard=form.cleaned_data["show_on_leaderboard"],
        )
    except InvalidAnswers as error:
        form.add_question_errors(error.errors)
        return _quiz_page(request, quiz, form, status=400)
    except AlreadyAttempted as error:
        attempt = attempt_of(quiz=quiz, user=request.user)
        return _result_page(request, quiz, attempt, error=str(error), status=409)
    except QuizError as error:
        return _quiz_page(request, quiz, form, error=str(error), status=400)
    return redirect("quizzes:result", quiz_id=quiz.pk)


def _quiz_page(
    request: AuthenticatedHttpRequest,
    quiz: Quiz,
    form: AttemptForm,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    missing = sum(1 for field in form.question_fields() if field.errors)
    context = {"quiz": quiz, "form": form, "error": error, "missing": missing}
    return render(request, "quizzes/quiz_detail.html", context, status=status)


@login_required
def quiz_result(request: AuthenticatedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = access_quiz(request.user, quiz_id)
    attempt = attempt_of(quiz=quiz, user=request.user)
    if attempt is None:
        return redirect("quizzes:quiz", quiz_id=quiz.pk)
    return _result_page(request, quiz, attempt)


def _result_page(
    request: AuthenticatedHttpRequest,
    quiz: Quiz,
    attempt: Attempt | None,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "quiz": quiz,
        "attempt": attempt,
        "corrections": attempt_review(attempt) if attempt is not None else [],
        "error": error,
    }
    return render(request, "quizzes/result.html", context, status=status)


@login_required
def quiz_leaderboard(request: AuthenticatedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = access_quiz(request.user, quiz_id)
    context = {
        "quiz": quiz,
        "entries": leaderboard(quiz),
        "attempt": attempt_of(quiz=quiz, user=request.user),
    }
    return render(request, "quizzes/leaderboard.html", context)
