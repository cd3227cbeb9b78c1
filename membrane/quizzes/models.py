"""Quizzes of civic education: questions with one correct choice and an
explanation, one attempt per person, an opt-in leaderboard."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_CHOICES = 2
MAX_CHOICES = 6


class QuizQuerySet(models.QuerySet["Quiz"]):
    def published(self) -> "QuizQuerySet":
        return self.filter(is_published=True)

    def visible_to(self, user: Any) -> "QuizQuerySet":
        """Published quizzes the person may take: national ones (no space)
        and those of the spaces they may read. Nothing for anonymous visitors
        (the same rule as permissions.can_take_quiz, as a query)."""
        from membrane.spaces.models import Space
        from membrane.spaces.selectors import readable_spaces_q

        if not (user.is_authenticated and user.is_active and user.erased_at is None):
            return self.none()
        readable = models.Q(space__isnull=True) | models.Q(
            space__in=Space.objects.filter(readable_spaces_q(user)).values("pk")
        )
        return self.published().filter(readable)

    def with_counts(self) -> "QuizQuerySet":
        return self.select_related("space").annotate(
            question_count=models.Count("questions", distinct=True)
        )


class Quiz(models.Model):
    """A quiz, national (no space: open to everyone signed in) or in a space
    (open to those who may read it)."""

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), max_length=3000, blank=True)
    space = models.ForeignKey(
        "spaces.Space",
        verbose_name=_("space"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quizzes",
        help_text=_("Leave empty for a national quiz, open to everyone signed in."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["is_published", "space"])]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    explanation = models.TextField(
        _("explanation"), max_length=3000, help_text=_("Shown after answering.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("choice"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position", "id"]
        # "Exactly one correct" is checked by the admin's formset and before
        # publishing (selectors.quiz_problems): a partial unique constraint
        # would refuse moving the tick from one choice to another in one save.

    def __str__(self) -> str:
        return self.text


class Attempt(models.Model):
    """A person's only attempt at a quiz, with its score."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    score = models.PositiveSmallIntegerField(_("score"))
    question_count = models.PositiveSmallIntegerField(_("number of questions"))
    show_on_leaderboard = models.BooleanField(_("shown on the leaderboard"), default=False)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user"], name="one_attempt_per_person")
        ]
        indexes = [
            models.Index(
                fields=["quiz", "show_on_leaderboard", "-score", "created_at"],
                name="quiz_leaderboard",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.quiz_id} · {self.score}/{self.question_count}"


class Answer(models.Model):
    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )
    choice = models.ForeignKey(
        Choice, verbose_name=_("choice"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} · {self.question_id} → {self.choice_id}"
