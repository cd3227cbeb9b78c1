from typing import Any

from membrane.spaces.models import Invitation, JoinRequest, Membership, Space


def export_personal_data(user: Any) -> dict[str, Any]:
    return {
        "memberships": [
            {"group": name, "slug": slug, "role": role, "joined_at": joined.isoformat()}
            for name, slug, role, joined in Membership.objects.filter(user=user).values_list(
                "space__name", "space__slug", "role", "joined_at"
            )
        ],
        "join_requests": [
            {"group": name, "message": message, "status": status, "created_at": created.isoformat()}
            for name, message, status, created in JoinRequest.objects.filter(user=user).values_list(
                "space__name", "message", "status", "created_at"
            )
        ],
        "invitations": [
            {"group": name, "created_at": created.isoformat()}
            for name, created in Invitation.objects.filter(user=user).values_list(
                "space__name", "created_at"
            )
        ],
        "groups_created": list(
            Space.objects.filter(created_by=user).values_list("name", flat=True)
        ),
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    """Memberships, requests and invitations go; groups the person created
    stay (they belong to their members), without a creator."""
    from membrane.spaces.services import member_counts_recount

    groups = list(Membership.objects.filter(user=user).values_list("space_id", flat=True))
    Membership.objects.filter(user=user).delete()
    member_counts_recount(spaces=Space.objects.filter(pk__in=groups))
    JoinRequest.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user).delete()
    Space.objects.filter(created_by=user).update(created_by=None)
