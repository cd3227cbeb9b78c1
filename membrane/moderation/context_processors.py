from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from membrane.moderation.permissions import is_moderator_somewhere


def moderation(request: HttpRequest) -> dict[str, Any]:
    """`is_moderator` for the header's "Moderation" link: computed only when
    a template reads it (no query for anonymous visitors, none on pages that
    do not show the header)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_moderator": False}
    return {"is_moderator": SimpleLazyObject(lambda: is_moderator_somewhere(user))}
