"""Reads of the engagement app: referral counts, a person's points and
badges, rankings. Each is a fixed number of queries, whatever the size."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise

from membrane.accounts.models import User
from membrane.accounts.selectors import people_visible_to
from membrane.engagement.badges import BADGES, Badge, badge_counts
from membrane.engagement.models import BadgeAward, PointAward, RankingOptIn, Referral
from membrane.engagement.services import FULL, HALF, RULES, WEEK
from membrane.moderation.models import ModerationState
from membrane.territory.models import Unit

RANKING_DAYS = 30
RANKING_SIZE = 20


def referral_counts(user: Any) -> dict[str, int]:
    """How many joined through the person's link, and how many of them have
    written a message or proposed an idea since (one query)."""
    from membrane.conversations.models import Post
    from membrane.ideas.models import Idea

    contributed = Exists(Post.objects.filter(author=OuterRef("invitee"))) | Exists(
        Idea.objects.filter(author=OuterRef("invitee"))
    )
    return Referral.objects.filter(inviter=user).aggregate(
        joined=Count("pk"), contributed=Count("pk", filter=contributed)
    )


@dataclass(frozen=True)
class RulePoints:
    rule: str
    label: str | Promise
    base: int
    count: int
    points: int
    this_week: int

    @property
    def next_points(self) -> int:
        """What the next one of this rule earns this week."""
        rank = self.this_week + 1
        if rank <= FULL:
            return self.base
        return self.base // 2 if rank <= HALF else 0


def points_by_rule(user: Any, *, now: datetime | None = None) -> list[RulePoints]:
    """The person's points, rule by rule, with this week's count (one query)."""
    now = now or timezone.now()
    rows: dict[str, dict[str, Any]] = {
        row["rule"]: dict(row)
        for row in PointAward.objects.filter(user=user)
        .values("rule")
        .annotate(
            count=Count("pk"),
            points=Sum("points"),
            this_week=Count("pk", filter=Q(created_at__gt=now - WEEK, created_at__lte=now)),
        )
    }
    return [
        RulePoints(
            rule=code,
            label=rule.label,
            base=rule.points,
            count=rows.get(code, {}).get("count", 0),
            points=rows.get(code, {}).get("points", 0) or 0,
            this_week=rows.get(code, {}).get("this_week", 0),
        )
        for code, rule in RULES.items()
    ]


@dataclass(frozen=True)
class HeldBadge:
    badge: Badge
    level: int
    earned_at: datetime | None

    @property
    def code(self) -> str:
        return self.badge.code

    @property
    def label(self) -> str | Promise:
        return self.badge.label

    @property
    def max_level(self) -> int:
        return len(self.badge.thresholds)


def badges_of(user: Any) -> list[HeldBadge]:
    """The badges a person holds, each at its highest level (one query)."""
    highest: dict[str, tuple[int, datetime | None]] = {}
    for code, level, earned_at in BadgeAward.objects.filter(user=user).values_list(
        "badge", "level", "earned_at"
    ):
        if code in BADGES and level > highest.get(code, (0, None))[0]:
            highest[code] = (level, earned_at)
    return [
        HeldBadge(badge=badge, level=highest[code][0], earned_at=highest[code][1])
        for code, badge in BADGES.items()
        if code in highest
    ]


@dataclass(frozen=True)
class BadgeProgress:
    badge: Badge
    count: int
    level: int
    next_threshold: int | None


def badge_progress(user: Any) -> list[BadgeProgress]:
    """Where the person stands on each badge, and what the next level needs."""
    counts = badge_counts(user)
    progress = []
    for code, badge in BADGES.items():
        level = badge.level_for(counts[code])
        progress.append(
            BadgeProgress(
                badge=badge,
                count=counts[code],
                level=level,
                next_threshold=badge.next_threshold(level),
            )
        )
    return progress


def _ranked_people() -> Q:
    """Whose points count in rankings: active, not erased, not hidden or
    held by moderation (a banned person's profile is hidden)."""
    return Q(
        user__is_active=True,
        user__erased_at__isnull=True,
        user__moderation_state=ModerationState.VISIBLE,
    )


def _since(days: int | None) -> Q:
    return Q(created_at__gte=timezone.now() - timedelta(days=days)) if days else Q()


def section_ranking(*, days: int | None = RANKING_DAYS, limit: int = RANKING_SIZE) -> list[Unit]:
    """Sections by the points of their people (two queries); `days=None`
    for all time. Each section carries `points`."""
    totals = list(
        PointAward.objects.filter(_ranked_people(), _since(days), user__section__isnull=False)
        .values("user__section")
        .annotate(total=Sum("points"))
        .filter(total__gt=0)
        .order_by("-total", "user__section")[:limit]
    )
    units = Unit.objects.select_related("parent").in_bulk([row["user__section"] for row in totals])
    ranked = []
    for row in totals:
        unit = units[row["user__section"]]
        unit.points = row["total"]  # type: ignore[attr-defined]
        ranked.append(unit)
    return ranked


def person_ranking(
    viewer: Any, *, days: int | None = RANKING_DAYS, limit: int = RANKING_SIZE
) -> QuerySet[User]:
    """People who opted in, whose profile the viewer may see, by points
    (one query). Each person carries `points`."""
    period = Q(point_awards__created_at__gte=timezone.now() - timedelta(days=days)) if days else Q()
    people = people_visible_to(
        viewer,
        User.objects.filter(
            Exists(RankingOptIn.objects.filter(user=OuterRef("pk"))),
            moderation_state=ModerationState.VISIBLE,
        ),
    )
    return (
        people.annotate(points=Sum("point_awards__points", filter=period))
        .filter(points__gt=0)
        .select_related("section")
        .order_by("-points", "pk")[:limit]
    )


def is_opted_in(user: Any) -> bool:
    return RankingOptIn.objects.filter(user=user).exists()
