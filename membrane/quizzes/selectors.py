"""Reads of quizzes: the list, a quiz with its questions and choices, a
person's attempt reviewed question by question, the leaderboard. Each one
a fixed number of queries, whatever the number of questions or entries."""

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext

from membrane.quizzes.models import (
    MAX_CHOICES,
    MIN_CHOICES,
    Answer,
    Attempt,
    Choice,
    Question,
    Quiz,
)

LEADERBOARD_SIZE = 50


def quizzes_for(user: Any) -> QuerySet[Quiz]:
    """The quizzes the person may take, newest first, with their number of
    questions and the person's score (`my_score`, None if not taken)."""
    mine = Attempt.objects.filter(quiz=OuterRef("pk"), user=user.pk)
    return (
        Quiz.objects.visible_to(user)
        .with_counts()
        .annotate(my_score=Subquery(mine.values("score")[:1]))
        .order_by("-created_at", "-id")
    )


def quizzes_of_space(space: Any, *, drafts: bool) -> QuerySet[Quiz]:
    """The space's quizzes, newest first, with their number of questions;
    the drafts too for its authors (`drafts`)."""
    quizzes = Quiz.objects.filter(space=space).with_counts().order_by("-created_at", "-id")
    return quizzes if drafts else quizzes.published()


def questions_of(quiz: Quiz) -> list[Question]:
    """The quiz's questions in order, their choices prefetched in order."""
    return _questions(quiz.pk)


def _questions(quiz_id: int) -> list[Question]:
    return list(
        Question.objects.filter(quiz_id=quiz_id).prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
        )
    )


def quiz_problems(quiz: Quiz) -> list[str]:
    """Why the saved quiz cannot be published yet: no question, or a question
    without 2 to 6 choices of which exactly one is correct."""
    questions = questions_of(quiz)
    if not questions:
        return [gettext("A published quiz needs at least one question.")]
    problems = []
    for question in questions:
        choices = list(question.choices.all())
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            problems.append(
                gettext("“%(question)s” needs between %(min)d and %(max)d choices.")
                % {"question": question.text, "min": MIN_CHOICES, "max": MAX_CHOICES}
            )
        elif sum(1 for choice in choices if choice.is_correct) != 1:
            problems.append(
                gettext("“%(question)s” needs exactly one correct choice.")
                % {"question": question.text}
            )
    return problems


def attempt_of(*, quiz: Quiz, user: Any) -> Attempt | None:
    if not user.is_authenticated:
        return None
    return Attempt.objects.filter(quiz=quiz, user=user).first()


@dataclass(frozen=True)
class Correction:
    question: Question
    chosen: Choice | None
    correct: Choice | None

    @property
    def is_right(self) -> bool:
        return self.chosen is not None and self.chosen == self.correct


def attempt_review(attempt: Attempt, questions: list[Question] | None = None) -> list[Correction]:
    """Each question of the attempt's quiz with the person's choice, the
    correct one and (on the question) the explanation."""
    if questions is None:
        questions = _questions(attempt.quiz_id)
    chosen = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "choice_id"))
    corrections = []
    for question in questions:
        choices = list(question.choices.all())
        corrections.append(
            Correction(
                question=question,
                chosen=next((c for c in choices if c.pk == chosen.get(question.pk)), None),
                correct=next((c for c in choices if c.is_correct), None),
            )
        )
    return corrections


def leaderboard(quiz: Quiz, *, limit: int = LEADERBOARD_SIZE) -> list[Attempt]:
    """The attempts of those who chose to show their score: best score
    first, then the earliest."""
    return list(
        Attempt.objects.filter(quiz=quiz, show_on_leaderboard=True)
        .select_related("user")
        .order_by("-score", "created_at", "id")[:limit]
    )
