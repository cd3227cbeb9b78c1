"""/me: the signed-in person's own account."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from membrane.accounts.models import MembershipStatus, ProfileVisibility, User
from membrane.accounts.services import profile_update
from membrane.api.common import AuthenticatedApiRequest, error_responses
from membrane.territory.models import Unit
from membrane.territory.permissions import can_join_section
from membrane.territory.services import section_join, section_leave

router = Router(tags=["me"])


class SectionRef(Schema):
    id: int
    slug: str
    name: str


class MeOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    display_name: str
    public_name: str
    bio: str
    commune: str
    profile_visibility: ProfileVisibility
    language: str
    membership_status: MembershipStatus
    section: SectionRef | None
    photo_url: str | None


class MeIn(Schema):
    """Only the fields sent are changed. `section_id: null` leaves the section."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    display_name: str | None = Field(None, max_length=80)
    bio: str | None = Field(None, max_length=600)
    commune: str | None = Field(None, max_length=120)
    profile_visibility: ProfileVisibility | None = None
    language: str | None = Field(
        None, json_schema_extra={"enum": [code for code, _name in settings.LANGUAGES]}
    )
    section_id: int | None = None

    @field_validator("display_name", "bio", "commune", "profile_visibility", "language")
    @classmethod
    def check_not_null(cls, value: Any) -> Any:
        # Validators only run on the fields sent: null is refused, absent is fine.
        if value is None:
            raise PydanticCustomError(
                "null_not_allowed", "This field cannot be null; leave it out to keep it unchanged."
            )
        return value

    @field_validator("language")
    @classmethod
    def check_language(cls, value: str) -> str:
        codes = [code for code, _name in settings.LANGUAGES]
        if value not in codes:
            raise PydanticCustomError(
                "unknown_language",
                "Unknown language; choose one of {codes}.",
                {"codes": ", ".join(codes)},
            )
        return value


def photo_url(request: HttpRequest, person: User) -> str | None:
    if not person.photo:
        return None
    return request.build_absolute_uri(reverse("accounts:photo", args=[person.pk]))


def me_out(request: HttpRequest, user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "public_name": user.public_name,
        "bio": user.bio,
        "commune": user.commune,
        "profile_visibility": user.profile_visibility,
        "language": user.language,
        "membership_status": user.membership_status,
        "section": user.section,
        "photo_url": photo_url(request, user),
    }


@router.get("/me", response={200: MeOut, **error_responses(401)}, summary="My account")
def me_detail(request: AuthenticatedApiRequest) -> dict[str, Any]:
    return me_out(request, request.auth)


@router.patch(
    "/me", response={200: MeOut, **error_responses(401, 403, 422)}, summary="Edit my profile"
)
def me_update(request: AuthenticatedApiRequest, payload: MeIn) -> dict[str, Any]:
    user = request.auth
    changes = payload.model_dump(exclude_unset=True)
    changes_section = "section_id" in changes
    section_id = changes.pop("section_id", None)
    section = None
    if section_id is not None:
        section = Unit.objects.sections().select_related("parent").filter(pk=section_id).first()
        if section is None:
            raise ValidationError(
                [
                    {
                        "loc": ["body", "payload", "section_id"],
                        "msg": _("No section has this id."),
                        "type": "unknown_section",
                    }
                ]
            )
        if not can_join_section(user, section):
            raise PermissionDenied(_("You cannot join this section."))
    with transaction.atomic():
        if changes:
            profile_update(user=user, **changes)
        if section is not None:
            section_join(user=user, section=section)
        elif changes_section:
            section_leave(user=user)
    return me_out(request, user)
