from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from membrane.accounts.photos import photo_process
from membrane.spaces.models import JoinRequest, Space

NAME_MAX_LENGTH = Space._meta.get_field("name").max_length or 120
DESCRIPTION_MAX_LENGTH = Space._meta.get_field("description").max_length or 2000
MESSAGE_MAX_LENGTH = JoinRequest._meta.get_field("message").max_length or 1000


class GroupForm(forms.Form):
    """Create or edit a thematic group. The image is checked and re-encoded
    (`processed_image`) while the form is cleaned."""

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": _("Give the group a name.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    visibility = forms.ChoiceField(
        label=_("Who reads the conversations"),
        choices=Space.Visibility.choices,
        initial=Space.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    joining = forms.ChoiceField(
        label=_("How people join"),
        choices=Space.Joining.choices,
        initial=Space.Joining.OPEN,
        widget=forms.RadioSelect,
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("JPEG, PNG or WebP, 5 MB at most. It will be cropped to a square."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )

    FIELDS = ("name", "description", "visibility", "joining")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.processed_image: ContentFile[bytes] | None = None
        # Interpolated here, not at import: in the language of the request.
        self.fields["name"].help_text = gettext("%(limit)s characters at most.") % {
            "limit": NAME_MAX_LENGTH
        }
        self.fields["description"].help_text = gettext(
            "What the group is about, whom it is for. %(limit)s characters at most."
        ) % {"limit": DESCRIPTION_MAX_LENGTH}

    @classmethod
    def initial_of(cls, group: Space) -> dict[str, Any]:
        return {name: getattr(group, name) for name in cls.FIELDS}

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if upload:
            self.processed_image = photo_process(upload)
        return upload

    def group_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("A word for the animators (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].help_text = gettext("%(limit)s characters at most.") % {
            "limit": MESSAGE_MAX_LENGTH
        }
