"""Helpers for the moderation tests (pages, permissions, services): content
made with the factories (so that no posting guard interferes), reports and
decisions made through the services. Personas live in conftest.py."""

from typing import Any

from membrane.moderation.models import Action, Decision, Report
from membrane.moderation.services import decide, report_create
from membrane.spaces.models import Role, Space
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory, PostFactory, ThreadFactory

REASON = "Propos injurieux envers une militante."


def person(charter: Any, **fields: Any) -> Any:
    """Someone who accepted the current charter (so pages do not ask them to)."""
    return UserFactory(charter_version_accepted=charter.number, **fields)


def group_with(*, moderator: Any = None, animator: Any = None, **fields: Any) -> Space:
    group = GroupFactory(**fields)
    if moderator is not None:
        MembershipFactory(space=group, user=moderator, role=Role.MODERATOR)
    if animator is not None:
        MembershipFactory(space=group, user=animator, role=Role.ANIMATOR)
    return group


def reply_in(space: Space, *, author: Any, body: str = "Je ne suis pas d'accord.") -> Any:
    """A reply (the second post of a thread) in the space."""
    thread = ThreadFactory(space=space, author=author, post_count=2)
    PostFactory(thread=thread, author=author, body="Ouvrons le débat.")
    return PostFactory(thread=thread, author=author, body=body, body_html=f"<p>{body}</p>")


def report(reporter: Any, content: Any, *, article: int = 1, comment: str = "") -> Report:
    return report_create(reporter=reporter, content=content, article=article, comment=comment)


def hide(moderator: Any, content: Any, *, article: int = 1, reason: str = REASON) -> Decision:
    return decide(
        moderator=moderator, content=content, action=Action.HIDE, article=article, reason=reason
    )
