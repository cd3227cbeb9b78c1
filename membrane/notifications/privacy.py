from typing import Any

from membrane.notifications.models import Notification, Preference


def export_personal_data(user: Any) -> dict[str, Any]:
    return {
        "notifications": [
            {
                "kind": kind,
                "created_at": created.isoformat(),
                "read_at": read.isoformat() if read else None,
            }
            for kind, created, read in Notification.objects.filter(recipient=user).values_list(
                "kind", "created_at", "read_at"
            )
        ],
        "preferences": dict(Preference.objects.filter(user=user).values_list("kind", "channel")),
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    Notification.objects.filter(recipient=user).delete()
    Notification.objects.filter(actor=user).update(actor=None)
    Preference.objects.filter(user=user).delete()
