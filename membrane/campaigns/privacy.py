"""A person's field reports and the campaigns they created in their export;
on deletion their reports stay in the counts, unsigned, or go, and the
campaigns they created stay, unsigned."""

from typing import Any

from membrane.campaigns.models import Campaign, FieldReport


def export_personal_data(user: Any) -> dict[str, Any]:
    reports = FieldReport.objects.filter(user=user).select_related("campaign", "section")
    return {
        "field_reports": [
            {
                "campaign": r.campaign_id,
                "campaign_title": r.campaign.title,
                "kind": r.kind,
                "count": r.count,
                "done_on": r.done_on.isoformat(),
                "section": r.section.name if r.section else None,
                "reported_at": r.created_at.isoformat(),
            }
            for r in reports.order_by("done_on", "pk")
        ],
        "campaigns_created": [
            {"id": c.pk, "title": c.title, "created_at": c.created_at.isoformat()}
            for c in Campaign.objects.filter(created_by=user).order_by("pk")
        ],
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    reports = FieldReport.objects.filter(user=user)
    if keep_contributions:
        reports.update(user=None)
    else:
        reports.delete()
    Campaign.objects.filter(created_by=user).update(created_by=None)
