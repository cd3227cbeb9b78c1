"""A person's invitation code, ranking choice, points, badges and referral
in their export; on erasure all go with them. For the people they invited,
the referral stays (those people did join by invitation, and their own
export says so) but no longer names the inviter: `inviter` becomes None."""

from typing import Any

from membrane.engagement.models import BadgeAward, InviteCode, PointAward, RankingOptIn, Referral


def export_personal_data(user: Any) -> dict[str, Any]:
    referral = Referral.objects.filter(invitee=user).first()
    return {
        "invitation_code": InviteCode.objects.filter(user=user)
        .values_list("code", flat=True)
        .first(),
        "in_rankings": RankingOptIn.objects.filter(user=user).exists(),
        "invited_by": referral.inviter_id if referral else None,
        "people_invited": Referral.objects.filter(inviter=user).count(),
        "points": [
            {"rule": a.rule, "about": a.key, "points": a.points, "at": a.created_at.isoformat()}
            for a in PointAward.objects.filter(user=user).order_by("created_at")
        ],
        "badges": [
            {"badge": b.badge, "level": b.level, "at": b.earned_at.isoformat()}
            for b in BadgeAward.objects.filter(user=user).order_by("earned_at")
        ],
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    PointAward.objects.filter(user=user).delete()
    BadgeAward.objects.filter(user=user).delete()
    Referral.objects.filter(invitee=user).delete()
    Referral.objects.filter(inviter=user).update(inviter=None)
    InviteCode.objects.filter(user=user).delete()
    RankingOptIn.objects.filter(user=user).delete()
