"""Campaigns, their counters, goals and rankings, and the field reports of
the person who asks: the rules of the campaign pages (campaigns/permissions.py)
and the same services. Every operation needs a signed-in person."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from membrane.api.common import (
    AuthenticatedApiRequest,
    SpaceRef,
    space_ref,
    validation_error,
)
from membrane.campaigns.models import ActionKind, Campaign, FieldReport
from membrane.campaigns.permissions import (
    access_campaign,
    access_report,
    can_delete_report,
    can_edit_campaign,
    report_refusal,
)
from membrane.campaigns.permissions import refusal_message as report_refusal_message
from membrane.campaigns.selectors import (
    MY_REPORTS_SHOWN,
    event_url,
    federation_ranking,
    goals_progress,
    my_reports,
    section_ranking,
    split_by_period,
    totals,
    totals_by_campaign,
    upcoming_events,
    visible_campaigns,
)
from membrane.campaigns.services import (
    MAX_PER_REPORT,
    CampaignError,
    report_create,
    report_delete,
)
from membrane.territory.models import Unit

router = Router(tags=["campaigns"])


# -- Schemas ----------------------------------------------------------------


class GoalOut(Schema):
    kind: ActionKind
    target: int
    done: int
    percent: int = Field(description="Share of the target done, capped at 100.")
    reached: bool


class CampaignOut(Schema):
    slug: str
    title: str
    space: SpaceRef
    starts_on: date
    ends_on: date
    period: str = Field(description="current, upcoming or past.")
    report_count: int
    people_count: int
    totals: dict[str, int] = Field(description="The total count per kind of action.")
    goals: list[GoalOut]


class KitDocumentOut(Schema):
    title: str
    url: str


class EventRef(Schema):
    id: int
    title: str
    starts_at: datetime
    url: str | None


class TotalOut(Schema):
    kind: ActionKind
    total: int
    reports: int
    people: int


class CampaignDetailOut(CampaignOut):
    description: str
    description_html: str
    totals_detail: list[TotalOut]
    kit: list[KitDocumentOut]
    events: list[EventRef]
    can_edit: bool
    report_refusal: str | None = Field(description="Why the caller may not report, if so.")


class RankRow(Schema):
    rank: int
    id: int
    name: str
    code: str | None = None
    federation_code: str | None = None
    total: int
    reports: int
    people: int


class CampaignRankingsOut(Schema):
    kind: ActionKind | None
    sections: list[RankRow]
    federations: list[RankRow]


class CampaignRankingFilters(Schema):
    kind: ActionKind | None = Field(None, description="Rank by one kind; all summed if absent.")


class FieldReportOut(Schema):
    id: int
    kind: ActionKind
    count: int
    done_on: date
    section: str | None
    created_at: datetime
    can_delete: bool


class FieldReportIn(Schema):
    """A field action of the caller. Naming another person is refused (422):
    one reports only one's own actions."""

    model_config = ConfigDict(extra="forbid")

    kind: ActionKind
    count: int = Field(description="From 1 to the bound of the kind (e.g. 2,000 doors).")
    done_on: date | None = Field(None, description="Today if absent.")
    section: int | None = Field(
        None, description="The caller's section (default) or a section they animate."
    )


# -- Helpers ----------------------------------------------------------------


def _period(campaign: Campaign, today: date) -> str:
    if campaign.starts_on > today:
        return "upcoming"
    return "past" if campaign.ends_on < today else "current"


def _goals(campaign: Campaign, by_kind: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {key: goal[key] for key in ("kind", "target", "done", "percent", "reached")}
        for goal in goals_progress(campaign.goals.all(), by_kind)
    ]


def campaign_out(campaign: Campaign, by_kind: dict[str, int], today: date) -> dict[str, Any]:
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "space": space_ref(campaign.space),
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "period": _period(campaign, today),
        "report_count": getattr(campaign, "report_count", 0),
        "people_count": getattr(campaign, "people_count", 0),
        "totals": by_kind,
        "goals": _goals(campaign, by_kind),
    }


def report_out(user: Any, report: FieldReport, now: datetime) -> dict[str, Any]:
    return {
        "id": report.pk,
        "kind": report.kind,
        "count": report.count,
        "done_on": report.done_on,
        "section": report.section.name if report.section else None,
        "created_at": report.created_at,
        "can_delete": can_delete_report(user, report, now=now),
    }


# -- Campaigns --------------------------------------------------------------


@router.get(
    "/campaigns",
    response=list[CampaignOut],
    summary="The campaigns the caller sees",
    description="Running ones first, then those to come, then those over; each with its "
    "totals per kind of action and its goals' progress.",
)
def campaign_index(request: AuthenticatedApiRequest) -> list[dict[str, Any]]:
    today = timezone.localdate()
    campaigns = list(visible_campaigns(request.auth).prefetch_related("goals"))
    counted = totals_by_campaign(c.pk for c in campaigns)
    split = split_by_period(campaigns, today=today)
    ordered = split["current"] + split["upcoming"] + split["past"]
    return [campaign_out(c, counted.get(c.pk, {}), today) for c in ordered]


@router.get(
    "/campaigns/{slug}",
    response=CampaignDetailOut,
    summary="One campaign: goals, totals, kit and upcoming events",
)
def campaign_detail(request: AuthenticatedApiRequest, slug: str) -> dict[str, Any]:
    user = request.auth
    campaign = access_campaign(user, slug)
    today = timezone.localdate()
    counted = totals(campaign)
    by_kind = {row["kind"]: row["total"] for row in counted}
    kit = [
        {
            "title": document.title,
            "url": request.build_absolute_uri(
                reverse("campaigns:kit_file", args=[campaign.slug, document.pk])
            )
            if document.file
            else document.url,
        }
        for document in campaign.kit.all()
    ]
    refusal = report_refusal(user, campaign, today=today)
    return {
        **campaign_out(campaign, by_kind, today),
        "report_count": sum(row["reports"] for row in counted),
        "people_count": FieldReport.objects.filter(campaign=campaign)
        .values("user")
        .distinct()
        .count(),
        "description": campaign.description,
        "description_html": campaign.description_html,
        "totals_detail": [
            {key: row[key] for key in ("kind", "total", "reports", "people")} for row in counted
        ],
        "kit": kit,
        "events": [
            {"id": e.pk, "title": e.title, "starts_at": e.starts_at, "url": event_url(e.pk)}
            for e in upcoming_events(campaign)
        ],
        "can_edit": can_edit_campaign(user, campaign),
        "report_refusal": refusal,
    }


@router.get(
    "/campaigns/{slug}/rankings",
    response=CampaignRankingsOut,
    summary="The top 20 sections and federations of a campaign",
    description="Ties are broken by name (sections) or code (federations), then id.",
)
def campaign_rankings(
    request: AuthenticatedApiRequest, slug: str, filters: Query[CampaignRankingFilters]
) -> dict[str, Any]:
    campaign = access_campaign(request.auth, slug)
    kind = filters.kind.value if filters.kind else None
    return {
        "kind": kind,
        "sections": section_ranking(campaign, kind=kind),
        "federations": federation_ranking(campaign, kind=kind),
    }


# -- Field reports ----------------------------------------------------------


@router.get(
    "/campaigns/{slug}/reports",
    response=list[FieldReportOut],
    summary="The caller's own reports for a campaign",
    description=f"The latest {MY_REPORTS_SHOWN}, most recent action first.",
)
def report_index(request: AuthenticatedApiRequest, slug: str) -> list[dict[str, Any]]:
    campaign = access_campaign(request.auth, slug)
    now = timezone.now()
    reports = list(my_reports(request.auth, campaign)[:MY_REPORTS_SHOWN])
    for report in reports:
        report.campaign = campaign
    return [report_out(request.auth, report, now) for report in reports]


@router.post(
    "/campaigns/{slug}/reports",
    response={201: FieldReportOut},
    summary="Report a field action",
    description="Counted for the caller's section unless `section` names another section "
    "they animate. Bounds per report: "
    + ", ".join(f"{kind}: {limit}" for kind, limit in MAX_PER_REPORT.items())
    + ". The date is within the campaign and not in the future.",
)
def report_new(
    request: AuthenticatedApiRequest, slug: str, payload: FieldReportIn
) -> Status[dict[str, Any]]:
    user = request.auth
    campaign = access_campaign(user, slug)
    refusal = report_refusal(user, campaign)
    if refusal is not None:
        raise PermissionDenied(report_refusal_message(refusal))
    section = None
    if payload.section is not None:
        section = Unit.objects.filter(pk=payload.section, kind=Unit.Kind.SECTION).first()
        if section is None:
            raise validation_error("section", _("No such section."), "section")
    try:
        report = report_create(
            user=user,
            campaign=campaign,
            kind=payload.kind.value,
            count=payload.count,
            done_on=payload.done_on or timezone.localdate(),
            section=section,
        )
    except CampaignError as error:
        raise validation_error(error.field or "payload", error.message, "invalid") from None
    report.campaign = campaign
    return Status(201, report_out(user, report, timezone.now()))


@router.delete(
    "/field-reports/{report_id}",
    response={204: None},
    summary="Delete a report",
    description="Its author may, within 24 hours of sending it; the campaign's editors "
    "may at any time. Another person's report is a 404.",
)
def report_remove(request: AuthenticatedApiRequest, report_id: int) -> Status[None]:
    report = access_report(request.auth, report_id)
    if not can_delete_report(request.auth, report):
        raise HttpError(403, _("A report can be deleted within 24 hours of sending it, not after."))
    report_delete(report=report)
    return Status(204, None)
