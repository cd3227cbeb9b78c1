"""Who may read, write, edit and run threads and posts. Built on the space
rules (spaces/permissions.py) and moderation's states: held content is its
author's alone until approved; hidden content keeps its place (its reason is
public) but takes no reply nor reaction."""

from typing import Any

from django.http import Http404

from membrane.conversations.models import Post, Thread
from membrane.moderation.models import ModerationState
from membrane.spaces.permissions import (
    can_manage_space,
    can_moderate_space,
    can_post_in_space,
    can_view_space,
)


def can_view_thread(user: Any, thread: Thread) -> bool:
    return can_view_space(user, thread.space)


def _reaches(user: Any, content: Thread | Post) -> bool:
    """Held content reaches its author alone (moderators review it from
    their queue); visible and hidden content reach everyone who may read."""
    if content.moderation_state != ModerationState.HELD:
        return True
    return bool(user.is_authenticated and content.author_id == user.pk)


def can_start_thread(user: Any, space: Any) -> bool:
    return can_post_in_space(user, space)


def can_reply(user: Any, thread: Thread) -> bool:
    """Members reply; in a locked thread only its space's moderators do;
    nobody in a thread held or hidden by moderation."""
    if thread.moderation_state != ModerationState.VISIBLE:
        return False
    if not can_post_in_space(user, thread.space):
        return False
    return not thread.locked or can_moderate_space(user, thread.space)


def can_edit_post(user: Any, post: Post) -> bool:
    """Authors edit their own posts while the thread is open and they still
    belong to the space."""
    return bool(
        user.is_authenticated
        and post.author_id == user.pk
        and not post.is_deleted
        and can_reply(user, post.thread)
    )


def can_delete_post(user: Any, post: Post) -> bool:
    """Authors delete their own posts (moderators hide, they do not delete)."""
    return bool(user.is_authenticated and post.author_id == user.pk and not post.is_deleted)


def can_react(user: Any, post: Post) -> bool:
    return (
        not post.is_deleted
        and post.moderation_state == ModerationState.VISIBLE
        and post.author_id != getattr(user, "pk", None)
        and can_post_in_space(user, post.thread.space)
    )


def can_pin_thread(user: Any, thread: Thread) -> bool:
    return can_manage_space(user, thread.space)


def can_lock_thread(user: Any, thread: Thread) -> bool:
    return can_moderate_space(user, thread.space)


def access_thread(user: Any, thread_id: int) -> Thread:
    """The thread if the person may read it, else 404 (a private group's
    threads do not reveal they exist)."""
    thread = (
        Thread.objects.select_related("space__unit__parent", "author").filter(pk=thread_id).first()
    )
    if thread is None or not can_view_thread(user, thread) or not _reaches(user, thread):
        raise Http404("No such thread.")
    return thread


def access_post(user: Any, post_id: int) -> Post:
    post = (
        Post.objects.select_related("thread__space__unit__parent", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not can_view_thread(user, post.thread):
        raise Http404("No such message.")
    if not (_reaches(user, post) and _reaches(user, post.thread)):
        raise Http404("No such message.")
    return post
