"""Events in a space: a place or an online link, a capacity with a waiting
list, RSVPs, attendance checked after the event, cancellation.

Times are stored in UTC; `time_zone` is the zone the event is held in, the
one its times are shown and exported in (daylight-saving changes included)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membrane.moderation.models import Moderated

TITLE_MAX_LENGTH = 160
DESCRIPTION_MAX_LENGTH = 10_000
DEFAULT_TIME_ZONE = "Europe/Paris"
# The longest an event may last (a festival, a week of action): so that the
# events not yet over are among those started this long ago at most, which
# an index finds without reading the past ones (events/selectors.py).
MAX_DURATION = timedelta(days=31)


class Event(Moderated):
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="events", verbose_name=_("space")
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="organised_events",
        verbose_name=_("organiser"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("campaign"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)
    online_url = models.URLField(_("online link"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    departement = models.CharField(_("département"), max_length=3, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    attendees_visible = models.BooleanField(
        _("attendees may see who else is coming"), default=False
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), max_length=2000, blank=True)
    # iCalendar SEQUENCE: raised at each change of time, place or cancellation.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # The start time the reminder was sent for: never twice for the same time.
    reminded_for = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["space", "starts_at"]),
            models.Index(fields=["departement", "starts_at"]),
            # The future events at a postcode in start order, from now on
            # (selectors.first_in_order).
            models.Index(fields=["postcode", "starts_at"], name="event_postcode_starts_at"),
            # The events not yet over (selectors.upcoming_events), without
            # reading the past ones: most of the table after a few years;
            # with their start, those already started are found in the index.
            models.Index(fields=["ends_at", "starts_at"], name="event_ends_starts_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Rsvp(models.Model):
    class Status(models.TextChoices):
        GOING = "going", _("going")
        WAITING = "waiting", _("on the waiting list")
        INTERESTED = "interested", _("interested")
        NOT_GOING = "not_going", _("not going")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    status = models.CharField(_("answer"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    # Checked by the organisers after the event: None until they do.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    checked_at = models.DateTimeField(_("attendance checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_rsvp_per_person")
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}: {self.status}"


class CalendarToken(models.Model):
    """The secret in the address of a person's calendar feed: calendar apps
    fetch it without a session. Reset, the old address stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"
