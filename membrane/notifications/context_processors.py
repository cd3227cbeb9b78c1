from typing import Any

from django.http import HttpRequest

from membrane.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """The header's badge: one COUNT query for a signed-in person, none for
    anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notification_count": 0}
    return {"unread_notification_count": unread_count(user)}
