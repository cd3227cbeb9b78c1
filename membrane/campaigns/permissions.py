"""Who may see, run and report on campaigns.

- A national campaign (in the national space) is seen by every signed-in
  person; a federation's campaign by the people of the federation's tree:
  the people of its sections, its animators and the national ones, staff.
  Nothing of a campaign is public to anonymous visitors.
- Who creates and edits a campaign, and its kit: the animators of its space
  (for the national space: national animators and staff; for a federation:
  its animators, the national ones and staff).
- Who reports a field action: a signed-in person who sees the campaign and,
  for a federation's campaign, belongs to one of its sections; from the
  first day of the campaign to `REPORT_GRACE_DAYS` after its last.
- Who deletes a report: its author within `DELETE_WINDOW`, and the
  campaign's editors at any time (to remove an absurd or mistaken report).
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from membrane.campaigns.models import Campaign, FieldReport
from membrane.spaces.models import Space
from membrane.spaces.permissions import can_manage_space, space_role
from membrane.territory.models import Unit
from membrane.territory.permissions import animated_unit_ids

# Reports are taken this many days after the campaign's last day, for the
# actions of its last days.
REPORT_GRACE_DAYS = 7
DELETE_WINDOW = timedelta(hours=24)
CAMPAIGN_SPACE_KINDS = (Space.Kind.NATIONAL, Space.Kind.FEDERATION)


def _is_active_person(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.erased_at is None)


def can_create_campaign(user: Any, space: Space) -> bool:
    return (
        _is_active_person(user)
        and space.kind in CAMPAIGN_SPACE_KINDS
        and can_manage_space(user, space)
    )


def can_edit_campaign(user: Any, campaign: Campaign) -> bool:
    return can_create_campaign(user, campaign.space)


def can_view_campaign(user: Any, campaign: Campaign) -> bool:
    return _is_active_person(user) and space_role(user, campaign.space) is not None


def visible_campaigns_filter(user: Any) -> Q:
    """The campaigns the person sees, as a filter: the same rule as
    `can_view_campaign`, in one query for a list."""
    if not _is_active_person(user):
        return Q(pk__in=[])
    national = Q(space__kind=Space.Kind.NATIONAL)
    if user.is_staff:
        return national | Q(space__kind=Space.Kind.FEDERATION)
    animated = animated_unit_ids(user)
    if Unit.objects.filter(pk__in=animated, kind=Unit.Kind.NATIONAL).exists():
        return national | Q(space__kind=Space.Kind.FEDERATION)
    federations = set(animated)
    if user.section_id is not None:
        federations.add(user.section.parent_id)
    return national | Q(space__kind=Space.Kind.FEDERATION, space__unit_id__in=federations)


def report_refusal(user: Any, campaign: Campaign, *, today: date | None = None) -> str | None:
    """Why the person may not report a field action now (a reason code), or None."""
    if not _is_active_person(user):
        return "signed_out"
    if not can_view_campaign(user, campaign):
        return "outsider"
    today = today or timezone.localdate()
    if today < campaign.starts_on:
        return "not_started"
    if today > campaign.ends_on + timedelta(days=REPORT_GRACE_DAYS):
        return "ended"
    if campaign.space.kind == Space.Kind.FEDERATION and not _in_federation(user, campaign):
        return "not_in_federation"
    return None


def _in_federation(user: Any, campaign: Campaign) -> bool:
    return bool(user.section_id is not None and user.section.parent_id == campaign.space.unit_id)


def refusal_message(code: str) -> str:
    """The words for a reason code of `report_refusal`."""
    return {
        "signed_out": _("Log in to report a field action."),
        "outsider": _("This campaign is not one of yours."),
        "not_started": _("This campaign has not started yet: come back on its first day."),
        "ended": _("This campaign is over: it takes no more reports."),
        "not_in_federation": _(
            "Only the people of this federation's sections may report for its campaign: "
            "choose your section in your profile first."
        ),
    }.get(code, _("You cannot report a field action for this campaign."))


def can_report(user: Any, campaign: Campaign) -> bool:
    return report_refusal(user, campaign) is None


def can_delete_report(user: Any, report: FieldReport, *, now: datetime | None = None) -> bool:
    if not _is_active_person(user):
        return False
    if can_edit_campaign(user, report.campaign):
        return True
    now = now or timezone.now()
    return report.user_id == user.pk and now - report.created_at <= DELETE_WINDOW


# Access: fetch and check


def access_campaign(user: Any, slug: str) -> Campaign:
    """The campaign at this address if the person may see it, else 404 (its
    existence is not revealed)."""
    campaign = (
        Campaign.objects.select_related("space__unit__parent").filter(slug=slug[:180]).first()
    )
    if campaign is None or not can_view_campaign(user, campaign):
        raise Http404("No such campaign.")
    return campaign


def access_report(user: Any, report_id: int) -> FieldReport:
    """A report the person may see (their own, or any of a campaign they
    edit), else 404."""
    report = (
        FieldReport.objects.select_related("campaign__space__unit__parent", "section")
        .filter(pk=report_id)
        .first()
    )
    if report is None or not _is_active_person(user):
        raise Http404("No such report.")
    if report.user_id != user.pk and not can_edit_campaign(user, report.campaign):
        raise Http404("No such report.")
    return report
