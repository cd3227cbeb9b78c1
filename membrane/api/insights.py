"""Participation insights: a space's measures over a period (its animators
and staff; a published summary for its readers), the platform's (staff), and
the anonymised CSV export (animators and staff). The rules are those of the
pages (insights/permissions.py); the figures are the same snapshot."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    ApiRequest,
    AuthenticatedApiRequest,
    error_responses,
    optional_auth,
    validation_error,
)
from membrane.insights.export import csv_lines, export_rows
from membrane.insights.forms import PeriodForm
from membrane.insights.permissions import FULL, can_export_insights, insights_access
from membrane.insights.services import Period, measures_for
from membrane.security.models import AuditAction
from membrane.security.services import audit_record
from membrane.spaces.models import Space
from membrane.spaces.permissions import access_space

router = Router(tags=["insights"])

# What a published summary shows to a space's readers (the page's "who
# takes part" and "how concentrated" figures); the rest is for animators.
SUMMARY_FIELDS = {
    "space", "start", "end", "members", "contributors", "silent_members", "writers", "posts",
    "contributions", "contributions_per_contributor", "gini_members", "gini_writers",
    "top1_share", "top2_share", "top1pct_share", "top10pct_share", "weekly",
}  # fmt: skip


class PeriodQuery(Schema):
    days: int | None = None
    start: date | None = None
    end: date | None = None


class MeasuresOut(Schema):
    computed_at: str | None
    full: bool
    measures: dict[str, Any] | None


def _period(query: PeriodQuery) -> Period:
    values = {k: v for k, v in query.dict().items() if v is not None}
    form = PeriodForm({k: str(v) for k, v in values.items()})
    if not form.is_valid():
        errors = form.errors.as_data()
        field, messages = next(iter(errors.items()))
        raise validation_error(
            field if field != "__all__" else "end",
            messages[0].messages[0],
            "invalid",
            where=("query",),
        )
    return form.period()


def _measures(user: Any, space: Space | None, query: PeriodQuery) -> dict[str, Any]:
    access = insights_access(user, space)
    if access is None:
        if space is None:
            raise Http404
        raise PermissionDenied(_("Only the space's animators see its participation in detail."))
    full = access == FULL
    snapshot = measures_for(space=space, period=_period(query))
    if snapshot is None:
        return {"computed_at": None, "full": full, "measures": None}
    data = (
        snapshot.data if full else {k: v for k, v in snapshot.data.items() if k in SUMMARY_FIELDS}
    )
    return {"computed_at": snapshot.computed_at.isoformat(), "full": full, "measures": data}


@router.get(
    "/spaces/{slug}/insights",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: MeasuresOut, **error_responses(401, 403, 404, 422)},
    summary="A space's participation over a period",
    description=(
        "Animators and staff get every measure; the space's readers get the summary when its "
        "animators published it. `measures` is null while a large space's figures are being "
        "computed by the worker: ask again in a few minutes. Period: `days` (30, 90 or 365) or "
        "`start` and `end` (both included); the last 30 days by default."
    ),
)
def space_insights(request: ApiRequest, slug: str, query: Query[PeriodQuery]) -> dict[str, Any]:
    return _measures(request.auth, access_space(slug), query)


@router.get(
    "/insights",
    response={200: MeasuresOut, **error_responses(401, 404, 422)},
    summary="The whole platform's participation (staff)",
)
def platform_insights(
    request: AuthenticatedApiRequest, query: Query[PeriodQuery]
) -> dict[str, Any]:
    return _measures(request.auth, None, query)


@router.get(
    "/spaces/{slug}/insights/export.csv",
    response={200: None, **error_responses(401, 403, 404, 422)},
    summary="The anonymised CSV of a space's participation (animators and staff)",
    description="One row per person, under a pseudonym stable for the space; see docs/insights.md.",
)
def space_insights_export(
    request: AuthenticatedApiRequest, slug: str, query: Query[PeriodQuery]
) -> StreamingHttpResponse:
    space = access_space(slug)
    if not can_export_insights(request.auth, space):
        raise PermissionDenied(_("Only the space's animators may export its participation."))
    period = _period(query)
    audit_record(
        actor=request.auth,
        action=AuditAction.INSIGHTS_EXPORT,
        target=space,
        summary=f"{period.start}..{period.end}",
    )
    response = StreamingHttpResponse(
        csv_lines(export_rows(space, *period.bounds)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="participation-{space.slug}.csv"'
    response["Cache-Control"] = "no-store"
    return response
