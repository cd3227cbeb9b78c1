"""Privacy (settings.PRIVACY_MODULES): which second factors a person set up
and when, never their secrets; erasure removes them."""

from typing import Any

from allauth.mfa.models import Authenticator


def export_personal_data(user: Any) -> dict[str, Any]:
    return {
        "two_factor": [
            {"type": kind, "created_at": created.isoformat()}
            for kind, created in Authenticator.objects.filter(user=user)
            .order_by("created_at")
            .values_list("type", "created_at")
        ]
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    Authenticator.objects.filter(user=user).delete()
