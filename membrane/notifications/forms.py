from typing import Any

from django import forms
from django.utils.text import capfirst

from membrane.notifications.models import DEFAULT_CHANNELS, Channel, Kind


class PreferencesForm(forms.Form):
    """One radio group per kind of notification: on the site, by email at
    once, or off. Field names are the kinds' values."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=capfirst(kind.label),
                choices=Channel.choices,
                widget=forms.RadioSelect,
                initial=current.get(kind.value, DEFAULT_CHANNELS[kind].value),
            )

    def channels(self) -> dict[str, str]:
        """The chosen channel of each kind (call after is_valid)."""
        return {kind.value: self.cleaned_data[kind.value] for kind in Kind}
