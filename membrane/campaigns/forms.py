"""Forms of campaigns: creating or editing one (its animators), adding a
document to its kit, and reporting a field action. They check what was typed
with the services' own checks, so pages and API say the same thing."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from membrane.campaigns.models import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, ActionKind
from membrane.campaigns.services import (
    MAX_GOAL,
    CampaignError,
    check_count,
    check_done_on,
    check_period,
)
from membrane.territory.models import Unit

KIT_FILE_MAX_BYTES = 10 * 1024 * 1024
# Extension → the bytes a real file of that type starts with.
KIT_FILE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "webp": (b"RIFF",),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def goal_field_name(kind: str) -> str:
    return f"goal_{kind}"


class CampaignForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Campaign of"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Why this campaign, what to say on the doorstep. Markdown: **bold**, lists…"),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())

    def __init__(self, *args: Any, units: list[Unit], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.TypedChoiceField)
        unit_field.choices = [(unit.pk, str(unit)) for unit in units]
        if editing:
            del self.fields["unit"]
        for kind in ActionKind:
            self.fields[goal_field_name(kind)] = forms.IntegerField(
                label=_("Goal: %(kind)s") % {"kind": kind.label},
                required=False,
                min_value=0,
                max_value=MAX_GOAL,
                help_text=_("Leave empty for no goal of this kind."),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )
        if not self.is_bound and not self.initial:
            today = timezone.localdate()
            self.fields["starts_on"].initial = today
            self.fields["ends_on"].initial = today + timedelta(days=30)

    def clean_unit(self) -> Unit:
        unit = self.units.get(self.cleaned_data["unit"])
        if unit is None:
            raise ValidationError(_("Choose the national level or a federation you animate."))
        return unit

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on:
            try:
                check_period(starts_on, ends_on)
            except CampaignError as error:
                self.add_error("ends_on", error.message)
        return cleaned

    def goals(self) -> dict[str, int | None]:
        return {kind: self.cleaned_data.get(goal_field_name(kind)) for kind in ActionKind.values}

    def campaign_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("title", "description", "starts_on", "ends_on")
        }


def check_kit_file(file: UploadedFile) -> None:
    """A PDF or an image (PNG, JPEG, WebP) of at most 10 MB, whose first
    bytes match its extension."""
    name = (file.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in KIT_FILE_SIGNATURES:
        raise ValidationError(
            _("Only PDF files and images (PNG, JPEG, WebP) are accepted."), code="type"
        )
    if file.size is not None and file.size > KIT_FILE_MAX_BYTES:
        raise ValidationError(
            _("This file is too large: %(max)d MB at most.")
            % {"max": KIT_FILE_MAX_BYTES // (1024 * 1024)},
            code="size",
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(signature) for signature in KIT_FILE_SIGNATURES[extension]):
        raise ValidationError(
            _("This file is not the %(type)s its name says.") % {"type": extension.upper()},
            code="content",
        )


class KitDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title of the document"), max_length=TITLE_MAX_LENGTH)
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("A link to the document, or…"),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("…a PDF or an image of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp"}),
    )

    def clean_file(self) -> UploadedFile | None:
        file = self.cleaned_data.get("file")
        if file:
            check_kit_file(file)
        return file

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and bool(cleaned.get("url")) == bool(cleaned.get("file")):
            self.add_error("url", _("Give either a link or a file, not both and not none."))
        return cleaned


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What did you do?"), choices=ActionKind.choices)
    count = forms.IntegerField(
        label=_("How many?"),
        help_text=_("Doors knocked, leaflets handed out, calls made, people present, signatures."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
    )
    done_on = forms.DateField(label=_("When?"), widget=DateInput())
    section = forms.TypedChoiceField(label=_("For which section?"), coerce=int, required=False)

    def __init__(
        self, *args: Any, campaign: Any, sections: list[Unit], today: date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign, self.today = campaign, today
        self.sections = {unit.pk: unit for unit in sections}
        section_field = self.fields["section"]
        assert isinstance(section_field, forms.TypedChoiceField)
        if len(sections) > 1:
            section_field.choices = [(unit.pk, unit.name) for unit in sections]
        else:
            del self.fields["section"]
        self.fields["done_on"].widget.attrs.update(
            {"min": campaign.starts_on.isoformat(), "max": min(today, campaign.ends_on).isoformat()}
        )

    def clean_section(self) -> Unit | None:
        pk = self.cleaned_data.get("section")
        if pk in (None, ""):
            return None
        unit = self.sections.get(pk)
        if unit is None:
            raise ValidationError(_("Choose one of your sections."), code="section")
        return unit

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, count, done_on = cleaned.get("kind"), cleaned.get("count"), cleaned.get("done_on")
        if kind and count is not None:
            try:
                check_count(kind, count)
            except CampaignError as error:
                self.add_error("count", error.message)
        if done_on:
            try:
                check_done_on(self.campaign, done_on, today=self.today)
            except CampaignError as error:
                self.add_error("done_on", error.message)
        return cleaned
