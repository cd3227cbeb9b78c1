"""Reads of polls: a space's polls, a poll's results, whether someone voted."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from membrane.polls.models import Ballot, Poll, PollOption, PollQuerySet
from membrane.spaces.models import Space
from membrane.territory.models import Unit


def polls_of_space(*, space: Space) -> PollQuerySet:
    """The space's polls, newest first, with their number of ballots."""
    return Poll.objects.with_counts().filter(space=space)


def poll_state(poll: Poll, now: datetime) -> str:
    """ "upcoming", "open" or "closed"."""
    if now < poll.opens_at:
        return "upcoming"
    return "closed" if poll.is_closed(now) else "open"


def polls_of_thread(*, thread: Any) -> list[Poll]:
    """The thread's polls, newest first (one query)."""
    return list(Poll.objects.filter(thread=thread))


def space_people(*, space: Space) -> QuerySet[Any]:
    """The members of a space, active, as one query: a group's members; a
    territorial space's people (national: everyone; a federation: the people
    of its sections; a section: its people). The animators of the units
    above, who may also post there, are not counted as its members."""
    people = get_user_model().objects.filter(is_active=True, erased_at=None)
    if space.is_group:
        return people.filter(space_memberships__space=space)
    if space.unit is None:
        return people.none()
    if space.unit.kind == Unit.Kind.FEDERATION:
        return people.filter(section__parent_id=space.unit_id)
    if space.unit.kind == Unit.Kind.SECTION:
        return people.filter(section_id=space.unit_id)
    return people


def poll_electorate(*, poll: Poll) -> QuerySet[Any]:
    """The members of the poll's space who may vote in it (only verified
    members for a members-only poll), as one query."""
    people = space_people(space=poll.space)
    if poll.members_only:
        people = people.filter(membership_verified_at__isnull=False)
    return people.order_by("pk")


def poll_voters(*, poll: Poll) -> QuerySet[Any]:
    """Who voted in the poll (never what they chose), active, as one query."""
    return (
        get_user_model()
        .objects.filter(poll_ballots__poll=poll, is_active=True, erased_at=None)
        .order_by("pk")
    )


def has_voted(*, poll: Poll, user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return Ballot.objects.filter(poll=poll, voter=user).exists()


def voted_poll_ids(*, polls: list[Poll], user: Any) -> set[int]:
    """Of these polls, those the person voted in (one query)."""
    if not user.is_authenticated or not polls:
        return set()
    return set(Ballot.objects.filter(poll__in=polls, voter=user).values_list("poll_id", flat=True))


@dataclass(frozen=True)
class OptionResult:
    option: PollOption
    votes: int
    percent: int  # of the ballots cast, rounded; several choices may add up over 100

    @property
    def label(self) -> str:
        return self.option.label


def poll_options(*, poll: Poll) -> list[PollOption]:
    return list(poll.options.all())


def poll_results(*, poll: Poll, ballot_count: int) -> list[OptionResult]:
    """Each option with its number of choices and its share of the ballots
    (one query, whatever the number of options and ballots)."""
    options = poll.options.annotate(votes=Count("choices"))
    return [
        OptionResult(
            option=option,
            votes=option.votes,
            percent=round(100 * option.votes / ballot_count) if ballot_count else 0,
        )
        for option in options
    ]
