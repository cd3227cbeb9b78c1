"""Forms of the event pages. Times are typed as local date-times in the
event's time zone and come out of `clean()` as aware datetimes."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from membrane.events.models import DEFAULT_TIME_ZONE, DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH
from membrane.events.services import EventError, check_place, check_times

# The zones of metropolitan France, the overseas départements and
# collectivities, and a few neighbours; the API takes any IANA zone.
TIME_ZONES = [
    ("Europe/Paris", _("Paris (metropolitan France)")),
    ("America/Guadeloupe", _("Guadeloupe")),
    ("America/Martinique", _("Martinique")),
    ("America/Cayenne", _("French Guiana")),
    ("Indian/Reunion", _("Réunion")),
    ("Indian/Mayotte", _("Mayotte")),
    ("America/Miquelon", _("Saint-Pierre-et-Miquelon")),
    ("Pacific/Noumea", _("New Caledonia")),
    ("Pacific/Tahiti", _("French Polynesia (Tahiti)")),
    ("Pacific/Wallis", _("Wallis and Futuna")),
    ("Europe/Brussels", _("Brussels")),
    ("Europe/London", _("London")),
    ("America/Montreal", _("Montréal")),
    ("UTC", _("UTC")),
]
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as typed, without a zone: the form gives it the
    event's."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result is not None else None


def localize(naive: datetime, zone: ZoneInfo) -> datetime | None:
    """The naive local time in that zone, or None if it does not exist there
    (skipped by a change of clocks). An ambiguous time (repeated in autumn)
    is the first of the two."""
    aware = naive.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return aware if back == naive else None


def local_input(moment: datetime, zone_name: str) -> str:
    """How a stored time is shown in the form: local to the event's zone."""
    return moment.astimezone(ZoneInfo(zone_name)).strftime(LOCAL_FORMAT)


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is accepted: **bold**, *italics*, lists, links."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=TIME_ZONES, initial=DEFAULT_TIME_ZONE
    )
    starts_at = LocalDateTimeField(
        label=_("Starts"), help_text=_("Local date and time, in the time zone above.")
    )
    ends_at = LocalDateTimeField(label=_("Ends"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("For an event held online, or a link to follow it from afar."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for no limit. Beyond it, people join a waiting list."),
    )
    attendees_visible = forms.BooleanField(
        label=_("The people going may see who else is coming"), required=False
    )

    def __init__(self, *args: Any, original_start: datetime | None = None, **kwargs: Any) -> None:
        # For an edit: the start time already set, which may be in the past.
        self.original_start = original_start
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone_name = data.get("time_zone")
        zone = ZoneInfo(zone_name) if zone_name else None
        for name in ("starts_at", "ends_at"):
            naive = data.get(name)
            if naive is None or zone is None:
                continue
            aware = localize(naive, zone)
            if aware is None:
                self.add_error(
                    name, _("This time does not exist in this time zone: the clocks change then.")
                )
                data.pop(name, None)
            else:
                data[name] = aware
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        try:
            if starts_at is not None and ends_at is not None and zone is not None:
                check_times(
                    starts_at=starts_at,
                    ends_at=ends_at,
                    now=timezone.now(),
                    new=starts_at != self.original_start,
                )
            if not self.errors:
                check_place(
                    address=data.get("address", ""),
                    postcode=data.get("postcode", ""),
                    commune=data.get("commune", ""),
                    online_url=data.get("online_url", ""),
                )
        except EventError as error:
            self.add_error(error.field or None, error.message)
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, told to the people who answered"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FilterForm(forms.Form):
    """The filters of the list of events: a département, or a postcode to
    see the nearest first."""

    departement = forms.CharField(
        label=_("Département"), max_length=3, required=False, help_text=_("Such as 75, 2A or 974.")
    )
    postcode = forms.CharField(
        label=_("Near the postcode"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )

    def clean_departement(self) -> str:
        from membrane.events.places import normalise_departement

        value = self.cleaned_data["departement"]
        if not value:
            return ""
        code = normalise_departement(value)
        if code is None:
            raise forms.ValidationError(_("A département code such as 75, 2A or 974."))
        return code

    def clean_postcode(self) -> str:
        from membrane.events.places import is_postcode

        value = self.cleaned_data["postcode"].strip()
        if value and not is_postcode(value):
            raise forms.ValidationError(_("A postcode has five digits, such as 69003."))
        return value
