"""Pages of campaigns: the list (running, to come, over), a campaign with
its goals and progress, kit, events, rankings, the report form and the
person's reports; creating and editing a campaign and its kit.

Campaigns are for signed-in people (see permissions.py). Refused actions say
why with a 4xx status and keep what was typed."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from membrane.campaigns.forms import CampaignForm, KitDocumentForm, ReportForm, goal_field_name
from membrane.campaigns.models import ActionKind, Campaign, KitDocument
from membrane.campaigns.permissions import (
    access_campaign,
    access_report,
    can_delete_report,
    can_edit_campaign,
    refusal_message,
    report_refusal,
)
from membrane.campaigns.selectors import (
    MY_REPORTS_SHOWN,
    federation_ranking,
    goals_progress,
    my_reports,
    section_ranking,
    split_by_period,
    totals,
    upcoming_events,
    visible_campaigns,
)
from membrane.campaigns.services import (
    CampaignError,
    allowed_sections,
    campaign_create,
    campaign_update,
    default_done_on,
    kit_document_add,
    kit_document_remove,
    report_create,
    report_delete,
)
from membrane.core.http import AuthenticatedHttpRequest
from membrane.moderation.pages import refused
from membrane.spaces.models import Space
from membrane.spaces.services import territorial_space_ensure
from membrane.territory.models import Unit
from membrane.territory.permissions import animated_unit_ids, can_animate


def creatable_units(user: Any) -> list[Unit]:
    """The national level and the federations where the person may start a
    campaign: those they animate (rights flowing down), all for staff."""
    if not user.is_authenticated or user.erased_at is not None or not user.is_active:
        return []
    if not (user.is_staff or animated_unit_ids(user)):
        return []
    units = Unit.objects.filter(kind__in=[Unit.Kind.NATIONAL, Unit.Kind.FEDERATION])
    ordered = units.select_related("parent").order_by("kind", "code", "name")
    return [unit for unit in ordered if can_animate(user, unit)]


@login_required
@require_GET
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = split_by_period(visible_campaigns(request.user))
    context = {
        **campaigns,
        "can_create": bool(creatable_units(request.user)),
    }
    return render(request, "campaigns/campaign_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = creatable_units(request.user)
    if not units:
        raise PermissionDenied(
            _("Only the animators of the national level or of a federation start campaigns.")
        )
    form = CampaignForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        campaign = campaign_create(
            by=request.user,
            space=territorial_space_ensure(form.cleaned_data["unit"]),
            goals=form.goals(),
            **form.campaign_fields(),
        )
        messages.success(request, _("The campaign is created: add its kit of documents."))
        return redirect("campaigns:edit", campaign.slug)
    status = 400 if form.errors else 200
    return render(request, "campaigns/campaign_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    if not can_edit_campaign(request.user, campaign):
        raise PermissionDenied(_("Only the animators of the campaign's space can edit it."))
    initial = {
        "title": campaign.title,
        "description": campaign.description,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        **{goal_field_name(goal.kind): goal.target for goal in campaign.goals.all()},
    }
    form = CampaignForm(request.POST or None, initial=initial, units=[], editing=True)
    if request.method == "POST" and form.is_valid():
        campaign_update(campaign=campaign, goals=form.goals(), **form.campaign_fields())
        messages.success(request, _("The campaign is saved."))
        return redirect("campaigns:campaign", campaign.slug)
    return _edit_page(request, campaign, form=form, kit_form=KitDocumentForm())


def _edit_page(
    request: AuthenticatedHttpRequest,
    campaign: Campaign,
    *,
    form: CampaignForm,
    kit_form: KitDocumentForm,
) -> HttpResponse:
    context = {
        "campaign": campaign,
        "form": form,
        "kit_form": kit_form,
        "kit": list(campaign.kit.all()),
    }
    status = 400 if form.errors or kit_form.errors else 200
    return render(request, "campaigns/campaign_form.html", context, status=status)


@login_required
@require_POST
def kit_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    if not can_edit_campaign(request.user, campaign):
        raise PermissionDenied(_("Only the animators of the campaign's space can edit its kit."))
    kit_form = KitDocumentForm(request.POST, request.FILES)
    if kit_form.is_valid():
        kit_document_add(campaign=campaign, **kit_form.cleaned_data)
        messages.success(request, _("The document is added to the kit."))
        return redirect("campaigns:edit", campaign.slug)
    form = CampaignForm(
        initial={
            "title": campaign.title,
            "description": campaign.description,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
        },
        units=[],
        editing=True,
    )
    return _edit_page(request, campaign, form=form, kit_form=kit_form)


@login_required
@require_POST
def kit_remove(request: AuthenticatedHttpRequest, slug: str, document_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    if not can_edit_campaign(request.user, campaign):
        raise PermissionDenied(_("Only the animators of the campaign's space can edit its kit."))
    document = get_object_or_404(KitDocument, pk=document_id, campaign=campaign)
    kit_document_remove(document=document)
    messages.success(request, _("The document is removed from the kit."))
    return redirect("campaigns:edit", campaign.slug)


@login_required
@require_GET
def kit_file(request: AuthenticatedHttpRequest, slug: str, document_id: int) -> FileResponse:
    campaign = access_campaign(request.user, slug)
    document = get_object_or_404(KitDocument, pk=document_id, campaign=campaign)
    if not document.file:
        raise Http404("No file.")
    # Only PDFs and raster images are accepted (forms.check_kit_file checks
    # their first bytes), so the type guessed from the name is safe to show.
    name = (document.file.name or "document").rsplit("/", 1)[-1]
    response = FileResponse(document.file.open("rb"), filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# A campaign


@login_required
@require_GET
def campaign_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    return _campaign_page(request, campaign)


def _ranking_kind(request: AuthenticatedHttpRequest) -> str:
    kind = request.GET.get("kind", "")[:30]
    return kind if kind in ActionKind.values else ""


def _campaign_page(
    request: AuthenticatedHttpRequest,
    campaign: Campaign,
    *,
    form: ReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    refusal = report_refusal(user, campaign, today=today)
    if form is None and refusal is None:
        form = ReportForm(
            campaign=campaign,
            sections=allowed_sections(user, campaign),
            today=today,
            initial={"done_on": default_done_on(campaign, today=today)},
        )
    counted = totals(campaign)
    by_kind = {row["kind"]: row["total"] for row in counted}
    kind = _ranking_kind(request)
    now = timezone.now()
    mine = list(my_reports(user, campaign)[:MY_REPORTS_SHOWN])
    for report in mine:
        report.campaign = campaign  # the rights below cost no query per report
        report.can_delete = can_delete_report(user, report, now=now)  # type: ignore[attr-defined]
    context = {
        "campaign": campaign,
        "space": campaign.space,
        "today": today,
        "totals": counted,
        "goals": goals_progress(campaign.goals.all(), by_kind),
        "kit": list(campaign.kit.all()),
        "events": upcoming_events(campaign),
        "ranking_kind": kind,
        "ranking_kind_label": ActionKind(kind).label if kind else "",
        "kinds": ActionKind.choices,
        "sections": section_ranking(campaign, kind=kind or None),
        "federations": federation_ranking(campaign, kind=kind or None)
        if campaign.space.kind == Space.Kind.NATIONAL
        else [],
        "form": form if refusal is None else None,
        "refusal": refusal_message(refusal) if refusal and refusal != "signed_out" else None,
        "my_reports": mine,
        "can_edit": can_edit_campaign(user, campaign),
    }
    return render(request, "campaigns/campaign_detail.html", context, status=status)


@login_required
@require_POST
def report_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    back = reverse("campaigns:campaign", args=[slug])
    refusal = report_refusal(request.user, campaign)
    if refusal is not None:
        return refused(
            request,
            message=refusal_message(refusal),
            field="count",
            back=back,
            back_label=_("Back to the campaign"),
        )
    today = timezone.localdate()
    form = ReportForm(
        request.POST,
        campaign=campaign,
        sections=allowed_sections(request.user, campaign),
        today=today,
    )
    if not form.is_valid():
        return _campaign_page(request, campaign, form=form, status=400)
    try:
        report_create(user=request.user, campaign=campaign, **form.cleaned_data)
    except CampaignError as error:
        form.add_error(error.field or None, error.message)
        return _campaign_page(request, campaign, form=form, status=error.status)
    messages.success(request, _("Thank you: your action is counted."))
    return redirect(f"{back}#my-reports")


@login_required
@require_POST
def report_remove(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = access_report(request.user, report_id)
    back = reverse("campaigns:campaign", args=[report.campaign.slug])
    if not can_delete_report(request.user, report):
        return refused(
            request,
            message=_("A report can be deleted within 24 hours of sending it, not after."),
            back=back,
            back_label=_("Back to the campaign"),
        )
    report_delete(report=report)
    messages.success(request, _("Your report is deleted."))
    return redirect(f"{back}#my-reports")
