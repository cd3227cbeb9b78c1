from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from membrane.accounts.models import ProfileVisibility, User
from membrane.accounts.photos import photo_process
from membrane.accounts.services import CONSENT_WORDING, signup_complete
from membrane.territory.models import Unit
from membrane.territory.selectors import section_search

MAX_SECTION_CHOICES = 20


class SectionChoiceMixin(forms.Form):
    """Find a section by commune, postcode or name, without JavaScript: one
    match is taken, several are offered as a choice, none is an error."""

    section_query = forms.CharField(
        label=_("My section (optional)"),
        help_text=_("Type your commune, postcode or the section's name."),
        required=False,
        max_length=120,
    )
    section = forms.ModelChoiceField(
        label=_("Choose your section"),
        queryset=Unit.objects.sections(),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("This section does not exist.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section_matches: list[Unit] = []
        query = (self.data.get("section_query") or "").strip() if self.is_bound else ""
        if query:
            self.section_matches = list(section_search(query)[:MAX_SECTION_CHOICES])
        self.fields["section"].choices = [  # type: ignore[attr-defined]
            (unit.pk, f"{unit.name} ({unit.postcode}) · {unit.parent.name if unit.parent else ''}")
            for unit in self.section_matches
        ]

    def clean_section(self) -> Unit | None:
        raw = self.data.get("section")
        if not raw:
            return None
        section = Unit.objects.sections().filter(pk=raw).first() if str(raw).isdigit() else None
        if section is None:
            raise ValidationError(_("This section does not exist."), code="unknown_section")
        return section

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        query = (cleaned.get("section_query") or "").strip()
        if cleaned.get("section") is None and query and "section" not in self.errors:
            if len(self.section_matches) == 1:
                cleaned["section"] = self.section_matches[0]
            elif not self.section_matches:
                self.add_error(
                    "section_query",
                    _(
                        "No section matches “%(query)s”. Try another commune or postcode, or leave it empty to choose later."
                    )
                    % {"query": query},
                )
            else:
                self.add_error(
                    "section",
                    _("Several sections match “%(query)s”: choose yours.") % {"query": query},
                )
        return cleaned


class SignupForm(SectionChoiceMixin):
    """The extra fields of allauth's sign-up form (email and password are allauth's)."""

    STATUS_CHOICES = [
        ("supporter", _("I am a supporter")),
        ("member", _("I am a party member")),
    ]

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    status = forms.ChoiceField(
        label=_("I join as"), choices=STATUS_CHOICES, initial="supporter", widget=forms.RadioSelect
    )
    membership_number = forms.CharField(
        label=_("Membership number (optional)"),
        required=False,
        max_length=32,
        help_text=_("It helps your section verify your membership."),
    )
    accept_charter = forms.BooleanField(
        label=_("I have read and I accept the charter"),
        error_messages={"required": _("You must accept the charter to join.")},
    )
    political_consent = forms.BooleanField(
        label=CONSENT_WORDING,
        error_messages={
            "required": _(
                "This consent is required: the platform cannot work without processing your political opinions."
            )
        },
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "password1",
        "status",
        "membership_number",
        "section_query",
        "section",
        "accept_charter",
        "political_consent",
    ]

    def clean_membership_number(self) -> str:
        return self.cleaned_data.get("membership_number", "").strip()

    def signup(self, request: HttpRequest, user: User) -> None:
        data = self.cleaned_data
        signup_complete(
            user=user,
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            language=(get_language() or "fr")[:2],
            section=data.get("section"),
            claims_membership=data["status"] == "member",
            membership_number=data.get("membership_number", ""),
        )


class SectionChoiceForm(SectionChoiceMixin):
    pass


class ProfileForm(forms.ModelForm):
    photo_upload = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, 5 MB at most. It will be cropped to a square."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)

    class Meta:
        model = User
        fields = [
            "display_name",
            "bio",
            "commune",
            "profile_visibility",
            "listed_in_directory",
            "language",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "profile_visibility": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile_visibility"].choices = ProfileVisibility.choices  # type: ignore[attr-defined]
        self.processed_photo: ContentFile[bytes] | None = None

    def clean_photo_upload(self) -> Any:
        upload = self.cleaned_data.get("photo_upload")
        if upload:
            self.processed_photo = photo_process(upload)
        return upload


class MembershipForm(forms.Form):
    membership_number = forms.CharField(
        label=_("Membership number (optional)"), required=False, max_length=32
    )


class AccountDeleteForm(forms.Form):
    KEEP = "keep"
    REMOVE = "remove"

    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    contributions = forms.ChoiceField(
        label=_("What becomes of my contributions"),
        choices=[
            (KEEP, _("Keep them, signed “former member”")),
            (REMOVE, _("Remove them")),
        ],
        initial=KEEP,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This password is not correct."), code="wrong_password")
        return password
