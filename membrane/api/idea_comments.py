"""Comments on an idea: the posts of the idea's thread in its box's space
(started by the first comment), with the thread's own rules (see
ideas/permissions.comment_refusal)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    ApiRequest,
    AuthenticatedApiRequest,
    PageFilters,
    clean_fields,
    error_responses,
    keyset_page_by,
    optional_auth,
)
from membrane.api.threads import PostOut, post_out
from membrane.conversations.forms import PostEditForm
from membrane.conversations.models import BODY_MAX_LENGTH
from membrane.conversations.moderated import attach_thread_in_place
from membrane.conversations.selectors import posts_of_thread
from membrane.ideas.permissions import (
    access_idea,
    can_view_comments,
    comment_refusal,
    comment_refusal_message,
)
from membrane.ideas.services import (
    idea_comment,
)
from membrane.moderation.services import ModerationError

router = Router(tags=["ideas"])


class CommentPage(Schema):
    thread_id: int | None = Field(description="Null until the first comment starts it.")
    can_comment: bool
    comment_refusal: str | None = Field(
        description="Why the caller may not comment (signed_out, idea_moderated, "
        "thread_moderated, locked, outsider), if so."
    )
    items: list[PostOut]
    next: str | None


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(
        description=f"Markdown, at most {BODY_MAX_LENGTH} characters; @handles mention "
        "people (a handle that is nobody's is refused)."
    )


@router.get(
    "/ideas/{idea_id}/comments",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: CommentPage, **error_responses(400, 401, 404, 422)},
    summary="The comments of an idea",
    description="The posts of its thread, oldest first, as /threads/{id}/posts gives "
    "them; none before the first comment. Its thread's rules apply: a thread the caller "
    "may not read gives no items.",
)
def idea_comment_index(
    request: ApiRequest, idea_id: int, filters: Query[PageFilters]
) -> dict[str, Any]:
    user = request.auth
    idea = access_idea(user, idea_id)
    refusal = comment_refusal(user, idea)
    page: dict[str, Any] = {
        "thread_id": idea.thread_id,
        "can_comment": refusal is None,
        "comment_refusal": refusal,
        "items": [],
        "next": None,
    }
    thread = idea.thread
    if thread is None or not can_view_comments(user, idea):
        return page
    items, next_cursor = keyset_page_by(
        posts_of_thread(thread=thread, viewer=user),
        order=("created_at", "id"),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    for post in items:
        post.thread = thread  # shared: the rights cost no query per post
    attach_thread_in_place(thread, items, viewer=user)
    return {**page, "items": [post_out(request, post) for post in items], "next": next_cursor}


@router.post(
    "/ideas/{idea_id}/comments",
    response={201: PostOut, 200: PostOut, **error_responses(401, 403, 404, 422, 429)},
    summary="Comment on an idea",
    description=f"Up to {BODY_MAX_LENGTH} characters of Markdown. The first comment starts "
    "the idea's thread in its box's space, the next ones reply in it: whoever may post "
    "there comments (403 with the reason for others). The same comment sent again within "
    "seconds is not doubled: the first one answers, with 200. A muted person is refused "
    "(403), one over the space's rate asked to wait (429); a comment held for review has "
    '`moderation.state` "held" and is seen by its author alone until approved.',
)
def idea_comment_new(
    request: AuthenticatedApiRequest, idea_id: int, payload: CommentIn
) -> Status[dict[str, Any]]:
    user = request.auth
    idea = access_idea(user, idea_id)
    refusal = comment_refusal(user, idea)
    if refusal is not None:
        raise PermissionDenied(comment_refusal_message(refusal, idea))
    body = clean_fields(PostEditForm, body=payload.body)["body"]
    try:
        post, created = idea_comment(author=user, idea=idea, body=body)
    except ModerationError as error:
        raise HttpError(error.status, error.message) from None
    thread = idea.thread or post.thread  # idea_comment sets the idea's thread
    shown = posts_of_thread(thread=thread, viewer=user).get(pk=post.pk)
    shown.thread = thread
    attach_thread_in_place(thread, [shown], viewer=user)
    return Status(201 if created else 200, post_out(request, shown))
