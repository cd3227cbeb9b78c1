"""Reads of polls: a space's polls, a poll's results, whether someone voted."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from membrane.polls.models import Ballot, Poll, PollOption, PollQuerySet
from membrane.spaces.models import Space


def polls_of_space(*, space: Space) -> PollQuerySet:
    """The space's polls, newest first, with their number of ballots."""
    return Poll.objects.with_counts().filter(space=space)


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
