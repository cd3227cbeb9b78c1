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
from membrane.notifications.models import Kind
from membrane.notifications.services import notify
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
from membrane.polls.selectors import poll_electorate, poll_voters, space_people
from membrane.spaces.models import Role, Space


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
    poll_notifications_schedule(poll)
    return poll


def poll_notifications_schedule(poll: Poll, *, opening: bool = True, closing: bool = True) -> None:
    """Once the transaction commits, enqueue the tasks that notify the
    opening (at `opens_at`; at once if the poll is already open) and the
    closing (at `closes_at`). Each task carries the date it was scheduled
    for: if the date has changed since, it does nothing, and whoever changed
    it schedules again (the admin does, when it closes a poll early)."""
    from membrane.polls.tasks import notify_poll_closed, notify_poll_opened

    poll_id, opens_at, closes_at = poll.pk, poll.opens_at, poll.closes_at

    def enqueue() -> None:
        now = timezone.now()
        if opening:
            task = (
                notify_poll_opened
                if opens_at <= now
                else notify_poll_opened.using(run_after=opens_at)
            )
            task.enqueue(poll_id, opens_at.isoformat())
        if closing:
            notify_poll_closed.using(run_after=max(closes_at, now)).enqueue(
                poll_id, closes_at.isoformat()
            )

    transaction.on_commit(enqueue)


def _scheduled_for(poll: Poll | None, field: str, expected: str) -> bool:
    if poll is None:
        return False
    return bool(getattr(poll, field) == datetime.fromisoformat(expected))


def _prime_roles(poll: Poll, people: list[Any]) -> None:
    """`notify` checks that each recipient may read the poll's space. These
    people are known members of it (selectors.space_people), so their role
    goes into the space object's cache of `spaces.permissions.space_role`
    instead of one query per person."""
    roles: dict[int, int | None] = poll.space.__dict__.setdefault("_roles", {})
    for person in people:
        roles.setdefault(person.pk, Role.MEMBER)


def poll_opened_notify(*, poll_id: int, opens_at: str, now: datetime | None = None) -> str:
    """Tell the members of the poll's space who may vote that it is open:
    once, if the poll still opens at `opens_at` (ISO date), is open now and
    was not announced yet. Returns what was done, for the task's result."""

    now = now or timezone.now()
    poll = Poll.objects.select_related("space__unit").filter(pk=poll_id).first()
    if poll is None or not _scheduled_for(poll, "opens_at", opens_at):
        return "skipped: moved or deleted"
    if not poll.is_open(now):
        return "skipped: not open"
    with transaction.atomic():
        claimed = Poll.objects.filter(
            pk=poll.pk, opens_at=poll.opens_at, opened_notified_at=None
        ).update(opened_notified_at=now)
        if not claimed:
            return "skipped: already notified"
        people = [
            person for person in poll_electorate(poll=poll) if person.pk != poll.created_by_id
        ]
        _prime_roles(poll, people)
        sent = notify(recipients=people, kind=Kind.POLL_OPENED, space=poll.space, poll=poll)
    return f"notified {len(sent)}"


def poll_closed_notify(*, poll_id: int, closes_at: str, now: datetime | None = None) -> str:
    """Tell those who voted that the poll is closed and its results are
    there: once, if the poll still closes at `closes_at` (ISO date) and is
    closed now."""

    now = now or timezone.now()
    poll = Poll.objects.select_related("space__unit").filter(pk=poll_id).first()
    if poll is None or not _scheduled_for(poll, "closes_at", closes_at):
        return "skipped: moved or deleted"
    if not poll.is_closed(now):
        return "skipped: not closed"
    with transaction.atomic():
        claimed = Poll.objects.filter(
            pk=poll.pk, closes_at=poll.closes_at, closed_notified_at=None
        ).update(closed_notified_at=now)
        if not claimed:
            return "skipped: already notified"
        people = list(poll_voters(poll=poll))
        # Voters who left a private space since are checked by `notify`
        # itself (a few at most); the others are known members.
        members = set(
            space_people(space=poll.space)
            .filter(pk__in=poll_voters(poll=poll).values("pk"))
            .values_list("pk", flat=True)
        )
        _prime_roles(poll, [person for person in people if person.pk in members])
        sent = notify(recipients=people, kind=Kind.POLL_CLOSED, space=poll.space, poll=poll)
    return f"notified {len(sent)}"


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
