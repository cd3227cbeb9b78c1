"""Invitations, points, badges and rankings, under the rules of their pages
(engagement/permissions.py): one's own invitation link and points (signed
in), a person's badges (as visible as their profile), the rankings (signed
in; people only if they chose to appear) and that choice."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from membrane.accounts.permissions import access_profile
from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    AuthenticatedApiRequest,
    PersonRef,
    error_responses,
    optional_auth,
    person_ref,
    viewer_of,
)
from membrane.conversations.moderated import profile_masked
from membrane.engagement.selectors import (
    RANKING_DAYS,
    badge_progress,
    badges_of,
    is_opted_in,
    person_ranking,
    points_by_rule,
    referral_counts,
    section_ranking,
)
from membrane.engagement.services import invite_code_for, invite_url, ranking_opt_in_set

router = Router(tags=["engagement"])


class InvitationOut(Schema):
    code: str
    url: str = Field(description="The link to share: whoever signs up after following it counts.")
    joined: int = Field(description="People who signed up through the link.")
    contributed: int = Field(description="Of them, those who wrote a message or an idea.")


@router.get(
    "/me/invitation",
    response={200: InvitationOut, **error_responses(401)},
    summary="My invitation link and who joined through it",
)
def my_invitation(request: AuthenticatedApiRequest) -> dict[str, Any]:
    counts = referral_counts(request.auth)
    return {
        "code": invite_code_for(request.auth),
        "url": request.build_absolute_uri(invite_url(request.auth)),
        **counts,
    }


class RuleOut(Schema):
    rule: str
    label: str
    base_points: int
    count: int
    points: int
    this_week: int
    next_points: int = Field(description="What the next one earns this week (diminishing).")


class BadgeOut(Schema):
    badge: str
    label: str
    description: str
    level: int = Field(description="0 when not earned yet.")
    max_level: int
    count: int = Field(description="What the badge counts, so far.")
    next_threshold: int | None = Field(description="What the next level needs; null at the top.")


class PointsOut(Schema):
    total: int
    rules: list[RuleOut]
    badges: list[BadgeOut]
    in_rankings: bool


@router.get(
    "/me/points",
    response={200: PointsOut, **error_responses(401)},
    summary="My points, rule by rule, and my badges with their next levels",
)
def my_points(request: AuthenticatedApiRequest) -> dict[str, Any]:
    rules = points_by_rule(request.auth)
    return {
        "total": sum(rule.points for rule in rules),
        "rules": [
            {
                "rule": rule.rule,
                "label": str(rule.label),
                "base_points": rule.base,
                "count": rule.count,
                "points": rule.points,
                "this_week": rule.this_week,
                "next_points": rule.next_points,
            }
            for rule in rules
        ],
        "badges": [
            {
                "badge": step.badge.code,
                "label": str(step.badge.label),
                "description": str(step.badge.description),
                "level": step.level,
                "max_level": len(step.badge.thresholds),
                "count": step.count,
                "next_threshold": step.next_threshold,
            }
            for step in badge_progress(request.auth)
        ],
        "in_rankings": is_opted_in(request.auth),
    }


class HeldBadgeOut(Schema):
    badge: str
    label: str
    level: int
    max_level: int


@router.get(
    "/people/{person_id}/badges",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: list[HeldBadgeOut], **error_responses(401, 404, 422)},
    summary="A person's badges",
    description="As visible as the person's profile: a hidden profile answers 404. "
    "A profile hidden by moderation shows no badge (but to its person and staff).",
)
def person_badges(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    viewer = viewer_of(request)
    person = access_profile(viewer, person_id)
    if profile_masked(person, viewer):
        return []
    return [
        {
            "badge": held.code,
            "label": str(held.label),
            "level": held.level,
            "max_level": held.max_level,
        }
        for held in badges_of(person)
    ]


class SectionRankOut(Schema):
    id: int
    slug: str
    name: str
    points: int


class PersonRankOut(Schema):
    person: PersonRef
    points: int


class RankingsOut(Schema):
    period: Literal["30d", "all"]
    sections: list[SectionRankOut]
    people: list[PersonRankOut] = Field(description="Only people who chose to appear.")


class RankingFilters(Schema):
    period: Literal["30d", "all"] = Field(
        "30d", description=f"The last {RANKING_DAYS} days, or all time."
    )


@router.get(
    "/rankings",
    response={200: RankingsOut, **error_responses(401, 422)},
    summary="Section and person rankings",
)
def rankings(request: AuthenticatedApiRequest, filters: Query[RankingFilters]) -> dict[str, Any]:
    days = None if filters.period == "all" else RANKING_DAYS
    return {
        "period": filters.period,
        "sections": [
            {"id": unit.pk, "slug": unit.slug, "name": unit.name, "points": unit.points}  # type: ignore[attr-defined]
            for unit in section_ranking(days=days)
        ],
        "people": [
            {"person": person_ref(request, person), "points": person.points}  # type: ignore[attr-defined]
            for person in person_ranking(request.auth, days=days)
        ],
    }


class RankingChoiceIn(Schema):
    in_rankings: bool


class RankingChoiceOut(Schema):
    in_rankings: bool


@router.put(
    "/me/rankings",
    response={200: RankingChoiceOut, **error_responses(401, 403, 422)},
    summary="Appear in the person rankings, or not",
)
def ranking_choice(request: AuthenticatedApiRequest, payload: RankingChoiceIn) -> dict[str, Any]:
    ranking_opt_in_set(user=request.auth, opted_in=payload.in_rankings)
    return {"in_rankings": payload.in_rankings}
