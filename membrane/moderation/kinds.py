"""The kinds of content moderation knows. Each kind says how to find its
space (whose moderators decide; None: staff decide), its author, its address,
and a short excerpt for the moderators' queue (never for the public log).

A later app (ideas, events…) makes its content reportable by calling
`register(...)` in its AppConfig.ready and adding the `Moderated` fields to
its model.

A content may also be hidden and held with another one, which it follows:
an idea's comment thread follows its idea (`followers_of` on the idea's
kind, `leader_of` on the thread's; see following.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

EXCERPT_LENGTH = 280


@dataclass(frozen=True)
class ContentKind:
    name: str
    label: str | Promise
    model: type[Model]
    space_of: Callable[[Any], Any]
    author_of: Callable[[Any], Any]
    url_of: Callable[[Any], str]
    excerpt_of: Callable[[Any], str]
    can_view: Callable[[Any, Any], bool]
    # The contents hidden and held with this one, and the one it follows.
    followers_of: Callable[[Any], list[Any]] = lambda content: []
    leader_of: Callable[[Any], Any | None] = lambda content: None


KINDS: dict[str, ContentKind] = {}


def register(kind: ContentKind) -> None:
    KINDS[kind.name] = kind


def kind_of(content: Any) -> ContentKind:
    for kind in KINDS.values():
        if isinstance(content, kind.model):
            return kind
    raise LookupError(f"{type(content).__name__} is not a moderated kind of content.")


def find_content(kind_name: str, object_id: Any) -> Any | None:
    """The content of that kind and id, or None (unknown kind, forged id)."""
    kind = KINDS.get(kind_name)
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        return None
    if kind is None or pk <= 0:
        return None
    return kind.model._default_manager.filter(pk=pk).first()


def _excerpt(text: str) -> str:
    return Truncator(text).chars(EXCERPT_LENGTH)


def _register_core_kinds() -> None:
    from membrane.accounts.models import User
    from membrane.accounts.permissions import can_view_profile
    from membrane.conversations.models import Post, Thread
    from membrane.conversations.permissions import can_view_thread
    from membrane.spaces.models import Space

    register(
        ContentKind(
            name="thread",
            label=_("thread"),
            model=Thread,
            space_of=lambda thread: thread.space,
            author_of=lambda thread: thread.author,
            url_of=lambda thread: reverse("conversations:thread", args=[thread.pk]),
            excerpt_of=lambda thread: _excerpt(thread.title),
            can_view=lambda user, thread: can_view_thread(user, thread),
        )
    )
    register(
        ContentKind(
            name="post",
            label=_("reply"),
            model=Post,
            space_of=lambda post: post.thread.space,
            author_of=lambda post: post.author,
            url_of=lambda post: reverse("conversations:post", args=[post.pk]),
            excerpt_of=lambda post: _excerpt(post.body),
            can_view=lambda user, post: can_view_thread(user, post.thread),
        )
    )
    register(
        ContentKind(
            name="profile",
            label=_("profile"),
            model=User,
            space_of=lambda person: None,
            author_of=lambda person: person,
            url_of=lambda person: reverse("accounts:profile", args=[person.pk]),
            excerpt_of=lambda person: _excerpt(f"{person.public_name} — {person.bio}"),
            can_view=lambda user, person: can_view_profile(user, person),
        )
    )
    register(
        ContentKind(
            name="group",
            label=_("group"),
            model=Space,
            # A group is moderated by staff: its own animators cannot judge it.
            space_of=lambda group: None,
            author_of=lambda group: group.created_by,
            url_of=lambda group: reverse("spaces:group", args=[group.slug]),
            excerpt_of=lambda group: _excerpt(f"{group.name} — {group.description}"),
            can_view=lambda user, group: group.is_group,
        )
    )


_register_core_kinds()
