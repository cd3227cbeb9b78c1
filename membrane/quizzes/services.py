"""Writes of quizzes: submitting an attempt."""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from membrane.quizzes.models import Answer, Attempt, Question, Quiz


class QuizError(Exception):
    """A refused attempt, with a message for people."""


class AlreadyAttempted(QuizError):
    def __init__(self) -> None:
        super().__init__(_("You have already taken this quiz: there is one attempt per person."))


class InvalidAnswers(QuizError):
    """Some questions are unanswered or answered with a choice that is not
    theirs; `errors` maps each such question's id to its message."""

    def __init__(self, errors: dict[int, str]) -> None:
        self.errors = errors
        super().__init__(_("Some answers are missing or not valid."))


def check_answers(*, questions: list[Question], answers: Mapping[int, int]) -> dict[int, Any]:
    """The chosen Choice of each question (choices prefetched), or
    InvalidAnswers naming every question unanswered or answered with a choice
    of another question, and every answer to a question of another quiz."""
    chosen: dict[int, Any] = {}
    errors: dict[int, str] = {}
    known = {question.pk for question in questions}
    for question_id in answers:
        if question_id not in known:
            errors[question_id] = _("This question is not one of this quiz's.")
    for question in questions:
        choice_id = answers.get(question.pk)
        if choice_id is None:
            errors[question.pk] = _("Choose an answer to this question.")
            continue
        choice = next((c for c in question.choices.all() if c.pk == choice_id), None)
        if choice is None:
            errors[question.pk] = _("This answer is not one of this question's choices.")
            continue
        chosen[question.pk] = choice
    if errors:
        raise InvalidAnswers(errors)
    return chosen


def _has_attempted(*, quiz: Quiz, user: Any) -> bool:
    return Attempt.objects.filter(quiz=quiz, user=user).exists()


def attempt_create(
    *,
    quiz: Quiz,
    user: Any,
    questions: list[Question],
    answers: Mapping[int, int],
    show_on_leaderboard: bool = False,
) -> Attempt:
    """Record the person's only attempt and its score. `questions` are the
    quiz's, choices prefetched (selectors.questions_of). Raises InvalidAnswers
    or AlreadyAttempted, also when two submissions race (the database's
    unique constraint decides)."""
    if not questions:
        raise QuizError(_("This quiz has no questions yet."))
    if _has_attempted(quiz=quiz, user=user):
        raise AlreadyAttempted()
    chosen = check_answers(questions=questions, answers=answers)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                score=sum(1 for choice in chosen.values() if choice.is_correct),
                question_count=len(questions),
                show_on_leaderboard=show_on_leaderboard,
            )
            Answer.objects.bulk_create(
                Answer(attempt=attempt, question_id=question_id, choice=choice)
                for question_id, choice in chosen.items()
            )
    except IntegrityError:
        raise AlreadyAttempted() from None
    return attempt
