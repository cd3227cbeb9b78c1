"""Following people, and their counts and contacts (coopains: two people who
follow each other), under the rules of the profile pages
(accounts/follows.py): a profile hidden from the caller answers 404."""

from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from membrane.accounts.follows import (
    FollowError,
    contacts_of,
    follow,
    follow_counts,
    is_following,
    unfollow,
)
from membrane.accounts.permissions import access_profile
from membrane.accounts.selectors import people_visible_to
from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    AnyApiRequest,
    ApiRequest,
    AuthenticatedApiRequest,
    PageFilters,
    PersonRef,
    error_responses,
    keyset_page_by,
    optional_auth,
    person_ref,
)

router = Router(tags=["follows"])


class CountsOut(Schema):
    followers: int = Field(description="Active people who follow the person.")
    following: int = Field(description="Active people the person follows.")
    contacts: int = Field(description="Those the person follows who follow them back.")
    is_following: bool = Field(description="Whether the caller follows the person.")


class ContactPage(Schema):
    items: list[PersonRef]
    next: str | None


def counts_out(request: AnyApiRequest, person_id: int) -> dict[str, Any]:
    person = access_profile(request.auth, person_id)
    return {
        **follow_counts(person),
        "is_following": is_following(follower=request.auth, followed=person),
    }


@router.post(
    "/people/{person_id}/follow",
    response={200: CountsOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Follow a person",
    description="Following again changes nothing. Oneself cannot be followed (400).",
)
def person_follow(request: AuthenticatedApiRequest, person_id: int) -> dict[str, Any]:
    person = access_profile(request.auth, person_id)
    try:
        follow(follower=request.auth, followed=person)
    except FollowError as error:
        raise HttpError(400, str(error)) from None
    return counts_out(request, person_id)


@router.delete(
    "/people/{person_id}/follow",
    response={200: CountsOut, **error_responses(401, 403, 404, 422)},
    summary="Stop following a person",
)
def person_unfollow(request: AuthenticatedApiRequest, person_id: int) -> dict[str, Any]:
    person = access_profile(request.auth, person_id)
    unfollow(follower=request.auth, followed=person)
    return counts_out(request, person_id)


@router.get(
    "/people/{person_id}/counts",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: CountsOut, **error_responses(401, 404, 422)},
    summary="A person's followers, following and contacts counts",
)
def person_counts(request: ApiRequest, person_id: int) -> dict[str, Any]:
    return counts_out(request, person_id)


@router.get(
    "/people/{person_id}/contacts",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: ContactPage, **error_responses(400, 401, 404, 422)},
    summary="A person's contacts (coopains)",
    description="Those whose profile the caller may see, by name.",
)
def person_contacts(
    request: ApiRequest, person_id: int, filters: Query[PageFilters]
) -> dict[str, Any]:
    person = access_profile(request.auth, person_id)
    contacts = people_visible_to(request.auth, contacts_of(person))
    items, next_cursor = keyset_page_by(
        contacts,
        order=("last_name", "first_name", "id"),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [person_ref(request, contact) for contact in items], "next": next_cursor}
