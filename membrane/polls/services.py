"""Writes on polls. Callers check the person's rights first (permissions.py:
`can_create_poll`, `vote_refusal`); these functions keep the data consistent
and refuse, with a message for people, what no right can make valid."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from membrane.conversations.models import Thread
from membrane.polls.models import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    Ballot,
    BallotChoice,
    Poll,
    PollOption,
)
from membrane.spaces.models import Space


class PollError(Exception):
    """A refused write, with a message for people and a code for callers:
    `conflict` (the poll's state or an earlier ballot forbids it: HTTP 409)
    or `invalid` (what was sent is wrong: HTTP 400)."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def check_options(labels: Sequence[str]) -> list[str]:
    """The options' labels, stripped, blank ones dropped; 2 to 10 distinct."""
    cleaned = [label.strip() for label in labels if label.strip()]
    if len(cleaned) < MIN_OPTIONS or len(cleaned) > MAX_OPTIONS:
        raise PollError(
            _("Give between %(min)d and %(max)d options.")
            % {"min": MIN_OPTIONS, "max": MAX_OPTIONS}
        )
    if len({label.casefold() for label in cleaned}) != len(cleaned):
        raise PollError(_("Two options are the same: each option must be different."))
    if any(len(label) > OPTION_MAX_LENGTH for label in cleaned):
        raise PollError(
            _("An option has at most %(limit)d characters.") % {"limit": OPTION_MAX_LENGTH}
        )
    return cleaned


@transaction.atomic
def poll_create(
    *,
    creator: Any,
    space: Space,
    question: str,
    options: Sequence[str],
    opens_at: datetime,
    closes_at: datetime,
    multiple: bool = False,
    results: str = Poll.Results.AFTER_VOTE,
    members_only: bool = False,
    thread: Thread | None = None,
) -> Poll:
    """A poll in `space`, or on `thread` (which must be in `space`)."""
    question = question.strip()
    if not question or len(question) > QUESTION_MAX_LENGTH:
        raise PollError(
            _("Write a question of at most %(limit)d characters.") % {"limit": QUESTION_MAX_LENGTH}
        )
    labels = check_options(options)
    if closes_at <= opens_at:
        raise PollError(_("The poll must close after it opens."))
    if thread is not None and thread.space_id != space.pk:
        raise PollError(_("This thread is not in this space."))
    poll = Poll.objects.create(
        space=space,
        thread=thread,
        question=question,
        multiple=multiple,
        opens_at=opens_at,
        closes_at=closes_at,
        results=results,
        members_only=members_only,
        created_by=creator,
    )
    PollOption.objects.bulk_create(
        PollOption(poll=poll, label=label, position=position)
        for position, label in enumerate(labels, start=1)
    )
    return poll


def check_choices(*, poll: Poll, option_ids: Sequence[int], now: datetime) -> list[int]:
    """The chosen options, distinct, or PollError: the poll must be open,
    at least one option chosen, all of this poll, one only if single choice."""
    if now < poll.opens_at:
        raise PollError(_("This poll is not open yet."), code="conflict")
    if poll.is_closed(now):
        raise PollError(_("This poll is closed: ballots are no longer accepted."), code="conflict")
    chosen = sorted(set(option_ids))
    if not chosen:
        raise PollError(_("Choose an option to vote."))
    if len(chosen) > 1 and not poll.multiple:
        raise PollError(_("This poll allows one choice only."))
    valid = set(PollOption.objects.filter(poll=poll, pk__in=chosen).values_list("pk", flat=True))
    if len(valid) != len(chosen):
        raise PollError(_("This option is not one of this poll's options."))
    return chosen


def ballot_cast(
    *, poll: Poll, voter: Any, option_ids: Sequence[int], now: datetime | None = None
) -> Ballot:
    """Record that `voter` voted and, apart and anonymously, what they chose.
    A ballot is final. Two ballots of the same person — even sent at the same
    instant — meet the database's unique constraint: the second one is a
    PollError (`conflict`) and nothing of it is kept."""
    now = now or timezone.now()
    chosen = check_choices(poll=poll, option_ids=option_ids, now=now)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(poll=poll, voter=voter)
            BallotChoice.objects.bulk_create(
                BallotChoice(poll=poll, option_id=option_id) for option_id in chosen
            )
    except IntegrityError:
        raise PollError(
            _("You have already voted in this poll: a ballot is final."), code="conflict"
        ) from None
    return ballot
