"""Writes on conversations. Callers check permissions first (see
permissions.py); these functions keep the data consistent, record the
points a new post earns (`engagement.services.contribution_recorded`, in the
same transaction) and send the notifications once the transaction commits.

New threads and posts pass the space's moderation policy: `posting_check`
refuses a muted person or one over the space's rate (ModerationError, before
anything is saved), and a guard may hold what was written until a moderator
approves it. Held content sends no notification: `content_published` sends
them when a moderator's approval makes it public."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.models import SEEN_BY_SIGNED_IN, User
from membrane.accounts.ratelimits import posting_rate_consume
from membrane.conversations.models import (
    Mention,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    Thread,
)
from membrane.core.markdown import mentions_in, render_markdown
from membrane.core.text import normalize_for_search
from membrane.engagement.services import contribution_recorded
from membrane.moderation.models import ModerationState
from membrane.moderation.services import hold_if_guarded, posting_check
from membrane.notifications.models import Kind
from membrane.notifications.services import notify
from membrane.spaces.models import Membership, Role, Space
from membrane.spaces.permissions import can_view_space


def mentioned_people(body: str) -> dict[str, User]:
    """The active people whose handles the text mentions, by handle. Only
    real mentions count: not in code, in a link or in a URL. A profile that
    only staff may see is nobody's handle here: accepting (and linking) it
    would tell anyone who guesses a handle that this person is on the
    platform."""
    handles = mentions_in(body)
    if not handles:
        return {}
    people = User.objects.filter(
        handle__in=handles,
        is_active=True,
        erased_at=None,
        profile_visibility__in=SEEN_BY_SIGNED_IN,
    )
    return {person.handle: person for person in people if person.handle}


def unknown_handles(body: str) -> set[str]:
    """Handles mentioned that are nobody's: the form says so."""
    return mentions_in(body) - set(mentioned_people(body))


def render_post_body(body: str, people: dict[str, User]) -> str:
    """Sanitised HTML of a post, mentions linked to the people's profiles."""

    def mention_url(handle: str) -> str | None:
        person = people.get(handle)
        return reverse("accounts:profile", args=[person.pk]) if person is not None else None

    return render_markdown(body, mention_url=mention_url if people else None)


def thread_create(*, author: Any, space: Space, title: str, body: str) -> Thread:
    """Start a thread with its opening post. Raises ModerationError (403
    muted, 429 over the space's rate) before saving anything. A thread held by
    a guard waits for a moderator, its opening post with it, and notifies
    nobody until approved (`content_published`)."""
    posting_check(author=author, space=space)
    posting_rate_consume(author=author)
    with transaction.atomic():
        thread = Thread.objects.create(
            space=space,
            author=author,
            title=title.strip(),
            search_key=normalize_for_search(title),
        )
        post = _post_insert(author=author, thread=thread, body=body, quoted=None)
        if hold_if_guarded(content=thread, author=author, space=space, body=f"{title}\n{body}"):
            # One item in the moderators' queue (the thread); its opening post
            # is held with it, so that it is counted and filtered as held.
            Post.objects.filter(pk=post.pk).update(moderation_state=ModerationState.HELD)
            post.moderation_state = ModerationState.HELD
        else:
            transaction.on_commit(lambda: _send_thread_notifications(thread, post))
    return thread


def post_create(*, author: Any, thread: Thread, body: str, quoted: Post | None = None) -> Post:
    """Reply in a thread. Notifies mentioned people, the quoted post's author
    and the thread's author — each once, the most specific reason winning.
    Raises ModerationError (403 muted, 429 over the space's rate) before
    saving anything; a reply held by a guard neither moves the thread nor
    notifies anyone until approved (`content_published`)."""
    posting_check(author=author, space=thread.space)
    posting_rate_consume(author=author)
    with transaction.atomic():
        post = _post_insert(author=author, thread=thread, body=body, quoted=quoted)
        if not hold_if_guarded(content=post, author=author, space=thread.space, body=body):
            Thread.objects.filter(pk=thread.pk).update(
                last_activity_at=post.created_at, post_count=F("post_count") + 1
            )
            transaction.on_commit(lambda: _send_post_notifications(post, is_reply=True))
    return post


def content_published(content: Any) -> None:
    """Called by moderation.services.decide, inside its transaction, when a
    moderator approves held content: a reply now moves its thread and sends
    the notifications it held back; a thread also publishes its opening post
    and tells the group's animators. Other kinds of content: nothing to do."""
    if isinstance(content, Thread):
        post = Post.objects.filter(thread=content).order_by("created_at", "pk").first()
        if post is not None:
            Post.objects.filter(pk=post.pk, moderation_state=ModerationState.HELD).update(
                moderation_state=ModerationState.VISIBLE
            )
            Thread.objects.filter(pk=content.pk).update(last_activity_at=timezone.now())
            transaction.on_commit(lambda: _send_thread_notifications(content, post))
    elif isinstance(content, Post):
        Thread.objects.filter(pk=content.thread_id).update(
            last_activity_at=timezone.now(), post_count=F("post_count") + 1
        )
        if not content.is_deleted:
            transaction.on_commit(lambda: _send_post_notifications(content, is_reply=True))


# A second identical submission within this delay is a double click or a
# resent form, not a new message.
DUPLICATE_WINDOW = timedelta(seconds=30)


def thread_create_once(*, author: Any, space: Space, title: str, body: str) -> tuple[Thread, bool]:
    """`thread_create`, unless the same person opened the same thread (same
    space, title and text) within `DUPLICATE_WINDOW`: then that thread and
    False. Locks the author's row so that two submissions cannot both pass."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=author.pk).first()
        earlier = (
            Thread.objects.filter(
                space=space,
                author=author,
                title=title.strip(),
                created_at__gte=timezone.now() - DUPLICATE_WINDOW,
                posts__body=body,
            )
            .order_by("-created_at")
            .first()
        )
        if earlier is not None:
            return earlier, False
        return thread_create(author=author, space=space, title=title, body=body), True


def post_create_once(
    *, author: Any, thread: Thread, body: str, quoted: Post | None = None
) -> tuple[Post, bool]:
    """`post_create`, unless the same person sent the same text to the same
    thread within `DUPLICATE_WINDOW`: then that post and False. Locks the
    thread's row so that two submissions cannot both pass."""
    with transaction.atomic():
        Thread.objects.select_for_update().filter(pk=thread.pk).first()
        earlier = (
            Post.objects.filter(
                thread=thread,
                author=author,
                body=body,
                deleted_at=None,
                created_at__gte=timezone.now() - DUPLICATE_WINDOW,
            )
            .order_by("-created_at")
            .first()
        )
        if earlier is not None:
            return earlier, False
        return post_create(author=author, thread=thread, body=body, quoted=quoted), True


def _post_insert(*, author: Any, thread: Thread, body: str, quoted: Post | None) -> Post:
    """Save a post, its mentions and the points it earns (inside the caller's
    transaction); the caller sends the notifications."""
    is_reply = Post.objects.filter(thread=thread).exists()
    people = mentioned_people(body)
    post = Post.objects.create(
        thread=thread,
        space_id=thread.space_id,
        is_reply=is_reply,
        author=author,
        body=body,
        body_html=render_post_body(body, people),
        quoted=quoted if quoted is not None and quoted.thread_id == thread.pk else None,
        search_key=normalize_for_search(body),
    )
    if not is_reply:
        Thread.objects.filter(pk=thread.pk).update(post_count=1, last_activity_at=post.created_at)
        thread.post_count = 1
    Mention.objects.bulk_create(Mention(post=post, user=person) for person in people.values())
    contribution_recorded(post=post)
    return post


def _send_thread_notifications(thread: Thread, post: Post) -> None:
    """A new thread: its opening post's mentions, and the group's animators."""
    _send_post_notifications(post, is_reply=False)
    space = thread.space
    if not space.is_group:
        return
    animators = Membership.objects.filter(space=space, role__gte=Role.ANIMATOR).select_related(
        "user"
    )
    notify(
        recipients=[membership.user for membership in animators],
        kind=Kind.NEW_THREAD,
        actor=thread.author,
        space=space,
        thread=thread,
        post=post,
    )


def _send_post_notifications(post: Post, *, is_reply: bool) -> None:
    """Notify the people a post mentions, the quoted post's author and, for a
    reply, the thread's author: each once, the most specific reason winning.
    Run after commit, once the post is public."""
    thread = post.thread
    space = thread.space
    author = post.author
    people = [mention.user for mention in post.mentions.select_related("user")]
    mentioned = [person for person in people if can_view_space(person, space)]
    notify(
        recipients=mentioned, kind=Kind.MENTION, actor=author, space=space, thread=thread, post=post
    )
    already = {person.pk for person in mentioned}
    quoted = post.quoted if post.quoted_id is not None else None
    quoted_author = quoted.author if quoted is not None else None
    if (
        quoted_author is not None
        and quoted_author.pk not in already
        and can_view_space(quoted_author, space)
    ):
        notify(
            recipients=[quoted_author],
            kind=Kind.QUOTE,
            actor=author,
            space=space,
            thread=thread,
            post=post,
        )
        already.add(quoted_author.pk)
    thread_author = thread.author if is_reply else None
    if (
        thread_author is not None
        and thread_author.pk not in already
        and can_view_space(thread_author, space)
    ):
        notify(
            recipients=[thread_author],
            kind=Kind.REPLY,
            actor=author,
            space=space,
            thread=thread,
            post=post,
        )


def post_edit(*, post: Post, body: str) -> Post:
    """Change a post's text; the previous version stays in its visible history.
    Newly mentioned people are notified."""
    if body == post.body:
        return post
    with transaction.atomic():
        PostRevision.objects.create(
            post=post,
            body=post.body,
            body_html=post.body_html,
            written_at=post.edited_at or post.created_at,
        )
        people = mentioned_people(body)
        already = set(post.mentions.values_list("user_id", flat=True))
        post.body = body
        post.body_html = render_post_body(body, people)
        post.search_key = normalize_for_search(body)
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "body_html", "search_key", "edited_at"])
        new_people = [p for p in people.values() if p.pk not in already]
        Mention.objects.bulk_create(Mention(post=post, user=p) for p in new_people)
        thread = post.thread
        visible = [p for p in new_people if can_view_space(p, thread.space)]
        if not _is_public(post, thread):
            # Held: the approval notifies every mention; hidden: nobody is
            # sent to a text that others cannot read.
            visible = []
        transaction.on_commit(
            lambda: notify(
                recipients=visible, kind=Kind.MENTION, actor=post.author,
                space=thread.space, thread=thread, post=post,
            )
        )  # fmt: skip
    return post


def _is_public(post: Post, thread: Thread) -> bool:
    return (
        post.moderation_state == ModerationState.VISIBLE
        and thread.moderation_state == ModerationState.VISIBLE
    )


def post_delete(*, post: Post) -> Post:
    """Delete a post at its author's request: the text and its history go, a
    "message deleted" mark stays so the conversation still reads."""
    with transaction.atomic():
        post.revisions.all().delete()
        post.mentions.all().delete()
        post.reactions.all().delete()
        post.body = ""
        post.body_html = ""
        post.search_key = ""
        post.deleted_at = timezone.now()
        post.save(update_fields=["body", "body_html", "search_key", "deleted_at"])
    return post


def reaction_toggle(*, post: Post, user: Any, kind: str = Reaction.Kind.THUMBS_UP) -> bool:
    """Add the person's reaction, or take it back. Returns True if it is now on."""
    with transaction.atomic():
        deleted, _by_model = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
        if deleted:
            return False
        Reaction.objects.get_or_create(post=post, user=user, kind=kind)
    return True


def thread_set_pinned(*, thread: Thread, pinned: bool) -> Thread:
    thread.pinned = pinned
    thread.save(update_fields=["pinned"])
    return thread


def thread_set_locked(*, thread: Thread, locked: bool) -> Thread:
    thread.locked = locked
    thread.save(update_fields=["locked"])
    return thread


def thread_mark_read(*, thread: Thread, user: Any) -> None:
    """Everything in the thread up to its last activity is read."""
    if not user.is_authenticated:
        return
    ReadState.objects.update_or_create(
        thread=thread, user=user, defaults={"last_read_at": thread.last_activity_at}
    )
