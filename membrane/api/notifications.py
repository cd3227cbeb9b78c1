"""The caller's notifications and their preferences, under the rule of the
notification centre (notifications/selectors.py): a notification about
what the caller can no longer read is never shown."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.text import capfirst
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict, model_validator

from membrane.api.common import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    AuthenticatedApiRequest,
    PersonRef,
    SpaceRef,
    ThreadRef,
    error_responses,
    keyset_page_by,
    person_ref,
    space_ref,
)
from membrane.notifications.models import DEFAULT_CHANNELS, Channel, Kind, Notification
from membrane.notifications.selectors import channels_of, notifications_of, target_url, unread_count
from membrane.notifications.services import (
    notifications_mark_hidden_read,
    notifications_mark_read,
    preferences_save,
)

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: Kind
    text: str = Field(description="What happened, in a sentence in the caller's language.")
    url: str = Field(description="The page it is about.")
    actor: PersonRef | None
    space: SpaceRef | None
    thread: ThreadRef | None
    post_id: int | None
    created_at: datetime
    read: bool


class NotificationPage(Schema):
    items: list[NotificationOut]
    next: str | None
    unread_count: int


class NotificationFilters(Schema):
    unread: bool = Field(False, description="Only the unread ones.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, description="The `next` value of the previous page.")


class MarkReadIn(Schema):
    """Either `ids` (some of the caller's notifications) or `all: true`."""

    model_config = ConfigDict(extra="forbid")

    ids: list[int] | None = Field(None, max_length=MAX_PAGE_SIZE)
    all: bool = False

    @model_validator(mode="after")
    def check_one_choice(self) -> "MarkReadIn":
        if (self.ids is None) == (not self.all):
            raise ValueError("Send either `ids` or `all: true`.")
        return self


class MarkReadOut(Schema):
    marked: int = Field(description="How many notifications were unread and are now read.")
    unread_count: int


class PreferenceOut(Schema):
    kind: Kind
    label: str
    channel: Channel
    default: Channel


class PreferencesIn(Schema):
    """The kinds left out keep their channel."""

    model_config = ConfigDict(extra="forbid")

    channels: dict[Kind, Channel] = Field(
        description='A channel for each kind to change, e.g. {"mention": "off"}.'
    )


def notification_out(request: HttpRequest, notification: Notification) -> dict[str, Any]:
    """A notification of `notifications_of` (its actor, space and thread loaded)."""
    thread = notification.thread
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": render_to_string(
            "notifications/_sentence.html", {"notification": notification}
        ).strip(),
        "url": request.build_absolute_uri(target_url(notification)),
        "actor": person_ref(request, notification.actor),
        "space": space_ref(notification.space) if notification.space is not None else None,
        "thread": {"id": thread.pk, "title": thread.title} if thread is not None else None,
        "post_id": notification.post_id,
        "created_at": notification.created_at,
        "read": notification.read_at is not None,
    }


def preferences_out(user: Any) -> list[dict[str, Any]]:
    channels = channels_of(user)
    return [
        {
            "kind": kind,
            "label": capfirst(str(kind.label)),
            "channel": channels[kind.value],
            "default": DEFAULT_CHANNELS[kind],
        }
        for kind in Kind
    ]


@router.get(
    "/notifications",
    response={200: NotificationPage, **error_responses(400, 401, 422)},
    summary="My notifications",
    description="Newest first. Those about what the caller can no longer read (they left "
    "the private group) are left out, and marked read.",
)
def notification_index(
    request: AuthenticatedApiRequest, filters: Query[NotificationFilters]
) -> dict[str, Any]:
    user = request.auth
    notifications_mark_hidden_read(user=user)
    notifications = notifications_of(user)
    if filters.unread:
        notifications = notifications.filter(read_at=None)
    items, next_cursor = keyset_page_by(
        notifications, order=("-created_at", "-id"), cursor=filters.cursor, limit=filters.limit
    )
    return {
        "items": [notification_out(request, notification) for notification in items],
        "next": next_cursor,
        "unread_count": unread_count(user),
    }


@router.post(
    "/notifications/read",
    response={200: MarkReadOut, **error_responses(401, 403, 422)},
    summary="Mark notifications read",
    description="Ids that are not the caller's are ignored.",
)
def notification_mark_read(request: AuthenticatedApiRequest, payload: MarkReadIn) -> dict[str, Any]:
    marked = notifications_mark_read(user=request.auth, ids=None if payload.all else payload.ids)
    return {"marked": marked, "unread_count": unread_count(request.auth)}


@router.get(
    "/notifications/preferences",
    response={200: list[PreferenceOut], **error_responses(401)},
    summary="My notification preferences",
    description="For each kind: on the site (in_app), on the site and by email at once "
    "(email), or off.",
)
def preference_index(request: AuthenticatedApiRequest) -> list[dict[str, Any]]:
    return preferences_out(request.auth)


@router.put(
    "/notifications/preferences",
    response={200: list[PreferenceOut], **error_responses(401, 403, 422)},
    summary="Change my notification preferences",
)
def preference_update(
    request: AuthenticatedApiRequest, payload: PreferencesIn
) -> list[dict[str, Any]]:
    preferences_save(
        user=request.auth,
        channels={kind.value: channel.value for kind, channel in payload.channels.items()},
    )
    return preferences_out(request.auth)
