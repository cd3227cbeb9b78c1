"""Polls in a space or attached to a thread, and their ballots.

Secrecy of the vote: a `Ballot` records *that* a person voted (one per
person and poll, enforced by the database); the options chosen are
`BallotChoice` rows that carry no link to the person nor to their ballot.
Nobody — not the animators, not staff, not the API, not the data export —
can tell who chose what. The trade-off: a ballot cannot be changed or
withdrawn (its choices cannot be found again), so a ballot is final from
the moment it is cast, and erasing a person removes their `Ballot` but the
counts stay. `BallotChoice` has a random key and no date, so the order of
keys does not pair choices with ballots; someone reading the database's
physical storage could still try to correlate insertion order — that is
out of the application's reach."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

QUESTION_MAX_LENGTH = 300
OPTION_MAX_LENGTH = 200
MIN_OPTIONS = 2
MAX_OPTIONS = 10


class PollQuerySet(models.QuerySet["Poll"]):
    def with_counts(self) -> "PollQuerySet":
        """Each poll with its number of ballots (`ballot_count`) and what a
        page of polls shows next to it, in one query."""
        return self.select_related("space", "thread").annotate(
            ballot_count=Count("ballots", distinct=True)
        )


class Poll(models.Model):
    """A question put to the people who may post in a space."""

    class Results(models.TextChoices):
        AFTER_VOTE = "after_vote", _("to each person once they have voted")
        AFTER_CLOSE = "after_close", _("only once the poll is closed")

    space = models.ForeignKey(
        "spaces.Space", verbose_name=_("space"), on_delete=models.CASCADE, related_name="polls"
    )
    thread = models.ForeignKey(
        "conversations.Thread",
        verbose_name=_("thread"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="polls",
    )
    question = models.CharField(_("question"), max_length=QUESTION_MAX_LENGTH)
    multiple = models.BooleanField(_("several choices allowed"), default=False)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    results = models.CharField(
        _("results shown"), max_length=12, choices=Results.choices, default=Results.AFTER_VOTE
    )
    members_only = models.BooleanField(_("verified members only"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When the "a poll opens" and "see its results" notifications went out
    # (tasks.py): each at most once.
    opened_notified_at = models.DateTimeField(
        _("opening notified at"), null=True, blank=True, editable=False
    )
    closed_notified_at = models.DateTimeField(
        _("closing notified at"), null=True, blank=True, editable=False
    )

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["space", "-opens_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="poll_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.question

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now: datetime) -> bool:
        return now >= self.closes_at


class PollOption(models.Model):
    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="options"
    )
    label = models.CharField(_("option"), max_length=OPTION_MAX_LENGTH)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="unique_poll_option_position")
        ]

    def __str__(self) -> str:
        return self.label


class Ballot(models.Model):
    """That a person voted in a poll, and when — never what they chose."""

    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="ballots"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.CASCADE,
        related_name="poll_ballots",
    )
    cast_at = models.DateTimeField(_("cast at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="one_ballot_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} · {self.voter_id}"


class BallotChoice(models.Model):
    """One option chosen in one ballot, anonymous: no voter, no ballot, no
    date, and a random key (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="choices"
    )
    option = models.ForeignKey(
        PollOption, verbose_name=_("option"), on_delete=models.CASCADE, related_name="choices"
    )

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        indexes = [models.Index(fields=["option"])]

    def __str__(self) -> str:
        return f"{self.poll_id} · {self.option_id}"
