from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from membrane.insights.services import Period, last_days

PRESETS = [(30, _("last 30 days")), (90, _("last 90 days")), (365, _("last 12 months"))]
MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    """A preset period, or two dates (both included)."""

    days = forms.TypedChoiceField(
        label=_("Period"), choices=PRESETS, coerce=int, required=False, empty_value=None
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both dates, or choose a preset period."))
        if start is not None and end is not None:
            if end < start:
                raise forms.ValidationError(_("The end date comes before the start date."))
            if end > timezone.localdate():
                raise forms.ValidationError(_("The end date is in the future."))
            if end - start > timedelta(days=MAX_DAYS):
                raise forms.ValidationError(_("Choose a period of three years at most."))
        return data

    def period(self) -> Period:
        """The chosen period (the last 30 days by default); call after is_valid()."""
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            start: date = data["start"]
            end: date = data["end"]
            return Period(start=start, end=end)
        return last_days(data.get("days") or 30)
