"""Spaces' threads, threads' posts, replies, edits, deletions, reactions and
read markers, under the same rules as the thread pages
(conversations/permissions.py): what the caller may not read answers 404,
what they may read but not do answers 403.

Moderation, as on the pages (conversations/moderated.py): a held thread or
post is its author's alone; a hidden one keeps its place with a `moderation`
field (state, article, decision) and, for all but its author and
moderators, a null title or body. A muted person is refused (403), one over
the space's rate asked to wait (429)."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, field_validator

from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    AnyApiRequest,
    ApiRequest,
    AuthenticatedApiRequest,
    ModerationOut,
    PageFilters,
    PersonRef,
    SpaceRef,
    clean_fields,
    error_responses,
    keyset_page_by,
    optional_auth,
    person_ref,
    reject_null,
    space_ref,
    validation_error,
)
from membrane.conversations.forms import PostEditForm, ReplyForm, ThreadForm
from membrane.conversations.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Post, Thread
from membrane.conversations.moderated import (
    VISIBLE,
    attach_in_place,
    attach_thread_in_place,
    cannot_reply_moderated,
)
from membrane.conversations.permissions import (
    access_post,
    access_thread,
    can_delete_post,
    can_edit_post,
    can_lock_thread,
    can_pin_thread,
    can_react,
    can_reply,
    can_start_thread,
)
from membrane.conversations.selectors import (
    post_revisions,
    posts_of_thread,
    threads_of_space,
    with_unread,
)
from membrane.conversations.services import (
    post_create_once,
    post_delete,
    post_edit,
    reaction_toggle,
    thread_create_once,
    thread_mark_read,
    thread_set_locked,
    thread_set_pinned,
)
from membrane.moderation.models import ModerationState
from membrane.moderation.permissions import can_moderate_in
from membrane.moderation.services import ModerationError
from membrane.spaces.models import Space
from membrane.spaces.permissions import access_space, can_view_space

router = Router(tags=["threads"])

# -- Schemas ----------------------------------------------------------------


class SpaceOut(SpaceRef):
    description: str
    visibility: Space.Visibility
    content_visible: bool = Field(description="Whether the caller may read its threads.")
    can_post: bool


class ThreadOut(Schema):
    id: int
    title: str | None = Field(description="Null when moderation hides it from the caller.")
    space: SpaceRef
    author: PersonRef | None
    created_at: datetime
    last_activity_at: datetime
    post_count: int
    pinned: bool
    locked: bool
    is_unread: bool | None = Field(
        description="New posts since the caller last read it; null for anonymous callers."
    )
    moderation: ModerationOut | None


class ThreadDetailOut(ThreadOut):
    can_reply: bool
    can_pin: bool
    can_lock: bool


class ThreadPage(Schema):
    items: list[ThreadOut]
    next: str | None


class QuotedOut(Schema):
    id: int
    author: PersonRef | None
    excerpt: str | None = Field(
        description="The start of the quoted message's Markdown source; null once hidden "
        "by moderation."
    )
    deleted: bool
    hidden: bool = Field(description="Hidden by moderation: its text is never quoted.")


class PostOut(Schema):
    id: int
    thread_id: int
    author: PersonRef | None
    body: str | None = Field(
        description="The Markdown source; empty once deleted; null when moderation hides it "
        "from the caller."
    )
    body_html: str | None = Field(
        description="The sanitised rendering; empty once deleted; null when moderation hides "
        "it from the caller."
    )
    moderation: ModerationOut | None
    quoted: QuotedOut | None
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    revision_count: int
    reaction_count: int
    reacted: bool = Field(description="Whether the caller gave a thumbs up.")
    reacted_by: list[PersonRef]
    can_edit: bool
    can_delete: bool
    can_react: bool


class PostPage(Schema):
    items: list[PostOut]
    next: str | None


class RevisionOut(Schema):
    body: str
    body_html: str
    written_at: datetime


class ReactionOut(Schema):
    active: bool = Field(description="Whether the caller's thumbs up is now on.")
    count: int


_BODY_DESCRIPTION = (
    f"Markdown, at most {BODY_MAX_LENGTH} characters; @handles mention people "
    "(a handle that is nobody's is refused)."
)


class ThreadIn(Schema):
    """Checked like the page's form: the same limits, the same messages."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(
        description=f"At most {TITLE_MAX_LENGTH} characters.",
        json_schema_extra={"maxLength": TITLE_MAX_LENGTH},
    )
    body: str = Field(description=_BODY_DESCRIPTION)


class PostIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(description=_BODY_DESCRIPTION)
    quote_id: int | None = Field(None, description="A message of the same thread to quote.")


class PostEditIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(description=_BODY_DESCRIPTION)


class ThreadPatch(Schema):
    """Pin (animators) or lock (moderators) a thread; only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    pinned: bool | None = None
    locked: bool | None = None

    @field_validator("pinned", "locked")
    @classmethod
    def check_not_null(cls, value: Any) -> Any:
        return reject_null(value)


# -- Helpers ----------------------------------------------------------------


def thread_out(request: HttpRequest, thread: Thread, *, space: Space) -> dict[str, Any]:
    """A thread; its `in_place` attached (`_with_in_place`) when it may be hidden."""
    is_unread = getattr(thread, "is_unread", None)
    shown = getattr(thread, "in_place", VISIBLE)
    return {
        "id": thread.pk,
        "title": None if shown.masked else thread.title,
        "space": space_ref(space),
        "author": person_ref(request, thread.author),
        "created_at": thread.created_at,
        "last_activity_at": thread.last_activity_at,
        "post_count": thread.post_count,
        "pinned": thread.pinned,
        "locked": thread.locked,
        "is_unread": None if is_unread is None else bool(is_unread),
        "moderation": shown.api(),
    }


def _with_in_place(user: Any, threads: list[Thread], *, space: Space) -> list[Thread]:
    """Attach `in_place` to threads of one space (one query for the hidden ones)."""
    moderates = can_moderate_in(user, space)
    attach_in_place(threads, viewer=user, moderates=lambda thread: moderates)
    return threads


def thread_detail_out(request: AnyApiRequest, thread_id: int) -> dict[str, Any]:
    user = request.auth
    thread = access_thread(user, thread_id)
    if user.is_authenticated:
        thread.is_unread = (  # type: ignore[attr-defined]
            with_unread(Thread.objects.filter(pk=thread.pk), user)
            .values_list("is_unread", flat=True)  # type: ignore[misc]
            .get()
        )
    _with_in_place(user, [thread], space=thread.space)
    return {
        **thread_out(request, thread, space=thread.space),
        "can_reply": can_reply(user, thread),
        "can_pin": can_pin_thread(user, thread),
        "can_lock": can_lock_thread(user, thread),
    }


def post_out(request: AnyApiRequest, post: Post) -> dict[str, Any]:
    """A post of `posts_of_thread`, its thread already attached, and its
    `in_place` (`_posts_in_place`)."""
    user = request.auth
    quoted = post.quoted
    shown = getattr(post, "in_place", VISIBLE)
    quoted_hidden = quoted is not None and quoted.moderation_state != ModerationState.VISIBLE
    return {
        "id": post.pk,
        "thread_id": post.thread_id,
        "author": person_ref(request, post.author),
        "body": None if shown.masked else post.body,
        "body_html": None if shown.masked else post.body_html,
        "moderation": shown.api(),
        "quoted": None
        if quoted is None
        else {
            "id": quoted.pk,
            "author": person_ref(request, quoted.author),
            "excerpt": None if quoted_hidden else quoted.body[:280],
            "deleted": quoted.is_deleted,
            "hidden": quoted_hidden,
        },
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "deleted": post.is_deleted,
        "revision_count": post.revision_count,  # type: ignore[attr-defined]
        "reaction_count": post.reaction_count,  # type: ignore[attr-defined]
        "reacted": bool(getattr(post, "viewer_reacted", False)),
        "reacted_by": [
            person_ref(request, reaction.user)
            for reaction in post.reaction_list  # type: ignore[attr-defined]
        ],
        "can_edit": can_edit_post(user, post),
        "can_delete": can_delete_post(user, post),
        "can_react": can_react(user, post),
    }


def _posts_in_place(user: Any, thread: Thread, posts: list[Post]) -> list[Post]:
    """Attach the thread (one object, and its cached roles, for all) and
    each post's `in_place` (conversations/moderated.py)."""
    for post in posts:
        post.thread = thread
    attach_thread_in_place(thread, posts, viewer=user)
    return posts


def _post_of_thread(request: AnyApiRequest, thread: Thread, post_id: int) -> dict[str, Any]:
    post = posts_of_thread(thread=thread, viewer=request.auth).get(pk=post_id)
    _posts_in_place(request.auth, thread, [post])
    return post_out(request, post)


def _refused(error: ModerationError) -> HttpError:
    """A moderation refusal (muted: 403; over the space's rate: 429), as JSON."""
    return HttpError(error.status, error.message)


def _cannot_post(space: Space, *, thread: Thread | None) -> str:
    """Why the person cannot write there (the words of the thread pages)."""
    if thread is not None and thread.moderation_state != ModerationState.VISIBLE:
        return cannot_reply_moderated(thread)
    if thread is not None and thread.locked:
        return _("This thread is locked: only its moderators can still reply.")
    if space.is_group:
        return _("Only the members of “%(name)s” can write there. Join the group first.") % {
            "name": space.name
        }
    return _("Only the people of “%(name)s” can write there.") % {"name": space.name}


def _readable_space(user: Any, slug: str) -> Space:
    space = access_space(slug)
    if not can_view_space(user, space):
        raise Http404("No such space.")
    return space


# -- Spaces -----------------------------------------------------------------


@router.get(
    "/spaces/{slug}",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: SpaceOut, **error_responses(401, 404)},
    summary="One space (a section, a federation, the national level or a group)",
    tags=["spaces"],
)
def space_detail(request: ApiRequest, slug: str) -> dict[str, Any]:
    space = access_space(slug)
    return {
        **space_ref(space),
        "description": space.description,
        "visibility": space.visibility,
        "content_visible": can_view_space(request.auth, space),
        "can_post": can_start_thread(request.auth, space),
    }


@router.get(
    "/spaces/{slug}/threads",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: ThreadPage, **error_responses(400, 401, 404, 422)},
    summary="A space's threads",
    description="Pinned first, then by last activity. A space whose content the caller may "
    "not read answers 404.",
    tags=["spaces"],
)
def space_thread_index(
    request: ApiRequest, slug: str, filters: Query[PageFilters]
) -> dict[str, Any]:
    space = _readable_space(request.auth, slug)
    items, next_cursor = keyset_page_by(
        threads_of_space(space=space, viewer=request.auth),
        order=("-pinned", "-last_activity_at", "-id"),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    _with_in_place(request.auth, items, space=space)
    return {
        "items": [thread_out(request, thread, space=space) for thread in items],
        "next": next_cursor,
    }


@router.post(
    "/spaces/{slug}/threads",
    response={
        201: ThreadDetailOut,
        200: ThreadDetailOut,
        **error_responses(401, 403, 404, 422, 429),
    },
    summary="Start a thread",
    description=f"Title up to {TITLE_MAX_LENGTH} characters, message up to "
    f"{BODY_MAX_LENGTH} (Markdown). Mentions of unknown handles are refused (422). "
    "The same thread sent again within seconds is not doubled: the first one answers, "
    "with 200. A muted person is refused (403), one over the space's rate asked to wait "
    '(429); a thread held for review has `moderation.state` "held" and is seen by its '
    "author alone until a moderator approves it.",
    tags=["spaces"],
)
def space_thread_new(
    request: AuthenticatedApiRequest, slug: str, payload: ThreadIn
) -> Status[dict[str, Any]]:
    space = _readable_space(request.auth, slug)
    if not can_start_thread(request.auth, space):
        raise PermissionDenied(_cannot_post(space, thread=None))
    cleaned = clean_fields(ThreadForm, title=payload.title, body=payload.body)
    try:
        thread, created = thread_create_once(author=request.auth, space=space, **cleaned)
    except ModerationError as error:
        raise _refused(error) from None
    return Status(201 if created else 200, thread_detail_out(request, thread.pk))


# -- Threads ----------------------------------------------------------------


@router.get(
    "/threads/{thread_id}",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: ThreadDetailOut, **error_responses(401, 404, 422)},
    summary="One thread",
    description="A thread the caller may not read answers 404, like a missing one.",
)
def thread_detail(request: ApiRequest, thread_id: int) -> dict[str, Any]:
    return thread_detail_out(request, thread_id)


@router.patch(
    "/threads/{thread_id}",
    response={200: ThreadDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Pin or lock a thread",
    description="Animators of the space pin; its moderators and animators lock.",
)
def thread_edit(
    request: AuthenticatedApiRequest, thread_id: int, payload: ThreadPatch
) -> dict[str, Any]:
    thread = access_thread(request.auth, thread_id)
    if payload.pinned is not None and not can_pin_thread(request.auth, thread):
        raise PermissionDenied(_("Only the space's animators pin threads."))
    if payload.locked is not None and not can_lock_thread(request.auth, thread):
        raise PermissionDenied(_("Only the space's moderators and animators lock threads."))
    if payload.pinned is not None:
        thread_set_pinned(thread=thread, pinned=payload.pinned)
    if payload.locked is not None:
        thread_set_locked(thread=thread, locked=payload.locked)
    return thread_detail_out(request, thread.pk)


@router.post(
    "/threads/{thread_id}/read",
    response={204: None, **error_responses(401, 403, 404, 422)},
    summary="Mark a thread read",
)
def thread_read(request: AuthenticatedApiRequest, thread_id: int) -> Status[None]:
    thread = access_thread(request.auth, thread_id)
    thread_mark_read(thread=thread, user=request.auth)
    return Status(204, None)


@router.get(
    "/threads/{thread_id}/posts",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: PostPage, **error_responses(400, 401, 404, 422)},
    summary="A thread's messages",
    description="The opening message first, then the replies in order.",
)
def thread_post_index(
    request: ApiRequest, thread_id: int, filters: Query[PageFilters]
) -> dict[str, Any]:
    thread = access_thread(request.auth, thread_id)
    items, next_cursor = keyset_page_by(
        posts_of_thread(thread=thread, viewer=request.auth),
        order=("created_at", "id"),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    _posts_in_place(request.auth, thread, items)
    return {"items": [post_out(request, post) for post in items], "next": next_cursor}


@router.post(
    "/threads/{thread_id}/posts",
    response={201: PostOut, 200: PostOut, **error_responses(401, 403, 404, 422, 429)},
    summary="Reply in a thread",
    description=f"Up to {BODY_MAX_LENGTH} characters of Markdown. Only the space's members "
    "reply; in a locked thread, only its moderators (403 for others). The same reply sent "
    "again within seconds is not doubled: the first one answers, with 200. A muted person "
    "is refused (403), one over the space's rate asked to wait (429); a reply held for "
    'review has `moderation.state` "held" and is seen by its author alone until approved.',
)
def thread_reply(
    request: AuthenticatedApiRequest, thread_id: int, payload: PostIn
) -> Status[dict[str, Any]]:
    user = request.auth
    thread = access_thread(user, thread_id)
    if not can_reply(user, thread):
        raise PermissionDenied(_cannot_post(thread.space, thread=thread))
    quoted = None
    if payload.quote_id is not None:
        # Only what everyone sees may be quoted: never a held or hidden message.
        quoted = (
            Post.objects.filter(
                pk=payload.quote_id,
                thread=thread,
                deleted_at=None,
                moderation_state=ModerationState.VISIBLE,
            )
            .select_related("author")
            .first()
        )
        if quoted is None:
            raise validation_error(
                "quote_id",
                _("This message cannot be quoted: quote a message of this thread."),
                "bad_quote",
            )
    body = clean_fields(ReplyForm, body=payload.body)["body"]
    try:
        post, created = post_create_once(author=user, thread=thread, body=body, quoted=quoted)
    except ModerationError as error:
        raise _refused(error) from None
    return Status(201 if created else 200, _post_of_thread(request, thread, post.pk))


# -- Posts ------------------------------------------------------------------


@router.patch(
    "/posts/{post_id}",
    response={200: PostOut, **error_responses(401, 403, 404, 422)},
    summary="Edit my message",
    description="Its previous version stays in its visible history.",
    tags=["posts"],
)
def post_update(
    request: AuthenticatedApiRequest, post_id: int, payload: PostEditIn
) -> dict[str, Any]:
    post = access_post(request.auth, post_id)
    if not can_edit_post(request.auth, post):
        raise PermissionDenied(_("You can only edit your own messages, in an open thread."))
    body = clean_fields(PostEditForm, body=payload.body)["body"]
    post_edit(post=post, body=body)
    return _post_of_thread(request, post.thread, post.pk)


@router.delete(
    "/posts/{post_id}",
    response={200: PostOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Delete my message",
    description="Its text and history go; the thread shows it as deleted.",
    tags=["posts"],
)
def post_remove(request: AuthenticatedApiRequest, post_id: int) -> dict[str, Any]:
    post = access_post(request.auth, post_id)
    if post.is_deleted:
        raise HttpError(409, _("This message is already deleted."))
    if not can_delete_post(request.auth, post):
        raise PermissionDenied(_("You can only delete your own messages."))
    post_delete(post=post)
    return _post_of_thread(request, post.thread, post.pk)


@router.get(
    "/posts/{post_id}/revisions",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: list[RevisionOut], **error_responses(401, 403, 404, 422)},
    summary="A message's previous versions",
    description="Newest first.",
    tags=["posts"],
)
def post_revision_index(request: ApiRequest, post_id: int) -> Any:
    post = access_post(request.auth, post_id)
    _posts_in_place(request.auth, post.thread, [post])
    if post.in_place.masked:  # type: ignore[attr-defined]
        raise PermissionDenied(_("This message is hidden by moderation: its history is not shown."))
    return post_revisions(post)


@router.post(
    "/posts/{post_id}/reactions",
    response={200: ReactionOut, **error_responses(401, 403, 404, 422)},
    summary="Give or take back a thumbs up",
    description="Members of the space react to others' messages.",
    tags=["posts"],
)
def post_react(request: AuthenticatedApiRequest, post_id: int) -> dict[str, Any]:
    post = access_post(request.auth, post_id)
    if not can_react(request.auth, post):
        raise PermissionDenied(_("You cannot react to this message."))
    active = reaction_toggle(post=post, user=request.auth)
    return {"active": active, "count": post.reactions.count()}
