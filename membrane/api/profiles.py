"""People's public profiles, under the same visibility rule as their pages.
A profile hidden by moderation answers with a `moderation` field and, for all
but its person and staff, a masked name and no bio nor photo."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from membrane.accounts.models import MembershipStatus, User
from membrane.accounts.permissions import access_profile
from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    ModerationOut,
    error_responses,
    optional_auth,
    viewer_of,
)
from membrane.api.me import SectionRef, photo_url
from membrane.conversations.moderated import hiding_decisions, in_place, shown_name
from membrane.moderation.permissions import can_moderate_in

router = Router(tags=["profiles"])


class ProfileOut(Schema):
    id: int
    public_name: str
    bio: str | None = Field(description="Null when moderation hides it from the caller.")
    commune: str
    membership_status: MembershipStatus
    section: SectionRef | None
    photo_url: str | None
    moderation: ModerationOut | None


def profile_out(request: HttpRequest, person: User) -> dict[str, Any]:
    # Never the email, the names behind a display name or the membership number.
    viewer = viewer_of(request)
    shown = in_place(
        person,
        viewer=viewer,
        decision=hiding_decisions([person]).get(person.pk),
        moderates=can_moderate_in(viewer, None),
    )
    return {
        "id": person.pk,
        "public_name": shown_name(person, viewer),
        "bio": None if shown.masked else person.bio,
        "commune": person.commune,
        "membership_status": person.membership_status,
        "section": person.section,
        "photo_url": None if shown.masked else photo_url(request, person),
        "moderation": shown.api(),
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
