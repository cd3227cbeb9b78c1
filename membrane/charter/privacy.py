from typing import Any

from membrane.charter.models import CharterAcceptance


def export_personal_data(user: Any) -> dict[str, Any]:
    return {
        "acceptances": [
            {"version": number, "accepted_at": accepted_at.isoformat()}
            for number, accepted_at in CharterAcceptance.objects.filter(user=user)
            .order_by("accepted_at")
            .values_list("version__number", "accepted_at")
        ]
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    CharterAcceptance.objects.filter(user=user).delete()
