"""Pages of quizzes: the list, a quiz (its form, or the person's result once
taken), the result and the leaderboard; and for the animators of a space,
its quizzes, a new quiz, and the page that writes its questions and
publishes it. Refused submissions re-render the page with the reasons and a
4xx status, keeping what was chosen or typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from membrane.core.http import AuthenticatedHttpRequest
from membrane.quizzes.forms import AttemptForm, QuestionForm, QuizForm
from membrane.quizzes.models import Attempt, Question, Quiz
from membrane.quizzes.permissions import (
    access_quiz,
    access_quiz_to_edit,
    can_author_quiz,
    can_delete_question,
)
from membrane.quizzes.selectors import (
    attempt_of,
    attempt_review,
    leaderboard,
    questions_of,
    quiz_problems,
    quizzes_for,
    quizzes_of_space,
)
from membrane.quizzes.services import (
    AlreadyAttempted,
    InvalidAnswers,
    QuizError,
    attempt_create,
    question_add,
    question_delete,
    quiz_create,
    quiz_publish,
)
from membrane.spaces.models import Space
from membrane.spaces.permissions import access_space, can_view_space


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


# -- Writing quizzes (a space's animators) --------------------------------------


def _readable_space(user: object, slug: str) -> Space:
    space = access_space(slug)
    if not can_view_space(user, space):
        raise Http404("No such space.")
    return space


@login_required
@require_safe
def space_quizzes(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    space = _readable_space(request.user, slug)
    may_author = can_author_quiz(request.user, space)
    context = {
        "space": space,
        "quizzes": quizzes_of_space(space, drafts=may_author),
        "can_author": may_author,
    }
    return render(request, "quizzes/space_quizzes.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def quiz_create_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    space = _readable_space(request.user, slug)
    if not can_author_quiz(request.user, space):
        raise PermissionDenied(_("Only the space's animators write its quizzes."))
    form = QuizForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                quiz = quiz_create(
                    space=space,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    intro=form.cleaned_data["intro"],
                )
            except QuizError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The quiz is created as a draft: add its questions."))
                return redirect("quizzes:edit", quiz_id=quiz.pk)
        status = 400
    return render(request, "quizzes/quiz_form.html", {"space": space, "form": form}, status=status)


def _edit_page(
    request: AuthenticatedHttpRequest,
    quiz: Quiz,
    form: QuestionForm,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    attempted = Attempt.objects.filter(quiz=quiz).exists()
    context = {
        "quiz": quiz,
        "space": quiz.space,
        "questions": questions_of(quiz),
        "problems": quiz_problems(quiz),
        "attempted": attempted,
        "can_delete": can_delete_question(request.user, quiz, attempted=attempted),
        "form": form,
        "error": error,
    }
    return render(request, "quizzes/quiz_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def quiz_edit(request: AuthenticatedHttpRequest, quiz_id: int) -> HttpResponse:
    """The quiz's questions, and the form that adds one."""
    quiz = access_quiz_to_edit(request.user, quiz_id)
    if request.method != "POST":
        return _edit_page(request, quiz, QuestionForm())
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question_add(
                quiz=quiz,
                text=form.cleaned_data["text"],
                choices=form.choices(),
                correct=form.correct_index(),
                explanation=form.cleaned_data["explanation"],
            )
        except QuizError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The question is added."))
            return redirect(reverse("quizzes:edit", args=[quiz.pk]) + "#questions")
    return _edit_page(request, quiz, form, status=400)


@login_required
@require_POST
def quiz_publish_view(request: AuthenticatedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = access_quiz_to_edit(request.user, quiz_id)
    published = request.POST.get("published") == "1"
    try:
        quiz_publish(quiz=quiz, published=published)
    except QuizError as error:
        return _edit_page(request, quiz, QuestionForm(), error=str(error), status=400)
    if published:
        messages.success(request, _("The quiz is published."))
    else:
        messages.success(request, _("The quiz is back to a draft: nobody can take it now."))
    return redirect("quizzes:edit", quiz_id=quiz.pk)


@login_required
@require_POST
def question_delete_view(
    request: AuthenticatedHttpRequest, quiz_id: int, question_id: int
) -> HttpResponse:
    quiz = access_quiz_to_edit(request.user, quiz_id)
    question = None
    if 0 < question_id < 2**63:
        question = Question.objects.filter(pk=question_id, quiz=quiz).first()
    if question is None:
        raise Http404("No such question in this quiz.")
    try:
        question_delete(question=question)
    except QuizError as error:
        return _edit_page(request, quiz, QuestionForm(), error=str(error), status=409)
    messages.success(request, _("The question is removed."))
    return redirect("quizzes:edit", quiz_id=quiz.pk)
