"""Who may create, see, vote in and see the results of a poll.

- Create: the space's moderators and animators (`can_moderate_space`; staff
  are animators everywhere). A poll on a thread is created by the thread's
  space's moderators.
- See the poll (question, options, number of ballots): whoever may read the
  space (`can_view_space`).
- Vote: whoever may post in the space (`can_post_in_space`), and for a
  members-only poll, verified adhérents only; while it is open; once.
- See the results: everyone who may see the poll once it is closed; before
  that, for a poll that shows results after voting, the people who voted.
  Animators follow the same rule: nobody sees partial results of a poll
  that shows them only after closing."""

from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from membrane.polls.models import Poll
from membrane.spaces.models import Space
from membrane.spaces.permissions import can_moderate_space, can_post_in_space, can_view_space


def can_create_poll(user: Any, space: Space) -> bool:
    return can_moderate_space(user, space)


def can_view_poll(user: Any, poll: Poll) -> bool:
    return can_view_space(user, poll.space)


def voter_refusal(user: Any, poll: Poll) -> str | None:
    """Why this person may never vote in this poll, or None if they may
    (while it is open, and once)."""
    if not user.is_authenticated:
        return _("Log in to vote.")
    if not can_post_in_space(user, poll.space):
        return _("Only the people of this space can vote in its polls.")
    if poll.members_only and not user.is_verified_member:
        return _("This poll is for verified members (adhérents) only.")
    return None


def can_vote(user: Any, poll: Poll, *, now: datetime, has_voted: bool) -> bool:
    return voter_refusal(user, poll) is None and poll.is_open(now) and not has_voted


def can_see_results(user: Any, poll: Poll, *, now: datetime, has_voted: bool) -> bool:
    if not can_view_poll(user, poll):
        return False
    if poll.is_closed(now):
        return True
    return poll.results == Poll.Results.AFTER_VOTE and has_voted


def access_poll(user: Any, poll_id: int) -> Poll:
    """The poll if the person may see it, else 404 (a private space's polls
    do not reveal they exist). An id the database cannot hold is none."""
    if not 0 < poll_id < 2**63:
        raise Http404("No such poll.")
    poll = (
        Poll.objects.with_counts()
        .select_related("space__unit__parent", "created_by")
        .filter(pk=poll_id)
        .first()
    )
    if poll is None or not can_view_poll(user, poll):
        raise Http404("No such poll.")
    return poll
