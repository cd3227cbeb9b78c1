"""Template helpers of engagement: a person's badges (one query) and share
links that credit the person who shares them."""

from typing import Any

from django import template

from membrane.engagement.selectors import HeldBadge, badges_of
from membrane.engagement.services import invite_url

register = template.Library()


@register.simple_tag
def person_badges(person: Any) -> list[HeldBadge]:
    """`{% person_badges person as badges %}`: their badges, highest level each."""
    return badges_of(person)


@register.simple_tag(takes_context=True)
def invite_link(context: template.Context, path: str = "") -> str:
    """`{% invite_link request.path as url %}`: the absolute link to share
    `path` (a page of this site) so that whoever signs up after following it
    counts as invited by the signed-in person; for visitors, the page itself."""
    request = context["request"]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return str(request.build_absolute_uri(path or "/"))
    return str(request.build_absolute_uri(invite_url(user, path)))
