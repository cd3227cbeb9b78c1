"""Pages of polls: a space's polls, creating one (the space's moderators and
animators), a poll with its ballot form or its results. Refused ballots
re-render the poll with the reason and a 4xx status."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from membrane.conversations.models import Thread
from membrane.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from membrane.polls.forms import PollForm, VoteForm
from membrane.polls.models import Poll
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


def _visible_space(user: Any, slug: str) -> Space:
    space = access_space(slug)
    if not can_view_space(user, space):
        raise Http404("No such space.")
    return space


@require_safe
def poll_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    space = _visible_space(request.user, slug)
    polls = list(polls_of_space(space=space))
    voted = voted_poll_ids(polls=polls, user=request.user)
    now = timezone.now()
    for poll in polls:
        poll.voted = poll.pk in voted  # type: ignore[attr-defined]
        poll.state = _state(poll, now)  # type: ignore[attr-defined]
    context = {"space": space, "polls": polls, "can_create": can_create_poll(request.user, space)}
    return render(request, "polls/poll_list.html", context)


def _state(poll: Poll, now: Any) -> str:
    if now < poll.opens_at:
        return "upcoming"
    return "closed" if poll.is_closed(now) else "open"


def _thread_of(space: Space, raw: str | None) -> Thread | None:
    if not raw:
        return None
    # An id the database cannot hold is no thread (not a crash).
    thread_id = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    thread = Thread.objects.filter(pk=thread_id, space=space).first()
    if thread is None:
        raise Http404("No such thread in this space.")
    return thread


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def poll_create_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    space = access_space(slug)
    if not can_create_poll(request.user, space):
        raise PermissionDenied(_("Only the space's moderators and animators create polls."))
    thread = _thread_of(space, request.POST.get("thread") or request.GET.get("thread"))
    form = PollForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                poll = poll_create(
                    creator=request.user, space=space, thread=thread, **form.cleaned_data
                )
            except PollError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The poll is created."))
                return redirect("polls:poll", poll_id=poll.pk)
        status = 400
    context = {"space": space, "thread": thread, "form": form}
    return render(request, "polls/poll_form.html", context, status=status)


@require_safe
def poll_detail(request: HtmxHttpRequest, poll_id: int) -> HttpResponse:
    return _poll_page(request, access_poll(request.user, poll_id))


def _poll_page(
    request: HtmxHttpRequest,
    poll: Poll,
    *,
    form: VoteForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    voted = has_voted(poll=poll, user=user)
    ballot_count: int = poll.ballot_count  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "poll": poll,
        "space": poll.space,
        "state": _state(poll, now),
        "voted": voted,
        "ballot_count": ballot_count,
        "error": error,
        "refusal": voter_refusal(user, poll),
        "results": None,
        "form": None,
    }
    if can_see_results(user, poll, now=now, has_voted=voted):
        context["results"] = poll_results(poll=poll, ballot_count=ballot_count)
    elif can_vote(user, poll, now=now, has_voted=voted):
        context["form"] = form or VoteForm(poll=poll, options=poll_options(poll=poll))
    else:
        context["options"] = poll_options(poll=poll)
    return render(request, "polls/poll_detail.html", context, status=status)


@login_required
@require_POST
def poll_vote(request: AuthenticatedHttpRequest, poll_id: int) -> HttpResponse:
    poll = access_poll(request.user, poll_id)
    refusal = voter_refusal(request.user, poll)
    if refusal is not None:
        return _poll_page(request, poll, error=refusal, status=403)
    form = VoteForm(request.POST, poll=poll, options=poll_options(poll=poll))
    if not form.is_valid():
        return _poll_page(request, poll, form=form, status=400)
    try:
        ballot_cast(poll=poll, voter=request.user, option_ids=form.chosen())
    except PollError as error:
        status = 409 if error.code == "conflict" else 400
        return _poll_page(request, poll, form=form, error=str(error), status=status)
    messages.success(
        request, _("Your ballot is counted. It is secret: nobody can see your choice.")
    )
    return redirect("polls:poll", poll_id=poll.pk)
