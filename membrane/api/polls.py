"""Polls: a space's polls, one poll (with its results when the caller may see
them), creating one (the space's moderators and animators) and voting.

The rules are those of the poll pages (polls/permissions.py). A ballot is
final and secret: the API tells whether the caller voted, never what anyone
chose. A second ballot — even sent at the same instant — is a 409."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    AnyApiRequest,
    ApiRequest,
    AuthenticatedApiRequest,
    PageFilters,
    SpaceRef,
    ThreadRef,
    error_responses,
    keyset_page_by,
    optional_auth,
    space_ref,
)
from membrane.conversations.models import Thread
from membrane.polls.models import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    Poll,
)
from membrane.polls.permissions import (
    access_poll,
    can_create_poll,
    can_see_results,
    can_vote,
    voter_refusal,
)
from membrane.polls.selectors import (
    has_voted,
    poll_options,
    poll_results,
    polls_of_space,
    voted_poll_ids,
)
from membrane.polls.services import PollError, ballot_cast, poll_create
from membrane.spaces.models import Space
from membrane.spaces.permissions import access_space, can_view_space

router = Router(tags=["polls"])

PollState = Literal["upcoming", "open", "closed"]
# Ids beyond what the database holds are refused as input (422), not sent to it.
MAX_ID = 2**63 - 1
type Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# -- Schemas ----------------------------------------------------------------


class PollOut(Schema):
    id: int
    question: str
    space: SpaceRef
    thread: ThreadRef | None
    multiple: bool = Field(description="Whether a ballot may choose several options.")
    opens_at: datetime
    closes_at: datetime
    state: PollState
    results_shown: Poll.Results = Field(
        description="after_vote: to each person once they voted; after_close: to all once closed."
    )
    members_only: bool = Field(description="Only verified members (adhérents) may vote.")
    ballot_count: int
    voted: bool = Field(description="Whether the caller has voted (a ballot is final).")


class PollPage(Schema):
    items: list[PollOut]
    next: str | None


class OptionOut(Schema):
    id: int
    label: str


class OptionResultOut(Schema):
    option_id: int
    label: str
    votes: int
    percent: int = Field(description="Share of the ballots, rounded; may add up over 100.")


class PollDetailOut(PollOut):
    options: list[OptionOut]
    can_vote: bool
    results: list[OptionResultOut] | None = Field(
        description="Null while the caller may not see them (see `results_shown`)."
    )


class PollIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str = Field(min_length=1, max_length=QUESTION_MAX_LENGTH)
    options: list[str] = Field(
        min_length=MIN_OPTIONS,
        max_length=MAX_OPTIONS,
        description=f"{MIN_OPTIONS} to {MAX_OPTIONS} different labels, "
        f"up to {OPTION_MAX_LENGTH} characters each.",
    )
    multiple: bool = False
    opens_at: datetime | None = Field(None, description="Now if left out.")
    closes_at: datetime
    results_shown: Poll.Results = Poll.Results.AFTER_VOTE
    members_only: bool = False
    thread_id: Id | None = Field(None, description="A thread of the space to attach it to.")


class BallotIn(Schema):
    model_config = ConfigDict(extra="forbid")

    option_ids: list[Id] = Field(
        max_length=MAX_OPTIONS, description="One option, or several if the poll allows it."
    )


# -- Helpers ----------------------------------------------------------------


def _state(poll: Poll, now: datetime) -> PollState:
    if now < poll.opens_at:
        return "upcoming"
    return "closed" if poll.is_closed(now) else "open"


def poll_out(poll: Poll, *, voted: bool, now: datetime) -> dict[str, Any]:
    return {
        "id": poll.pk,
        "question": poll.question,
        "space": space_ref(poll.space),
        "thread": {"id": poll.thread.pk, "title": poll.thread.title} if poll.thread else None,
        "multiple": poll.multiple,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "state": _state(poll, now),
        "results_shown": poll.results,
        "members_only": poll.members_only,
        "ballot_count": poll.ballot_count,  # type: ignore[attr-defined]
        "voted": voted,
    }


def poll_detail_out(request: AnyApiRequest, poll_id: int) -> dict[str, Any]:
    user = request.auth
    poll = access_poll(user, poll_id)
    now = timezone.now()
    voted = has_voted(poll=poll, user=user)
    results = None
    if can_see_results(user, poll, now=now, has_voted=voted):
        results = [
            {
                "option_id": result.option.pk,
                "label": result.label,
                "votes": result.votes,
                "percent": result.percent,
            }
            for result in poll_results(poll=poll, ballot_count=poll.ballot_count)  # type: ignore[attr-defined]
        ]
    return {
        **poll_out(poll, voted=voted, now=now),
        "options": [{"id": option.pk, "label": option.label} for option in poll_options(poll=poll)],
        "can_vote": can_vote(user, poll, now=now, has_voted=voted),
        "results": results,
    }


def _readable_space(user: Any, slug: str) -> Space:
    space = access_space(slug)
    if not can_view_space(user, space):
        raise Http404("No such space.")
    return space


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# -- Operations -------------------------------------------------------------


@router.get(
    "/spaces/{slug}/polls",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: PollPage, **error_responses(400, 401, 404, 422)},
    summary="A space's polls",
    description="Newest first. A space whose content the caller may not read answers 404.",
)
def space_poll_index(request: ApiRequest, slug: str, filters: Query[PageFilters]) -> dict[str, Any]:
    space = _readable_space(request.auth, slug)
    items, next_cursor = keyset_page_by(
        polls_of_space(space=space),
        order=("-opens_at", "-id"),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    voted = voted_poll_ids(polls=items, user=request.auth)
    now = timezone.now()
    return {
        "items": [poll_out(poll, voted=poll.pk in voted, now=now) for poll in items],
        "next": next_cursor,
    }


@router.post(
    "/spaces/{slug}/polls",
    response={201: PollDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Create a poll (the space's moderators and animators)",
    description=f"A question, {MIN_OPTIONS} to {MAX_OPTIONS} different options, a closing "
    "date after the opening one; optionally attached to a thread of the space.",
)
def space_poll_new(
    request: AuthenticatedApiRequest, slug: str, payload: PollIn
) -> Status[dict[str, Any]]:
    space = _readable_space(request.auth, slug)
    if not can_create_poll(request.auth, space):
        raise PermissionDenied(_("Only the space's moderators and animators create polls."))
    thread = None
    if payload.thread_id is not None:
        thread = Thread.objects.filter(pk=payload.thread_id, space=space).first()
        if thread is None:
            raise HttpError(400, _("This thread is not in this space."))
    try:
        poll = poll_create(
            creator=request.auth,
            space=space,
            thread=thread,
            question=payload.question,
            options=payload.options,
            multiple=payload.multiple,
            opens_at=_aware(payload.opens_at) if payload.opens_at else timezone.now(),
            closes_at=_aware(payload.closes_at),
            results=payload.results_shown,
            members_only=payload.members_only,
        )
    except PollError as error:
        raise HttpError(400, str(error)) from None
    return Status(201, poll_detail_out(request, poll.pk))


@router.get(
    "/polls/{poll_id}",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: PollDetailOut, **error_responses(401, 404)},
    summary="One poll, with its results when the caller may see them",
)
def poll_detail(request: ApiRequest, poll_id: int) -> dict[str, Any]:
    return poll_detail_out(request, poll_id)


@router.post(
    "/polls/{poll_id}/ballot",
    response={201: PollDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Vote",
    description="One ballot per person, final and secret. 403: the caller may not vote in "
    "this poll; 409: not open yet, closed, or already voted; 400: no option, an option "
    "of another poll, several options in a single-choice poll.",
)
def poll_vote(
    request: AuthenticatedApiRequest, poll_id: int, payload: BallotIn
) -> Status[dict[str, Any]]:
    poll = access_poll(request.auth, poll_id)
    refusal = voter_refusal(request.auth, poll)
    if refusal is not None:
        raise PermissionDenied(refusal)
    try:
        ballot_cast(poll=poll, voter=request.auth, option_ids=payload.option_ids)
    except PollError as error:
        raise HttpError(409 if error.code == "conflict" else 400, str(error)) from None
    return Status(201, poll_detail_out(request, poll.pk))
