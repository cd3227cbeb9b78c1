"""Participation pages: the full insights of a space for its animators and
staff (figures, weekly charts with their tables, nudges, the export), a
published summary for the space's readers, the platform's figures for staff."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from membrane.core.http import AuthenticatedHttpRequest
from membrane.insights.charts import CHARTS, weekly_chart_svg
from membrane.insights.export import csv_lines, export_rows
from membrane.insights.forms import PeriodForm
from membrane.insights.permissions import (
    FULL,
    SUMMARY,
    can_export_insights,
    can_nudge,
    can_publish_insights,
    insights_access,
    is_published,
)
from membrane.insights.selectors import recent_silent_members
from membrane.insights.services import measures_for, nudge_send, publication_set
from membrane.security.models import AuditAction
from membrane.security.services import audit_record
from membrane.spaces.models import Space
from membrane.spaces.permissions import access_space

SILENT_LISTED = 50


def _space_or_platform(slug: str | None) -> Space | None:
    return access_space(slug) if slug is not None else None


def insights_page(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    space = _space_or_platform(slug)
    access = insights_access(request.user, space)
    if access is None:
        if space is None:
            raise Http404("No such page.")
        raise PermissionDenied(_("Only the space's animators see its participation in detail."))
    full = access == FULL
    published = access == SUMMARY or (space is not None and is_published(space))
    form = PeriodForm(request.GET)
    if not form.is_valid():
        refused: dict[str, Any] = {"space": space, "form": form, "full": full}
        return render(request, "insights/page.html", refused, status=400)
    period = form.period()
    snapshot = measures_for(space=space, period=period)
    context: dict[str, Any] = {
        "space": space,
        "form": form,
        "period": period,
        "snapshot": snapshot,
        "data": snapshot.data if snapshot else None,
        "full": full,
        "published": published,
        "query": request.GET.urlencode(),
        "charts": [(kind, label()) for kind, label in CHARTS.items()],
    }
    if full and space is not None and can_nudge(request.user, space):
        context["silent"] = list(recent_silent_members(space, end=timezone.now())[:SILENT_LISTED])
        context["can_publish"] = can_publish_insights(request.user, space)
    return render(request, "insights/page.html", context)


# The SVG carries pygal's own <style> and no script: opened on its own, it
# may use its inline styles and nothing else.
CHART_CSP = {"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE]}


@csp_override(CHART_CSP)
def insights_chart(request: HttpRequest, kind: str, slug: str | None = None) -> HttpResponse:
    space = _space_or_platform(slug)
    if insights_access(request.user, space) is None or kind not in CHARTS:
        raise Http404("No such chart.")
    form = PeriodForm(request.GET)
    snapshot = measures_for(space=space, period=form.period()) if form.is_valid() else None
    if snapshot is None:
        raise Http404("No figures yet.")
    response = HttpResponse(
        weekly_chart_svg(snapshot.data["weekly"], kind), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def insights_export(
    request: AuthenticatedHttpRequest, slug: str | None = None
) -> HttpResponse | StreamingHttpResponse:
    space = _space_or_platform(slug)
    if not can_export_insights(request.user, space):
        raise PermissionDenied(_("Only the space's animators may export its participation."))
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            " ".join(str(m) for errors in form.errors.values() for m in errors),
            status=400,
            content_type="text/plain",
        )
    period = form.period()
    audit_record(
        actor=request.user,
        action=AuditAction.INSIGHTS_EXPORT,
        target=space,
        summary=f"{period.start}..{period.end}",
    )
    name = f"participation-{space.slug if space else 'plateforme'}-{period.start}-{period.end}.csv"
    response = StreamingHttpResponse(
        csv_lines(export_rows(space, *period.bounds)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def insights_nudge(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    space = access_space(slug)
    if not can_nudge(request.user, space):
        raise PermissionDenied(_("Only the space's animators may invite its members to take part."))
    ids = [int(value) for value in request.POST.getlist("person") if value.isdigit()]
    if not ids:
        messages.error(request, _("Choose at least one person to invite."))
        return redirect("insights:space", slug)
    sent = nudge_send(space=space, by=request.user, user_ids=ids)
    if sent:
        messages.success(
            request,
            _("Invitation sent.") if sent == 1 else _("%(n)d invitations sent.") % {"n": sent},
        )
    else:
        messages.info(
            request,
            _("Nobody to invite: they were invited less than a month ago, or have written since."),
        )
    return redirect("insights:space", slug)


@login_required
@require_POST
def insights_publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    space = access_space(slug)
    if not can_publish_insights(request.user, space):
        raise PermissionDenied(_("Only the space's animators may publish its summary."))
    published = request.POST.get("published") == "1"
    publication_set(space=space, by=request.user, published=published)
    messages.success(
        request,
        _("The summary is now public to the space's readers.")
        if published
        else _("The summary is no longer published."),
    )
    return redirect("insights:space", slug)
