"""Reads of campaigns: the counters, the progress towards the goals and the
rankings, all computed by the database (Sum and Count grouped), in a number
of queries that does not grow with the reports, the sections or the
campaigns listed."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from membrane.campaigns.models import ActionKind, Campaign, FieldReport, Goal
from membrane.campaigns.permissions import visible_campaigns_filter
from membrane.moderation.models import ModerationState
from membrane.spaces.models import Space

RANKING_SIZE = 20
EVENTS_SHOWN = 20
MY_REPORTS_SHOWN = 50


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    """The campaigns the person sees, with their space, their number of
    reports and of people who reported."""
    return (
        Campaign.objects.filter(visible_campaigns_filter(user))
        .select_related("space__unit")
        .annotate(
            report_count=Count("reports", distinct=True),
            people_count=Count("reports__user", distinct=True),
        )
    )


def split_by_period(
    campaigns: Iterable[Campaign], *, today: date | None = None
) -> dict[str, list[Campaign]]:
    """The campaigns running today, those to come and those over."""
    today = today or timezone.localdate()
    split: dict[str, list[Campaign]] = {"current": [], "upcoming": [], "past": []}
    for campaign in campaigns:
        if campaign.starts_on > today:
            split["upcoming"].append(campaign)
        elif campaign.ends_on < today:
            split["past"].append(campaign)
        else:
            split["current"].append(campaign)
    split["upcoming"].sort(key=lambda c: (c.starts_on, c.pk))
    split["past"].sort(key=lambda c: (c.ends_on, c.pk), reverse=True)
    return split


def totals_by_campaign(campaign_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """For each campaign, the total count per kind of action (one query)."""
    rows = (
        FieldReport.objects.filter(campaign_id__in=list(campaign_ids))
        .values("campaign_id", "kind")
        .annotate(total=Sum("count"))
        .order_by()
    )
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        totals[row["campaign_id"]][row["kind"]] = row["total"] or 0
    return totals


def totals(campaign: Campaign) -> list[dict[str, Any]]:
    """Per kind of action reported: the total count, the number of reports
    and of people who reported, in the order of the kinds."""
    rows = {
        row["kind"]: row
        for row in FieldReport.objects.filter(campaign=campaign)
        .values("kind")
        .annotate(total=Sum("count"), reports=Count("pk"), people=Count("user", distinct=True))
        .order_by()
    }
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "total": rows[kind]["total"] or 0,
            "reports": rows[kind]["reports"],
            "people": rows[kind]["people"],
        }
        for kind in ActionKind
        if kind in rows
    ]


def goals_progress(goals: Iterable[Goal], totals_of_kind: dict[str, int]) -> list[dict[str, Any]]:
    """Each goal with what is done and the share of it (a percentage capped
    at 100 for the bar; `done` may pass the target)."""
    progress = []
    for goal in sorted(goals, key=lambda g: list(ActionKind.values).index(g.kind)):
        done = totals_of_kind.get(goal.kind, 0)
        percent = min(100, done * 100 // goal.target) if goal.target else 100
        progress.append(
            {
                "kind": goal.kind,
                "label": ActionKind(goal.kind).label,
                "target": goal.target,
                "done": done,
                "percent": percent,
                "reached": done >= goal.target,
            }
        )
    return progress


def section_ranking(
    campaign: Campaign, *, kind: str | None = None, limit: int = RANKING_SIZE
) -> list[dict[str, Any]]:
    """The sections that did the most (of `kind`, or of every kind summed),
    ties broken by name then id: one query, whatever the number of sections."""
    reports = FieldReport.objects.filter(campaign=campaign, section__isnull=False)
    if kind:
        reports = reports.filter(kind=kind)
    rows = (
        reports.values("section_id", "section__name", "section__parent__code")
        .annotate(total=Sum("count"), reports=Count("pk"), people=Count("user", distinct=True))
        .order_by("-total", "section__name", "section_id")[:limit]
    )
    return [
        {
            "rank": position,
            "id": row["section_id"],
            "name": row["section__name"],
            "federation_code": row["section__parent__code"],
            "total": row["total"],
            "reports": row["reports"],
            "people": row["people"],
        }
        for position, row in enumerate(rows, start=1)
    ]


def federation_ranking(
    campaign: Campaign, *, kind: str | None = None, limit: int = RANKING_SIZE
) -> list[dict[str, Any]]:
    """The federations whose sections did the most, ties broken by code
    then id: one query."""
    reports = FieldReport.objects.filter(campaign=campaign, section__parent__isnull=False)
    if kind:
        reports = reports.filter(kind=kind)
    rows = (
        reports.values("section__parent_id", "section__parent__name", "section__parent__code")
        .annotate(total=Sum("count"), reports=Count("pk"), people=Count("user", distinct=True))
        .order_by("-total", "section__parent__code", "section__parent_id")[:limit]
    )
    return [
        {
            "rank": position,
            "id": row["section__parent_id"],
            "name": row["section__parent__name"],
            "code": row["section__parent__code"],
            "total": row["total"],
            "reports": row["reports"],
            "people": row["people"],
        }
        for position, row in enumerate(rows, start=1)
    ]


def my_reports(user: Any, campaign: Campaign) -> QuerySet[FieldReport]:
    if not user.is_authenticated:
        return FieldReport.objects.none()
    return (
        FieldReport.objects.filter(campaign=campaign, user=user)
        .select_related("section")
        .order_by("-done_on", "-pk")
    )


def event_url(event_id: int) -> str | None:
    try:
        return reverse("events:event", args=[event_id])
    except NoReverseMatch:  # the events pages are not there yet
        return None


def upcoming_events(campaign: Campaign, *, limit: int = EVENTS_SHOWN) -> list[Any]:
    """The campaign's events to come that anyone may see listed: visible
    (not held or hidden by moderation), not cancelled, not in a private
    group (whose events are for its members)."""
    from membrane.events.models import Event

    events = list(
        Event.objects.filter(
            campaign=campaign,
            moderation_state=ModerationState.VISIBLE,
            cancelled_at__isnull=True,
            ends_at__gte=timezone.now(),
        )
        .exclude(Q(space__kind=Space.Kind.GROUP) & Q(space__visibility=Space.Visibility.PRIVATE))
        .select_related("space")
        .order_by("starts_at", "pk")[:limit]
    )
    for event in events:
        event.url = event_url(event.pk)  # type: ignore[attr-defined]
    return events
