"""Pages of events: the upcoming ones (all, of a space, near a postcode, in
a département), a person's own, an event with its answers, its attendees
and the check-in of attendance, the forms to create, change and cancel
one, and the iCalendar files and feeds.

Refused actions say why with a 4xx status and keep what was typed."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from membrane.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from membrane.events.forms import CancelForm, EventForm, FilterForm, local_input
from membrane.events.ical import calendar_of
from membrane.events.models import CalendarToken, Event, Rsvp
from membrane.events.permissions import (
    access_event,
    can_cancel_event,
    can_check_in,
    can_create_event,
    can_edit_event,
    can_manage_event,
    can_see_attendees,
    rsvp_refusal,
    rsvp_refusal_message,
)
from membrane.events.selectors import (
    attendees,
    calendar_events,
    counts_of,
    my_events,
    space_calendar_events,
    upcoming_events_page,
)
from membrane.events.services import (
    EDITABLE_FIELDS,
    EventError,
    attendance_check,
    calendar_token_get,
    calendar_token_reset,
    event_cancel,
    event_create,
    event_update,
    rsvp_set,
    rsvp_withdraw,
)
from membrane.moderation.pages import refused
from membrane.moderation.permissions import can_moderate, can_report
from membrane.spaces.permissions import access_space, can_view_space

EVENTS_PER_PAGE = 20
ICAL_TYPE = "text/calendar; charset=utf-8"

# Lists


def event_list(request: HtmxHttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "events": None}
        return render(request, "events/list.html", context, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    events = upcoming_events_page(
        request.user,
        page=request.GET.get("page"),
        per_page=EVENTS_PER_PAGE,
        departement=filters.get("departement") or None,
        postcode=filters.get("postcode") or None,
    )
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(request, "events/list.html", {"form": form, "events": events, "query": query})


def space_events(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    space = access_space(slug)
    can_view = can_view_space(request.user, space)
    page = request.GET.get("page")
    context = {
        "space": space,
        "can_view": can_view,
        "events": upcoming_events_page(
            request.user, page=page, per_page=EVENTS_PER_PAGE, space=space
        )
        if can_view
        else Paginator(Event.objects.none(), EVENTS_PER_PAGE).get_page(page),
        "can_create": can_create_event(request.user, space),
    }
    return render(request, "events/space.html", context)


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "upcoming": list(my_events(request.user)[:100]),
        "past": list(my_events(request.user, upcoming=False)[:EVENTS_PER_PAGE]),
    }
    return render(request, "events/mine.html", context)


# An event


def event_detail(request: HtmxHttpRequest, event_id: int) -> HttpResponse:
    return _event_page(request, access_event(request.user, event_id))


def _event_page(
    request: HtmxHttpRequest,
    event: Event,
    *,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    my_rsvp = (
        Rsvp.objects.filter(event=event, user_id=user.pk).first() if user.is_authenticated else None
    )
    my_status = my_rsvp.status if my_rsvp else None
    refusal = rsvp_refusal(user, event)
    manages = can_manage_event(user, event)
    shows_attendees = can_see_attendees(user, event, my_status=my_status or "")
    context = {
        "event": event,
        "space": event.space,
        "counts": counts_of(event),
        "my_rsvp": my_rsvp,
        "refusal": rsvp_refusal_message(refusal) if refusal not in (None, "signed_out") else None,
        "signed_out": refusal == "signed_out",
        "manages": manages,
        "can_edit": can_edit_event(user, event),
        "can_cancel": can_cancel_event(user, event),
        "cancel_form": cancel_form or (CancelForm() if can_cancel_event(user, event) else None),
        "can_check_in": can_check_in(user, event),
        "attendees": attendees(event) if shows_attendees else None,
        "can_report": can_report(user, event),
        "can_moderate": can_moderate(user, event),
        "statuses": [
            (Rsvp.Status.GOING, _("I'm going")),
            (Rsvp.Status.INTERESTED, _("Interested")),
            (Rsvp.Status.NOT_GOING, _("Not going")),
        ],
    }
    return render(request, "events/event.html", context, status=status)


def _refuse(
    request: HtmxHttpRequest, event: Event, message: str, *, status: int = 403, field: str = ""
) -> HttpResponse:
    return refused(
        request,
        message=message,
        status=status,
        field=field,
        back=reverse("events:event", args=[event.pk]),
        back_label=_("Back to the event"),
    )


@login_required
@require_POST
def rsvp(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id)
    if request.POST.get("action") == "withdraw":
        if rsvp_withdraw(user=request.user, event=event):
            messages.success(request, _("Your answer is withdrawn."))
        return redirect("events:event", event.pk)
    refusal = rsvp_refusal(request.user, event)
    if refusal is not None:
        return _refuse(request, event, rsvp_refusal_message(refusal), status=409)
    try:
        answer = rsvp_set(user=request.user, event=event, status=request.POST.get("status", ""))
    except EventError as error:
        return _refuse(request, event, error.message, status=error.status)
    if answer.waitlisted:
        messages.warning(
            request,
            _(
                "The event is full: you are on the waiting list. You will be told if a "
                "seat frees up."
            ),
        )
    else:
        messages.success(request, _("Your answer is saved."))
    return redirect("events:event", event.pk)


# Creating, changing, cancelling


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    space = access_space(slug)
    if not can_create_event(request.user, space):
        raise PermissionDenied(_("Only the animators of this space can create events in it."))
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(organiser=request.user, space=space, **form.cleaned_data)
        except EventError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, _("The event is created."))
            return redirect("events:event", event.pk)
    context = {"form": form, "space": space, "event": None}
    return render(request, "events/form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id)
    if not can_edit_event(request.user, event):
        raise PermissionDenied(_("Only the organisers of this event can change it."))
    initial: dict[str, Any] = {name: getattr(event, name) for name in EDITABLE_FIELDS}
    initial["starts_at"] = local_input(event.starts_at, event.time_zone)
    initial["ends_at"] = local_input(event.ends_at, event.time_zone)
    form = EventForm(request.POST or None, initial=initial, original_start=event.starts_at)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(by=request.user, event=event, **form.cleaned_data)
        except EventError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:event", event.pk)
    context = {"form": form, "space": event.space, "event": event}
    return render(request, "events/form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def event_cancel_view(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id)
    if not can_cancel_event(request.user, event):
        return _refuse(
            request, event, _("Only the organisers can cancel this event."), field="reason"
        )
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _event_page(request, event, cancel_form=form, status=400)
    try:
        event_cancel(by=request.user, event=event, reason=form.cleaned_data["reason"])
    except EventError as error:
        return _refuse(request, event, error.message, status=error.status, field="reason")
    messages.success(request, _("The event is cancelled; the people who answered are told."))
    return redirect("events:event", event.pk)


@login_required
@require_POST
def attendance(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id)
    if not can_check_in(request.user, event):
        return _refuse(
            request, event, _("Attendance is checked by the organisers, once the event started.")
        )
    try:
        present = {int(value) for value in request.POST.getlist("present")}
        attendance_check(by=request.user, event=event, present=present)
    except ValueError:
        return _refuse(request, event, _("This list of people is not valid."), status=400)
    except EventError as error:
        return _refuse(request, event, error.message, status=error.status)
    messages.success(request, _("Attendance is saved."))
    return redirect("events:event", event.pk)


# iCalendar


def _ical(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ICAL_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def event_ics(request: HtmxHttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id)
    return _ical(calendar_of([event]), f"event-{event.pk}.ics")


def space_ics(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A space's feed: public spaces only (a calendar app has no session)."""
    space = access_space(slug)
    if not can_view_space(request.user, space):
        raise Http404("No such feed.")
    return _ical(calendar_of(space_calendar_events(space), name=space.name), f"{slug}.ics")


def personal_ics(request: HtmxHttpRequest, token: str) -> HttpResponse:
    found = CalendarToken.objects.select_related("user").filter(token=token[:64]).first()
    if found is None or not found.user.is_active or found.user.erased_at is not None:
        raise Http404("No such feed.")
    events = calendar_events(found.user)
    return _ical(calendar_of(events, name=found.user.public_name), "membrane.ics")


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        calendar_token_reset(user=request.user)
        messages.success(request, _("A new address is made: the old one no longer works."))
        return redirect("events:calendar")
    token = calendar_token_get(user=request.user)
    url = request.build_absolute_uri(reverse("events:feed", args=[token.token]))
    return render(request, "events/calendar.html", {"feed_url": url})
