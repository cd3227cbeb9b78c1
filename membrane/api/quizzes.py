"""Quizzes: the list, one quiz (its questions and choices, the correct
answers and explanations only once the caller has taken it), submitting the
caller's only attempt, and the opt-in leaderboard. Same rules as the pages:
a quiz the caller may not take, or not published, is a 404."""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError

from membrane.api.common import (
    AuthenticatedApiRequest,
    PageFilters,
    PersonRef,
    SpaceRef,
    error_responses,
    keyset_page_by,
    person_ref,
    space_ref,
    validation_error,
)
from membrane.quizzes.models import Attempt, Question, Quiz
from membrane.quizzes.permissions import access_quiz
from membrane.quizzes.selectors import (
    LEADERBOARD_SIZE,
    attempt_of,
    attempt_review,
    leaderboard,
    questions_of,
    quizzes_for,
)
from membrane.quizzes.services import AlreadyAttempted, InvalidAnswers, QuizError, attempt_create

router = Router(tags=["quizzes"])


# -- Schemas ----------------------------------------------------------------


class QuizOut(Schema):
    id: int
    title: str
    intro: str
    space: SpaceRef | None = Field(description="Null for a national quiz.")
    question_count: int
    my_score: int | None = Field(description="The caller's score; null if not taken yet.")


class QuizPage(Schema):
    items: list[QuizOut]
    next: str | None


class ChoiceOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    text: str
    choices: list[ChoiceOut]
    correct_choice_id: int | None = Field(description="Null until the caller has taken the quiz.")
    your_choice_id: int | None = Field(description="Null until the caller has taken the quiz.")
    explanation: str | None = Field(description="Null until the caller has taken the quiz.")


class AttemptSummary(Schema):
    score: int
    question_count: int
    show_on_leaderboard: bool
    submitted_at: datetime


class QuizDetailOut(QuizOut):
    questions: list[QuestionOut]
    attempt: AttemptSummary | None


class QuizAnswerIn(Schema):
    question_id: int
    choice_id: int


class AttemptIn(Schema):
    answers: list[QuizAnswerIn] = Field(description="One answer per question of the quiz.")
    show_on_leaderboard: bool = Field(
        False, description="Show the caller's name and score on the leaderboard."
    )


class CorrectionOut(Schema):
    question_id: int
    question: str
    your_choice_id: int | None
    correct_choice_id: int | None
    is_right: bool
    explanation: str


class AttemptOut(AttemptSummary):
    corrections: list[CorrectionOut]


class LeaderboardEntry(Schema):
    rank: int
    person: PersonRef
    score: int
    question_count: int
    submitted_at: datetime


class LeaderFilters(Schema):
    limit: int = Field(LEADERBOARD_SIZE, ge=1, le=100)


# -- Output helpers ---------------------------------------------------------


def _quiz_out(quiz: Quiz, *, question_count: int, my_score: int | None) -> dict[str, Any]:
    return {
        "id": quiz.pk,
        "title": quiz.title,
        "intro": quiz.intro,
        "space": space_ref(quiz.space) if quiz.space else None,
        "question_count": question_count,
        "my_score": my_score,
    }


def _summary(attempt: Attempt) -> dict[str, Any]:
    return {
        "score": attempt.score,
        "question_count": attempt.question_count,
        "show_on_leaderboard": attempt.show_on_leaderboard,
        "submitted_at": attempt.created_at,
    }


def _attempt_out(attempt: Attempt, questions: list[Question]) -> dict[str, Any]:
    return {
        **_summary(attempt),
        "corrections": [
            {
                "question_id": c.question.pk,
                "question": c.question.text,
                "your_choice_id": c.chosen.pk if c.chosen else None,
                "correct_choice_id": c.correct.pk if c.correct else None,
                "is_right": c.is_right,
                "explanation": c.question.explanation,
            }
            for c in attempt_review(attempt, questions)
        ],
    }


# -- Operations -------------------------------------------------------------


@router.get(
    "/quizzes",
    response={200: QuizPage, **error_responses(400, 401, 422)},
    summary="The quizzes the caller may take",
    description="Published quizzes, national ones and those of the spaces the caller may "
    "read, newest first.",
)
def quiz_index(request: AuthenticatedApiRequest, filters: Query[PageFilters]) -> dict[str, Any]:
    items, next_cursor = keyset_page_by(
        quizzes_for(request.auth), order=("-id",), cursor=filters.cursor, limit=filters.limit
    )
    return {
        "items": [
            _quiz_out(quiz, question_count=quiz.question_count, my_score=quiz.my_score)  # type: ignore[attr-defined]
            for quiz in items
        ],
        "next": next_cursor,
    }


@router.get(
    "/quizzes/{quiz_id}",
    response={200: QuizDetailOut, **error_responses(401, 404)},
    summary="One quiz",
    description="Its questions and choices; the correct choices, the explanations and the "
    "caller's answers only once the caller has taken it.",
)
def quiz_detail(request: AuthenticatedApiRequest, quiz_id: int) -> dict[str, Any]:
    quiz = access_quiz(request.auth, quiz_id)
    questions = questions_of(quiz)
    attempt = attempt_of(quiz=quiz, user=request.auth)
    review = {c.question.pk: c for c in attempt_review(attempt, questions)} if attempt else {}
    return {
        **_quiz_out(
            quiz, question_count=len(questions), my_score=attempt.score if attempt else None
        ),
        "questions": [
            {
                "id": question.pk,
                "text": question.text,
                "choices": [{"id": c.pk, "text": c.text} for c in question.choices.all()],
                **_revealed(review.get(question.pk), question),
            }
            for question in questions
        ],
        "attempt": _summary(attempt) if attempt else None,
    }


def _revealed(correction: Any, question: Question) -> dict[str, Any]:
    if correction is None:
        return {"correct_choice_id": None, "your_choice_id": None, "explanation": None}
    return {
        "correct_choice_id": correction.correct.pk if correction.correct else None,
        "your_choice_id": correction.chosen.pk if correction.chosen else None,
        "explanation": question.explanation,
    }


@router.post(
    "/quizzes/{quiz_id}/attempt",
    response={201: AttemptOut, **error_responses(400, 401, 404, 409, 422)},
    summary="Submit the caller's answers",
    description="All the answers at once, one per question; one attempt per person (409 for "
    "a second one). Answers the score and the corrections. A 422 names each faulty question "
    "by its id (unanswered, a choice of another question, a question of another quiz).",
)
def attempt_new(
    request: AuthenticatedApiRequest, quiz_id: int, payload: AttemptIn
) -> Status[dict[str, Any]]:
    quiz = access_quiz(request.auth, quiz_id)
    questions = questions_of(quiz)
    answers: dict[int, int] = {}
    for answer in payload.answers:
        if answer.question_id in answers:
            raise validation_error(
                "answers", _("Each question is answered once."), "duplicate_answer"
            )
        answers[answer.question_id] = answer.choice_id
    try:
        attempt = attempt_create(
            quiz=quiz,
            user=request.auth,
            questions=questions,
            answers=answers,
            show_on_leaderboard=payload.show_on_leaderboard,
        )
    except InvalidAnswers as error:
        errors = [
            {
                "loc": ["body", "payload", "answers", str(question_id)],
                "msg": message,
                "type": "invalid_answer",
            }
            for question_id, message in error.errors.items()
        ]
        raise ValidationError(errors) from None
    except AlreadyAttempted as error:
        raise HttpError(409, str(error)) from None
    except QuizError as error:
        raise HttpError(400, str(error)) from None
    return Status(201, _attempt_out(attempt, questions))


@router.get(
    "/quizzes/{quiz_id}/leaderboard",
    response={200: list[LeaderboardEntry], **error_responses(401, 404, 422)},
    summary="The leaderboard of a quiz",
    description="Only those who chose to appear, best score first, then the earliest. "
    "Nobody's answers are shown.",
)
def quiz_leaderboard(
    request: AuthenticatedApiRequest, quiz_id: int, filters: Query[LeaderFilters]
) -> list[dict[str, Any]]:
    quiz = access_quiz(request.auth, quiz_id)
    return [
        {
            "rank": rank,
            "person": person_ref(request, attempt.user),
            "score": attempt.score,
            "question_count": attempt.question_count,
            "submitted_at": attempt.created_at,
        }
        for rank, attempt in enumerate(leaderboard(quiz, limit=filters.limit), start=1)
    ]
