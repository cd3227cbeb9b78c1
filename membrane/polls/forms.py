"""Forms of polls: creating one (animators) and voting. They check what was
typed and say what is wrong; the writes and their own checks are the
services'."""

from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from membrane.polls.models import MAX_OPTIONS, MIN_OPTIONS, QUESTION_MAX_LENGTH, Poll
from membrane.polls.services import PollError, check_options


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PollForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=QUESTION_MAX_LENGTH)
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One option per line, from %(min)d to %(max)d.")
        % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
    )
    multiple = forms.BooleanField(label=_("Allow several choices"), required=False)
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeLocalInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeLocalInput())
    results = forms.ChoiceField(
        label=_("Show the results"),
        choices=Poll.Results.choices,
        initial=Poll.Results.AFTER_VOTE,
        widget=forms.RadioSelect,
    )
    members_only = forms.BooleanField(
        label=_("Only verified members (adhérents) may vote"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["opens_at"].initial = now
        self.fields["closes_at"].initial = now + timedelta(days=7)

    def clean_options(self) -> list[str]:
        try:
            return check_options(self.cleaned_data["options"].splitlines())
        except PollError as error:
            raise ValidationError(str(error), code="options") from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The poll must close after it opens."))
        return cleaned


class VoteForm(forms.Form):
    """One field, `options`: radio buttons for a single choice, checkboxes
    for several. An option of another poll is refused like any unknown one."""

    def __init__(self, *args: Any, poll: Poll, options: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(option.pk, option.label) for option in options]
        field: forms.Field
        if poll.multiple:
            field = forms.TypedMultipleChoiceField(
                choices=choices,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("Choose at least one option to vote.")},
            )
        else:
            field = forms.TypedChoiceField(
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an option to vote.")},
            )
        field.label = poll.question
        field.error_messages["invalid_choice"] = _("This option is not one of this poll's options.")
        self.fields["options"] = field

    def chosen(self) -> list[int]:
        value = self.cleaned_data["options"]
        return list(value) if isinstance(value, list) else [value]
