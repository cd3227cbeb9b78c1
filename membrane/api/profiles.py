"""People's public profiles, under the same visibility rule as their pages."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from membrane.accounts.models import MembershipStatus, User
from membrane.accounts.permissions import access_profile
from membrane.api.common import ANONYMOUS_ALLOWED, error_responses, optional_auth
from membrane.api.me import SectionRef, photo_url

router = Router(tags=["profiles"])


class ProfileOut(Schema):
    id: int
    public_name: str
    bio: str
    commune: str
    membership_status: MembershipStatus
    section: SectionRef | None
    photo_url: str | None


def profile_out(request: HttpRequest, person: User) -> dict[str, Any]:
    # Never the email, the names behind a display name or the membership number.
    return {
        "id": person.pk,
        "public_name": person.public_name,
        "bio": person.bio,
        "commune": person.commune,
        "membership_status": person.membership_status,
        "section": person.section,
        "photo_url": photo_url(request, person),
    }


@router.get(
    "/profiles/{person_id}",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: ProfileOut, **error_responses(401, 404, 422)},
    summary="A person's profile",
    description="A profile hidden from the caller answers 404, like a missing one.",
)
def profile_detail(request: HttpRequest, person_id: int) -> dict[str, Any]:
    person = access_profile(request.auth, person_id)  # type: ignore[attr-defined]
    return profile_out(request, person)
