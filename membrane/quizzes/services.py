"""Writes of quizzes: submitting an attempt; writing a quiz through the pages
(a draft, its questions, publishing it). Callers check the person's rights
first (permissions.py); these functions keep the data consistent."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from membrane.quizzes.models import (
    MAX_CHOICES,
    MIN_CHOICES,
    Answer,
    Attempt,
    Choice,
    Question,
    Quiz,
)
from membrane.quizzes.selectors import quiz_problems
from membrane.spaces.models import Space


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


# -- Writing a quiz ------------------------------------------------------------


def quiz_create(*, space: Space | None, author: Any, title: str, intro: str = "") -> Quiz:
    """A draft quiz (not published) in `space` (None: national)."""
    title = title.strip()
    if not title:
        raise QuizError(_("Give the quiz a title."))
    return Quiz.objects.create(
        space=space, title=title, intro=intro.strip(), created_by=author, is_published=False
    )


@transaction.atomic
def question_add(
    *, quiz: Quiz, text: str, choices: Sequence[str], correct: int, explanation: str
) -> Question:
    """A question at the end of the quiz with its choices. `choices` may have
    blank entries (empty boxes of the form), dropped; `correct` is the index
    in `choices` of the correct one, which must not be blank. 2 to 6
    different choices, exactly one correct."""
    text, explanation = text.strip(), explanation.strip()
    if not text:
        raise QuizError(_("Write the question."))
    if not explanation:
        raise QuizError(_("Write the explanation shown after answering."))
    if not 0 <= correct < len(choices) or not choices[correct].strip():
        raise QuizError(_("Choose which answer is correct, among those written."))
    kept = [(index, label.strip()) for index, label in enumerate(choices) if label.strip()]
    if not MIN_CHOICES <= len(kept) <= MAX_CHOICES:
        raise QuizError(
            _("Give between %(min)d and %(max)d answers.")
            % {"min": MIN_CHOICES, "max": MAX_CHOICES}
        )
    if len({label.casefold() for _index, label in kept}) != len(kept):
        raise QuizError(_("Two answers are the same: each answer must be different."))
    last = Question.objects.filter(quiz=quiz).aggregate(last=Max("position"))["last"]
    question = Question.objects.create(
        quiz=quiz,
        position=0 if last is None else last + 1,
        text=text,
        explanation=explanation,
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=position, text=label, is_correct=index == correct)
        for position, (index, label) in enumerate(kept)
    )
    return question


def question_delete(*, question: Question) -> None:
    """Remove a question, while nobody has taken its quiz."""
    if Attempt.objects.filter(quiz_id=question.quiz_id).exists():
        raise QuizError(
            _("People have taken this quiz: its questions can no longer be removed."),
        )
    question.delete()


def quiz_publish(*, quiz: Quiz, published: bool) -> Quiz:
    """Publish the quiz (if complete: else QuizError listing what is
    missing) or take it back to a draft."""
    if published:
        problems = quiz_problems(quiz)
        if problems:
            raise QuizError(" ".join(problems))
    quiz.is_published = published
    quiz.save(update_fields=["is_published"])
    return quiz
