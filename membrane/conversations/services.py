"""Writes on conversations. Callers check permissions first (see
permissions.py); these functions keep the data consistent and send the
notifications once the transaction commits."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.models import ProfileVisibility, User
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
        profile_visibility__in=[ProfileVisibility.PUBLIC, ProfileVisibility.SIGNED_IN],
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
    """Start a thread with its opening post."""
    with transaction.atomic():
        thread = Thread.objects.create(
            space=space,
            author=author,
            title=title.strip(),
            search_key=normalize_for_search(title),
        )
        post = _post_insert(author=author, thread=thread, body=body, quoted=None)
    new_thread_recipients: list[Any] = []
    if space.is_group:
        new_thread_recipients = [
            m.user
            for m in Membership.objects.filter(space=space, role__gte=Role.ANIMATOR).select_related(
                "user"
            )
        ]
    transaction.on_commit(
        lambda: notify(
            recipients=new_thread_recipients,
            kind=Kind.NEW_THREAD,
            actor=author,
            space=space,
            thread=thread,
            post=post,
        )
    )
    return thread


def post_create(*, author: Any, thread: Thread, body: str, quoted: Post | None = None) -> Post:
    """Reply in a thread. Notifies mentioned people, the quoted post's author
    and the thread's author — each once, the most specific reason winning."""
    with transaction.atomic():
        post = _post_insert(author=author, thread=thread, body=body, quoted=quoted)
        Thread.objects.filter(pk=thread.pk).update(
            last_activity_at=post.created_at, post_count=F("post_count") + 1
        )
    return post


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
    is_reply = Post.objects.filter(thread=thread).exists()
    people = mentioned_people(body)
    post = Post.objects.create(
        thread=thread,
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
    space = thread.space
    mentioned = [p for p in people.values() if can_view_space(p, space)]
    quoted_author = post.quoted.author if post.quoted is not None else None
    thread_author = thread.author if is_reply else None

    def send() -> None:
        notify(
            recipients=mentioned,
            kind=Kind.MENTION,
            actor=author,
            space=space,
            thread=thread,
            post=post,
        )
        already = {p.pk for p in mentioned}
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

    transaction.on_commit(send)
    return post


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
        transaction.on_commit(
            lambda: notify(
                recipients=visible, kind=Kind.MENTION, actor=post.author,
                space=thread.space, thread=thread, post=post,
            )
        )  # fmt: skip
    return post


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
