"""Thematic groups: the directory, creation and settings, joining, leaving,
requests to join and the member list. The rules are those of the group
pages (spaces/permissions.py); a private group shows its name and
description to everyone and the rest to its members only. A group hidden by
moderation keeps its name and page, with a `moderation` field; its
description and image are null for all but its creator and staff, and the
directory lists it for its creator alone."""

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, field_validator

from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    AnyApiRequest,
    ApiRequest,
    AuthenticatedApiRequest,
    ModerationOut,
    PageFilters,
    PersonRef,
    error_responses,
    keyset_page_by,
    optional_auth,
    person_ref,
    reject_null,
    viewer_of,
)
from membrane.conversations.moderated import VISIBLE, attach_in_place
from membrane.moderation.permissions import can_moderate_in
from membrane.spaces.models import JoinRequest, Role, Space
from membrane.spaces.permissions import (
    can_create_group,
    can_join_space,
    can_leave_space,
    can_manage_space,
    can_post_in_space,
    can_request_to_join,
    can_view_space,
    space_role,
)
from membrane.spaces.selectors import (
    group_directory,
    group_members_visible_to,
    groups_with_counts,
    has_pending_invitation,
    pending_join_requests,
    pending_request_of,
)
from membrane.spaces.services import (
    SpaceError,
    group_create,
    group_join,
    group_leave,
    group_update,
    join_request_create,
    join_request_decide,
)

router = Router(tags=["groups"])

RoleName = Literal["member", "moderator", "animator"]
ROLE_NAMES: dict[int, RoleName] = {
    Role.MEMBER: "member",
    Role.MODERATOR: "moderator",
    Role.ANIMATOR: "animator",
}


def role_name(role: int | None) -> RoleName | None:
    return None if role is None else ROLE_NAMES[role]


# -- Schemas ----------------------------------------------------------------


class GroupOut(Schema):
    id: int
    slug: str
    name: str
    description: str | None = Field(description="Null when moderation hides it from the caller.")
    visibility: Space.Visibility
    joining: Space.Joining
    image_url: str | None
    member_count: int
    is_member: bool = Field(description="Whether the caller belongs to the group.")
    created_at: datetime
    moderation: ModerationOut | None


class GroupDetailOut(GroupOut):
    content_visible: bool = Field(
        description="Whether the caller may read the group's threads and members."
    )
    role: RoleName | None = Field(
        description="The caller's role: member, moderator or animator (staff: animator)."
    )
    request_pending: bool = Field(description="The caller's request to join awaits an answer.")
    invited: bool = Field(description="The caller has an invitation not yet used.")
    can_post: bool
    can_manage: bool
    can_join: bool
    can_request: bool
    can_leave: bool
    animators: list[PersonRef] | None = Field(
        description="The group's animators; null when its content is hidden from the caller."
    )


class GroupPage(Schema):
    items: list[GroupOut]
    next: str | None


class GroupFilters(Schema):
    q: str = Field("", max_length=120, description="Words of the name or description.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, description="The `next` value of the previous page.")


class GroupIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    visibility: Space.Visibility = Space.Visibility.PUBLIC
    joining: Space.Joining = Space.Joining.OPEN


class GroupPatch(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=2000)
    visibility: Space.Visibility | None = None
    joining: Space.Joining | None = None

    @field_validator("name", "description", "visibility", "joining")
    @classmethod
    def check_not_null(cls, value: Any) -> Any:
        return reject_null(value)


class MemberOut(Schema):
    person: PersonRef
    role: RoleName
    joined_at: datetime


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None


class JoinRequestIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message: str = Field("", max_length=1000)


class JoinRequestOut(Schema):
    id: int
    person: PersonRef
    message: str
    status: JoinRequest.Status
    created_at: datetime
    decided_at: datetime | None


# -- Helpers ----------------------------------------------------------------


def access_group(viewer: Any, slug: str) -> Space:
    """The group at this address, with `member_count` and `is_member`, or
    404. Its existence, name and description are public, like in the
    directory; what else the caller sees is for `can_view_space`."""
    group = groups_with_counts(viewer=viewer).filter(slug=slug).first()
    if group is None:
        raise Http404("No such group.")
    return _with_in_place(viewer, [group])[0]


def _with_in_place(viewer: Any, groups: list[Space]) -> list[Space]:
    """Attach `in_place` (staff moderate groups); one query for the hidden ones."""
    moderates = can_moderate_in(viewer, None)
    attach_in_place(groups, viewer=viewer, moderates=lambda group: moderates)
    return groups


def group_out(request: HttpRequest, group: Space) -> dict[str, Any]:
    """A group; its `in_place` attached (`_with_in_place`)."""
    shown = getattr(group, "in_place", VISIBLE)
    return {
        "id": group.pk,
        "slug": group.slug,
        "name": group.name,
        "description": None if shown.masked else group.description,
        "visibility": group.visibility,
        "joining": group.joining,
        # Served by the group's page (media files are not public).
        "image_url": request.build_absolute_uri(reverse("spaces:image", args=[group.slug]))
        if group.image and not shown.masked
        else None,
        "member_count": group.member_count,  # type: ignore[attr-defined]
        "is_member": bool(getattr(group, "is_member", False)),
        "created_at": group.created_at,
        "moderation": shown.api(),
    }


def group_detail_out(request: AnyApiRequest, group: Space) -> dict[str, Any]:
    user = request.auth
    visible = can_view_space(user, group)
    can_manage = can_manage_space(user, group)
    invited = has_pending_invitation(space=group, user=user)
    pending = pending_request_of(space=group, user=user) is not None
    animators = None
    if visible:
        members = group_members_visible_to(space=group, viewer=user, manager=can_manage)
        animators = [
            person_ref(request, membership.user)
            for membership in members.filter(role__gte=Role.ANIMATOR)
        ]
    return {
        **group_out(request, group),
        "content_visible": visible,
        "role": role_name(space_role(user, group)),
        "request_pending": pending,
        "invited": invited,
        "can_post": can_post_in_space(user, group),
        "can_manage": can_manage,
        "can_join": can_join_space(user, group, invited=invited),
        "can_request": can_request_to_join(user, group) and not pending,
        "can_leave": can_leave_space(user, group),
        "animators": animators,
    }


def _reloaded(request: AnyApiRequest, slug: str) -> dict[str, Any]:
    return group_detail_out(request, access_group(request.auth, slug))


def join_request_out(request: HttpRequest, join_request: JoinRequest) -> dict[str, Any]:
    return {
        "id": join_request.pk,
        "person": person_ref(request, join_request.user),
        "message": join_request.message,
        "status": join_request.status,
        "created_at": join_request.created_at,
        "decided_at": join_request.decided_at,
    }


# -- Directory and settings -------------------------------------------------


@router.get(
    "/groups",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: GroupPage, **error_responses(400, 401, 422)},
    summary="The group directory",
    description="Every group, private ones included (their name and description are public), "
    "most populated first.",
)
def group_index(request: ApiRequest, filters: Query[GroupFilters]) -> dict[str, Any]:
    groups = group_directory(query=filters.q, viewer=request.auth)
    items, next_cursor = keyset_page_by(
        groups, order=("-member_count", "name", "id"), cursor=filters.cursor, limit=filters.limit
    )
    _with_in_place(viewer_of(request), items)
    return {"items": [group_out(request, group) for group in items], "next": next_cursor}


@router.post(
    "/groups",
    response={201: GroupDetailOut, **error_responses(401, 403, 422)},
    summary="Create a group",
    description="Its creator is its first animator.",
)
def group_new(request: AuthenticatedApiRequest, payload: GroupIn) -> Status[dict[str, Any]]:
    if not can_create_group(request.auth):
        raise PermissionDenied(_("You cannot create a group."))
    group = group_create(creator=request.auth, **payload.model_dump())
    return Status(201, _reloaded(request, group.slug))


@router.get(
    "/groups/{slug}",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: GroupDetailOut, **error_responses(401, 404)},
    summary="One group",
)
def group_detail(request: ApiRequest, slug: str) -> dict[str, Any]:
    return _reloaded(request, slug)


@router.patch(
    "/groups/{slug}",
    response={200: GroupDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Edit a group (its animators)",
)
def group_edit(request: AuthenticatedApiRequest, slug: str, payload: GroupPatch) -> dict[str, Any]:
    group = access_group(request.auth, slug)
    if not can_manage_space(request.auth, group):
        raise PermissionDenied(_("Only the group's animators can change it."))
    changes = payload.model_dump(exclude_unset=True)
    if changes:
        group_update(group=group, **changes)
    return _reloaded(request, slug)


# -- Joining and leaving ----------------------------------------------------


@router.post(
    "/groups/{slug}/join",
    response={200: GroupDetailOut, **error_responses(401, 403, 404, 409)},
    summary="Join a group",
    description="At once for an open group, or for any group the caller is invited to; "
    "a group that admits on request answers 403 (ask with POST …/requests).",
)
def group_join_now(request: AuthenticatedApiRequest, slug: str) -> dict[str, Any]:
    user = request.auth
    group = access_group(user, slug)
    if can_leave_space(user, group):
        raise HttpError(409, _("You are already a member of this group."))
    if not can_join_space(user, group, invited=has_pending_invitation(space=group, user=user)):
        if group.joining == Space.Joining.REQUEST:
            raise PermissionDenied(
                _("This group admits people on request: ask its animators to join.")
            )
        raise PermissionDenied(_("This group admits people on invitation only."))
    group_join(group=group, user=user)
    return _reloaded(request, slug)


@router.post(
    "/groups/{slug}/leave",
    response={200: GroupDetailOut, **error_responses(401, 403, 404, 409)},
    summary="Leave a group",
    description="The last animator of a group with other members cannot leave (409).",
)
def group_leave_now(request: AuthenticatedApiRequest, slug: str) -> dict[str, Any]:
    user = request.auth
    group = access_group(user, slug)
    if not can_leave_space(user, group):
        raise HttpError(409, _("You are not a member of this group."))
    try:
        group_leave(group=group, user=user)
    except SpaceError as error:
        raise HttpError(409, str(error)) from None
    return _reloaded(request, slug)


# -- Requests to join -------------------------------------------------------


@router.post(
    "/groups/{slug}/requests",
    response={201: JoinRequestOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Ask to join a group",
    description="For a group that admits on request; its animators are notified.",
)
def join_request_new(
    request: AuthenticatedApiRequest, slug: str, payload: JoinRequestIn
) -> Status[dict[str, Any]]:
    user = request.auth
    group = access_group(user, slug)
    if not can_request_to_join(user, group):
        if can_leave_space(user, group):
            raise HttpError(409, _("You are already a member of this group."))
        raise PermissionDenied(_("This group does not take requests to join."))
    try:
        join_request = join_request_create(group=group, user=user, message=payload.message)
    except SpaceError as error:
        raise HttpError(409, str(error)) from None
    return Status(201, join_request_out(request, join_request))


def _managed_group(request: AuthenticatedApiRequest, slug: str) -> Space:
    group = access_group(request.auth, slug)
    if not can_manage_space(request.auth, group):
        raise PermissionDenied(_("Only the group's animators answer requests to join."))
    return group


@router.get(
    "/groups/{slug}/requests",
    response={200: list[JoinRequestOut], **error_responses(401, 403, 404)},
    summary="Pending requests to join (animators)",
)
def join_request_index(request: AuthenticatedApiRequest, slug: str) -> list[dict[str, Any]]:
    group = _managed_group(request, slug)
    return [join_request_out(request, each) for each in pending_join_requests(group)]


def _decide(
    request: AuthenticatedApiRequest, slug: str, request_id: int, *, accept: bool
) -> dict[str, Any]:
    group = _managed_group(request, slug)
    join_request = (
        JoinRequest.objects.select_related("user", "space").filter(pk=request_id, space=group)
    ).first()
    if join_request is None:
        raise Http404("No such request.")
    try:
        join_request = join_request_decide(
            join_request=join_request, by=request.auth, accept=accept
        )
    except SpaceError as error:
        raise HttpError(409, str(error)) from None
    return join_request_out(request, join_request)


@router.post(
    "/groups/{slug}/requests/{request_id}/accept",
    response={200: JoinRequestOut, **error_responses(401, 403, 404, 409)},
    summary="Accept a request to join (animators)",
)
def join_request_accept(
    request: AuthenticatedApiRequest, slug: str, request_id: int
) -> dict[str, Any]:
    return _decide(request, slug, request_id, accept=True)


@router.post(
    "/groups/{slug}/requests/{request_id}/refuse",
    response={200: JoinRequestOut, **error_responses(401, 403, 404, 409)},
    summary="Refuse a request to join (animators)",
)
def join_request_refuse(
    request: AuthenticatedApiRequest, slug: str, request_id: int
) -> dict[str, Any]:
    return _decide(request, slug, request_id, accept=False)


# -- Members ----------------------------------------------------------------


@router.get(
    "/groups/{slug}/members",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: MemberPage, **error_responses(400, 401, 404, 422)},
    summary="A group's members",
    description="Animators first, then moderators, then members: those whose profile the "
    "caller may see (all of them for the group's animators). A private group's members are "
    "shown to its members only (404 to others).",
)
def group_member_index(
    request: ApiRequest, slug: str, filters: Query[PageFilters]
) -> dict[str, Any]:
    group = access_group(request.auth, slug)
    if not can_view_space(request.auth, group):
        raise Http404("No such group.")
    members = group_members_visible_to(
        space=group, viewer=request.auth, manager=can_manage_space(request.auth, group)
    )
    items, next_cursor = keyset_page_by(
        members,
        order=("-role", "user__last_name", "user__first_name", "id"),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {
        "items": [
            {
                "person": person_ref(request, membership.user),
                "role": role_name(membership.role),
                "joined_at": membership.joined_at,
            }
            for membership in items
        ],
        "next": next_cursor,
    }
