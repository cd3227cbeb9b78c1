"""The caller's home feed: what is new in their spaces and from the people
they follow (conversations/feed.py, the home page's own selector), newest
first, cursor-paginated."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from membrane.api.common import (
    MAX_PAGE_SIZE,
    AuthenticatedApiRequest,
    PersonRef,
    SpaceRef,
    ThreadRef,
    error_responses,
    person_ref,
    space_ref,
)
from membrane.conversations.feed import (
    MEMBER,
    PAGE_SIZE,
    POST,
    THREAD,
    FeedItem,
    InvalidCursor,
    feed_items,
)

router = Router(tags=["feed"])


class FeedItemOut(Schema):
    kind: Literal["thread", "post", "member"] = Field(
        description="A new thread, a new reply, or someone joining one of the caller's groups."
    )
    at: datetime
    space: SpaceRef
    actor: PersonRef | None = Field(description="Who wrote, or who joined.")
    thread: ThreadRef | None
    post_id: int | None
    excerpt: str | None = Field(description="The start of the message's Markdown source.")


class FeedPage(Schema):
    items: list[FeedItemOut]
    next: str | None


class FeedFilters(Schema):
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, description="The `next` value of the previous page.")


def feed_item_out(request: HttpRequest, item: FeedItem) -> dict[str, Any]:
    obj = item.obj
    if item.kind == THREAD:
        space, actor, thread, post_id = obj.space, obj.author, obj, None
    elif item.kind == POST:
        space, actor, thread, post_id = obj.thread.space, obj.author, obj.thread, obj.pk
    else:
        assert item.kind == MEMBER
        space, actor, thread, post_id = obj.space, obj.user, None, None
    return {
        "kind": item.kind,
        "at": item.at,
        "space": space_ref(space),
        "actor": person_ref(request, actor),
        "thread": {"id": thread.pk, "title": thread.title} if thread is not None else None,
        "post_id": post_id,
        "excerpt": getattr(obj, "excerpt", None),
    }


@router.get(
    "/feed",
    response={200: FeedPage, **error_responses(400, 401, 422)},
    summary="My home feed",
    description="New threads and replies in the spaces the caller belongs to and by the "
    "people they follow, and people joining their groups; never what they may not read.",
)
def feed(request: AuthenticatedApiRequest, filters: Query[FeedFilters]) -> dict[str, Any]:
    try:
        items, next_cursor = feed_items(
            viewer=request.auth, cursor=filters.cursor, limit=filters.limit
        )
    except InvalidCursor:
        raise HttpError(
            400, _("This cursor is not valid: use the “next” value of a page.")
        ) from None
    return {"items": [feed_item_out(request, item) for item in items], "next": next_cursor}
