"""The badges, defined in code: each counts something a person did and has
levels at growing thresholds. A BadgeAward row records each level reached
(once), so a badge is never taken back when points are recomputed."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from membrane.engagement.models import PointAward, Referral


@dataclass(frozen=True)
class Badge:
    code: str
    label: str | Promise
    description: str | Promise
    # thresholds[i] is what level i + 1 needs.
    thresholds: tuple[int, ...]

    def level_for(self, count: int) -> int:
        return sum(1 for needed in self.thresholds if count >= needed)

    def next_threshold(self, level: int) -> int | None:
        return self.thresholds[level] if level < len(self.thresholds) else None


BADGES: dict[str, Badge] = {
    badge.code: badge
    for badge in (
        Badge(
            "premier_pas",
            _("First steps"),
            _("Distinct contributions that earned points, of any kind."),
            (1, 3, 10),
        ),
        Badge(
            "sur_le_terrain",
            _("In the field"),
            _("Events attended and field actions reported."),
            (1, 5, 20),
        ),
        Badge(
            "batisseur",
            _("Builder"),
            _("People who joined through your invitation, and newcomers you welcomed."),
            (1, 5, 20),
        ),
    )
}

FIELD_RULES = ("event_attended", "field_action")


def badge_counts(user: Any) -> dict[str, int]:
    """What each badge counts for this person (two queries)."""
    counted = PointAward.objects.filter(user=user).aggregate(
        total=Count("pk"),
        field=Count("pk", filter=Q(rule__in=FIELD_RULES)),
        welcomed=Count("pk", filter=Q(rule="welcome_newcomer")),
    )
    invited = Referral.objects.filter(inviter=user).count()
    return {
        "premier_pas": counted["total"],
        "sur_le_terrain": counted["field"],
        "batisseur": invited + counted["welcomed"],
    }


def label_for(code: str) -> str:
    badge = BADGES.get(code)
    return str(badge.label) if badge else code
