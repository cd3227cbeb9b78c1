"""Writes on campaigns: creating and editing one with its goals, its kit,
and the field reports people send. Callers check the person's rights first
(permissions.py); these functions keep the data consistent and refuse, with
a message for people, what no right can make valid (a count out of bounds,
a date outside the campaign)."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from membrane.campaigns.models import (
    ActionKind,
    Campaign,
    FieldReport,
    Goal,
    KitDocument,
)
from membrane.core.markdown import render_markdown
from membrane.engagement.services import award
from membrane.spaces.models import Space
from membrane.territory.models import Unit

# The most one report may count, per kind of action: beyond, it is a typo or
# several outings that should be reported one by one.
MAX_PER_REPORT: dict[str, int] = {
    ActionKind.DOOR_TO_DOOR: 2_000,
    ActionKind.LEAFLETING: 20_000,
    ActionKind.PHONING: 1_000,
    ActionKind.PUBLIC_MEETING: 5_000,
    ActionKind.SIGNATURES: 10_000,
}
MAX_GOAL = 100_000_000
# The longest campaign: a year and a bit (a petition over a parliamentary year).
MAX_DURATION_DAYS = 400


class CampaignError(Exception):
    """A refused write, with a message for people, the field it concerns
    (for forms and the API) and an HTTP status (400 or 409)."""

    def __init__(self, message: str, *, field: str = "", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def bound_message(kind: str) -> str:
    """Why a count is too high for this kind of action."""
    return _(
        "At most %(limit)s for one report of %(kind)s: for more, report each outing "
        "or each day on its own."
    ) % {"limit": f"{MAX_PER_REPORT[kind]:,}".replace(",", " "), "kind": ActionKind(kind).label}


def check_count(kind: str, count: int) -> None:
    if kind not in MAX_PER_REPORT:
        raise CampaignError(_("Choose a kind of action from the list."), field="kind")
    if count < 1:
        raise CampaignError(_("Report at least one (a count of 1 or more)."), field="count")
    if count > MAX_PER_REPORT[kind]:
        raise CampaignError(bound_message(kind), field="count")


def check_done_on(campaign: Campaign, done_on: date, *, today: date) -> None:
    if done_on > today:
        raise CampaignError(
            _("This date is in the future: report actions once done."), field="done_on"
        )
    if done_on < campaign.starts_on or done_on > campaign.ends_on:
        raise CampaignError(
            _("The action must be done during the campaign, from %(start)s to %(end)s.")
            % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()},
            field="done_on",
        )


def check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise CampaignError(_("The campaign must end on or after its first day."), field="ends_on")
    if (ends_on - starts_on).days > MAX_DURATION_DAYS:
        raise CampaignError(
            _("A campaign lasts at most %(days)d days.") % {"days": MAX_DURATION_DAYS},
            field="ends_on",
        )


def check_goals(goals: Mapping[str, int | None]) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for kind, target in goals.items():
        if kind not in MAX_PER_REPORT:
            raise CampaignError(
                _("Unknown kind of action: %(kind)s.") % {"kind": kind}, field="goals"
            )
        if target is None or target == 0:
            continue
        if target < 0 or target > MAX_GOAL:
            raise CampaignError(
                _("A goal is a number from 1 to %(max)s.") % {"max": f"{MAX_GOAL:,}"}, field="goals"
            )
        cleaned[kind] = target
    return cleaned


# Addresses of pages under /campagnes/ that no campaign may take.
RESERVED_SLUGS = {"nouvelle", "actions"}


def _free_slug(title: str) -> str:
    base = slugify(title)[:160] or "campagne"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Campaign.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def campaign_create(
    *,
    by: Any,
    space: Space,
    title: str,
    description: str,
    starts_on: date,
    ends_on: date,
    goals: Mapping[str, int | None] | None = None,
) -> Campaign:
    """A campaign of the national space or of a federation's space, with a
    goal per kind of action given (zero or None: no goal)."""
    if space.kind not in (Space.Kind.NATIONAL, Space.Kind.FEDERATION):
        raise CampaignError(_("A campaign belongs to the national space or a federation's."))
    check_period(starts_on, ends_on)
    cleaned_goals = check_goals(goals or {})
    campaign = Campaign.objects.create(
        space=space,
        title=title.strip(),
        slug=_free_slug(title),
        description=description,
        description_html=render_markdown(description),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by if getattr(by, "pk", None) else None,
    )
    Goal.objects.bulk_create(
        Goal(campaign=campaign, kind=kind, target=target) for kind, target in cleaned_goals.items()
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    title: str,
    description: str,
    starts_on: date,
    ends_on: date,
    goals: Mapping[str, int | None],
) -> Campaign:
    """Change the campaign and its goals (its address stays: links shared
    keep working). Reports already sent stay, even outside a shortened period."""
    check_period(starts_on, ends_on)
    cleaned_goals = check_goals(goals)
    campaign.title = title.strip()
    campaign.description = description
    campaign.description_html = render_markdown(description)
    campaign.starts_on, campaign.ends_on = starts_on, ends_on
    campaign.save()
    campaign.goals.exclude(kind__in=cleaned_goals).delete()
    for kind, target in cleaned_goals.items():
        Goal.objects.update_or_create(campaign=campaign, kind=kind, defaults={"target": target})
    return campaign


def kit_document_add(
    *, campaign: Campaign, title: str, url: str = "", file: UploadedFile | None = None
) -> KitDocument:
    if bool(url) == bool(file):
        raise CampaignError(_("Give either a link or a file, not both and not none."), field="url")
    document = KitDocument(campaign=campaign, title=title.strip(), url=url)
    if file is not None:
        document.file.save(file.name or "document", file, save=False)
    document.save()
    return document


def kit_document_remove(*, document: KitDocument) -> None:
    if document.file:
        document.file.delete(save=False)
    document.delete()


def allowed_sections(user: Any, campaign: Campaign) -> list[Unit]:
    """The sections a person may report for: their own, and those they
    animate directly, within the campaign's territory. Their own first."""
    from membrane.territory.models import Animator

    units: list[Unit] = []
    if user.section_id is not None:
        units.append(user.section)
    animated = Unit.objects.filter(
        kind=Unit.Kind.SECTION,
        pk__in=Animator.objects.filter(user=user).values("unit_id"),
    ).exclude(pk=user.section_id or 0)
    if campaign.space.kind == Space.Kind.FEDERATION:
        animated = animated.filter(parent_id=campaign.space.unit_id)
        units = [u for u in units if u.parent_id == campaign.space.unit_id]
    return units + list(animated.order_by("name", "pk"))


@transaction.atomic
def report_create(
    *,
    user: Any,
    campaign: Campaign,
    kind: str,
    count: int,
    done_on: date,
    section: Unit | None = None,
    now: datetime | None = None,
) -> FieldReport:
    """A field action reported by `user` (always the person who reports:
    nobody reports for someone else), counted for `section` — by default
    their own section. Awards the field-action points."""
    now = now or timezone.now()
    check_count(kind, count)
    check_done_on(campaign, done_on, today=timezone.localdate(now))
    sections = allowed_sections(user, campaign)
    if section is None:
        section = sections[0] if sections and sections[0].pk == user.section_id else None
    elif section.pk not in {unit.pk for unit in sections}:
        raise CampaignError(
            _("You can only report for your own section or a section you animate."),
            field="section",
        )
    report = FieldReport.objects.create(
        campaign=campaign, user=user, section=section, kind=kind, count=count, done_on=done_on
    )
    award(user, "field_action", f"report:{report.pk}", at=now)
    return report


@transaction.atomic
def report_delete(*, report: FieldReport) -> None:
    """Withdraw a report, and the points it earned its author (otherwise
    reporting and deleting again and again would earn points)."""
    from membrane.engagement.models import PointAward

    if report.user_id is not None:
        PointAward.objects.filter(
            user_id=report.user_id, rule="field_action", key=f"report:{report.pk}"
        ).delete()
    report.delete()


def backdate_report(report: FieldReport, at: datetime) -> None:
    """For the demo: a report sent in the past."""
    FieldReport.objects.filter(pk=report.pk).update(created_at=at)
    report.created_at = at


def default_done_on(campaign: Campaign, *, today: date | None = None) -> date:
    """Today, or the campaign's last day once it is over."""
    today = today or timezone.localdate()
    return min(max(today, campaign.starts_on), campaign.ends_on)
