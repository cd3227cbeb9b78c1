"""Moderation in place for templates: the name and photo of a profile
hidden by moderation are masked for all but the person and staff."""

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser

from membrane.conversations import moderated

register = template.Library()


@register.filter
def profile_masked(person: Any, viewer: Any) -> bool:
    """`{% if person|profile_masked:user %}`: show no photo, no name."""
    return moderated.profile_masked(person, viewer)


@register.simple_tag(takes_context=True)
def shown_name(context: template.Context, person: Any) -> str:
    """`{% shown_name person %}`: the public name, or the masked name ("" for
    no one: a deleted account)."""
    if person is None:
        return ""
    viewer = context.get("user")
    if viewer is None:
        request = context.get("request")
        viewer = getattr(request, "user", None)
    if viewer is None:
        viewer = AnonymousUser()
    return moderated.shown_name(person, viewer)
