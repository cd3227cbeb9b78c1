"""A person's sessions in the export; erasure ends them all. The audit log
is kept: it records what staff and animators did, and an entry about the
person names them only by a row id that erasure anonymises."""

from typing import Any

from membrane.security.models import UserSession
from membrane.security.services import sessions_end


def export_personal_data(user: Any) -> dict[str, Any]:
    return {
        "sessions": [
            {
                "browser": browser,
                "system": system,
                "ip_network": ip_prefix,
                "created_at": created.isoformat(),
                "last_seen_at": seen.isoformat(),
            }
            for browser, system, ip_prefix, created, seen in UserSession.objects.filter(
                user=user
            ).values_list("browser", "system", "ip_prefix", "created_at", "last_seen_at")
        ],
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    sessions_end(user=user)
