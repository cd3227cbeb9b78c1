"""What a viewer sees of moderated content in its place — a post, a thread,
a profile, a group: its text, or the reason it is hidden with a link to the
public decision, and an appeal link for its author.

Who sees what:
- hidden content: everyone sees the reason ("Hidden by moderation — reason:
  article N of the charter"); its author and its moderators also see the
  text, with the reason above it;
- held content: only its author reaches it, with a notice that it waits for
  a moderator (lists and pages filter it out for everyone else).

Shared by the pages and the API. The hiding decisions of a page are loaded
in one query, whatever the number of hidden items."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from membrane.accounts.models import User
from membrane.moderation.models import Action, Decision, ModerationState
from membrane.moderation.permissions import APPEALABLE, can_moderate_in
from membrane.spaces.models import Space

# What others see instead of the name of a profile hidden by moderation.
MASKED_NAME = _("Profile hidden by moderation")


@dataclass(frozen=True)
class InPlace:
    """A content's moderation as one viewer sees it."""

    state: str = ModerationState.VISIBLE
    article: int | None = None
    decision_id: int | None = None
    # The text is replaced by the reason for this viewer.
    masked: bool = False
    # The viewer wrote it (their own held or hidden content).
    is_author: bool = False
    # The viewer may contest the decision that hid it.
    can_appeal: bool = False

    @property
    def hidden(self) -> bool:
        return self.state == ModerationState.HIDDEN

    @property
    def held(self) -> bool:
        return self.state == ModerationState.HELD

    @property
    def visible(self) -> bool:
        return self.state == ModerationState.VISIBLE

    def api(self) -> dict[str, Any] | None:
        """The API's `moderation` field: null for visible content."""
        if self.visible:
            return None
        return {"state": self.state, "article": self.article, "decision_id": self.decision_id}


VISIBLE = InPlace()


def author_id_of(content: Any) -> int | None:
    """Who wrote the content, without a query: a profile is its person's, a
    group its creator's."""
    if isinstance(content, User):
        return content.pk
    if isinstance(content, Space):
        return content.created_by_id
    return getattr(content, "author_id", None)


def hiding_decisions(contents: Sequence[Any]) -> dict[int, Decision]:
    """The latest decision that hid each hidden content among `contents`
    (all of one model), by id, with its appeal: one query, none when nothing
    is hidden."""
    hidden = [content.pk for content in contents if content.is_hidden]
    if not hidden:
        return {}
    decisions = (
        Decision.objects.filter(
            content_type=ContentType.objects.get_for_model(type(contents[0])),
            object_id__in=hidden,
            action=Action.HIDE,
        )
        .select_related("appeal")
        .order_by("created_at", "pk")
    )
    # The latest wins.
    return {decision.object_id: decision for decision in decisions}


def may_appeal(viewer: Any, decision: Decision | None) -> bool:
    """`moderation.permissions.can_appeal`, without its query: the decision
    comes with its appeal (`hiding_decisions`)."""
    if decision is None or hasattr(decision, "appeal"):
        return False
    return bool(
        viewer.is_authenticated
        and decision.author_id == viewer.pk
        and decision.action in APPEALABLE
        and decision.revisits_id is None
    )


def in_place(
    content: Any, *, viewer: Any, decision: Decision | None = None, moderates: bool = False
) -> InPlace:
    """What the viewer sees of this content; `moderates`: the viewer is one
    of its moderators, `decision`: the one that hid it (`hiding_decisions`)."""
    state = content.moderation_state
    if state == ModerationState.VISIBLE:
        return VISIBLE
    is_author = bool(viewer.is_authenticated and author_id_of(content) == viewer.pk)
    return InPlace(
        state=state,
        article=content.moderation_article,
        decision_id=decision.pk if decision is not None else None,
        # Held content reaches only its author; should it reach someone else,
        # it stays masked.
        masked=not (is_author or (moderates and state == ModerationState.HIDDEN)),
        is_author=is_author,
        can_appeal=is_author and may_appeal(viewer, decision),
    )


def attach_in_place(
    contents: Sequence[Any], *, viewer: Any, moderates: Callable[[Any], bool]
) -> None:
    """Set `in_place` on each content; `moderates(content)` says whether the
    viewer moderates it (called for hidden content only, from cached roles)."""
    decisions = hiding_decisions(contents)
    for content in contents:
        content.in_place = in_place(
            content,
            viewer=viewer,
            decision=decisions.get(content.pk),
            moderates=content.is_hidden and moderates(content),
        )


def attach_thread_in_place(thread: Any, posts: Sequence[Any] = (), *, viewer: Any) -> None:
    """Set `in_place` on a thread and on some of its posts: the hiding
    decisions in one query each (none if nothing is hidden), the viewer's
    rights from the space's cached role. The opening post of a thread hidden
    from the viewer is masked with it (one query for its id, only then)."""
    from membrane.conversations.selectors import opening_post_id

    moderates = can_moderate_in(viewer, thread.space)
    decision = hiding_decisions([thread]).get(thread.pk)
    thread.in_place = in_place(thread, viewer=viewer, decision=decision, moderates=moderates)
    attach_in_place(posts, viewer=viewer, moderates=lambda post: moderates)
    if thread.in_place.masked and posts:
        opening = opening_post_id(thread)
        for post in posts:
            if post.pk == opening:
                post.in_place = thread.in_place


def cannot_reply_moderated(thread: Any) -> str:
    """Why nobody replies in a thread held or hidden by moderation."""
    if thread.moderation_state == ModerationState.HELD:
        return gettext(
            "This thread is waiting for a moderator's review: replies open once it is approved."
        )
    return gettext("This thread is hidden by moderation: nobody can reply to it.")


def profile_masked(person: Any, viewer: Any) -> bool:
    """Whether the viewer sees a profile hidden by moderation masked: all but
    the person and staff (who moderate profiles)."""
    if person is None or not getattr(person, "is_hidden", False):
        return False
    return not (viewer.is_authenticated and (viewer.pk == person.pk or viewer.is_staff))


def shown_name(person: Any, viewer: Any) -> str:
    """The person's public name, or the masked name if their profile is
    hidden from the viewer."""
    return str(MASKED_NAME) if profile_masked(person, viewer) else person.public_name
