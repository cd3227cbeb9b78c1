"""Reads of moderation: the queue of a moderator, the appeals they may
decide, the public log and its counts. Each costs a fixed number of queries,
whatever the number of items."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min, Q, QuerySet

from membrane.moderation.kinds import KINDS
from membrane.moderation.models import Action, Appeal, Decision, ModerationState, Report
from membrane.moderation.permissions import moderated_spaces_q


def visible_q(user: Any = None, *, author_field: str = "author") -> Q:
    """A filter on moderated content: what is visible to everyone, plus, for
    a signed-in person, their own held or hidden content (shown to them with
    the reason)."""
    visible = Q(moderation_state=ModerationState.VISIBLE)
    if user is not None and user.is_authenticated:
        return visible | Q(**{f"{author_field}_id": user.pk})
    return visible


@dataclass
class QueueItem:
    content_type_id: int
    object_id: int
    kind: str
    space_id: int | None
    report_count: int
    first_reported_at: Any
    content: Any = None
    reports: list[Report] = field(default_factory=list)

    @property
    def label(self) -> Any:
        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def url(self) -> str:
        kind = KINDS.get(self.kind)
        return kind.url_of(self.content) if kind and self.content is not None else ""

    @property
    def excerpt(self) -> str:
        kind = KINDS.get(self.kind)
        return kind.excerpt_of(self.content) if kind and self.content is not None else ""


def open_reports(user: Any) -> QuerySet[Report]:
    return Report.objects.filter(status=Report.Status.OPEN).filter(moderated_spaces_q(user))


def queue(user: Any, *, space: Any = None, limit: int = 50) -> list[QueueItem]:
    """Contents with open reports that the person moderates, the most
    reported first, then the oldest."""
    reports = open_reports(user)
    if space is not None:
        reports = reports.filter(space=space)
    rows = (
        reports.values("content_type_id", "object_id", "kind", "space_id")
        .annotate(report_count=Count("pk"), first_reported_at=Min("created_at"))
        .order_by("-report_count", "first_reported_at", "object_id")[:limit]
    )
    items = [QueueItem(**row) for row in rows]
    _attach_contents(items)
    _attach_reports(items, reports)
    return items


def _attach_contents(items: list[QueueItem]) -> None:
    """One query per kind of content present, not per item."""
    wanted: dict[int, list[int]] = defaultdict(list)
    for item in items:
        wanted[item.content_type_id].append(item.object_id)
    found: dict[tuple[int, int], Any] = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        contents: QuerySet[Any] = model._default_manager.filter(pk__in=ids)
        if model.__name__ == "Post":
            contents = contents.select_related("thread__space", "author")
        elif model.__name__ == "Thread":
            contents = contents.select_related("space", "author")
        for content in contents:
            found[(content_type_id, content.pk)] = content
    for item in items:
        item.content = found.get((item.content_type_id, item.object_id))


def _attach_reports(items: list[QueueItem], reports: QuerySet[Report]) -> None:
    if not items:
        return
    keys = Q()
    for item in items:
        keys |= Q(content_type_id=item.content_type_id, object_id=item.object_id)
    by_content: dict[tuple[int, int], list[Report]] = defaultdict(list)
    for report in reports.filter(keys).select_related("reporter").order_by("created_at"):
        by_content[(report.content_type_id, report.object_id)].append(report)
    for item in items:
        item.reports = by_content[(item.content_type_id, item.object_id)]


def open_report_count(user: Any) -> int:
    return open_reports(user).values("content_type_id", "object_id").distinct().count()


def appeals_to_decide(user: Any) -> list[Appeal]:
    """Pending appeals the person may decide: `can_decide_appeal` as one
    query (the spaces they moderate; never their own decision nor their own
    appeal; bans for staff alone), not one check per appeal."""
    if not user.is_authenticated:
        return []
    appeals = (
        Appeal.objects.filter(status=Appeal.Status.PENDING)
        .filter(moderated_spaces_q(user, prefix="decision__space"))
        .exclude(decision__moderator=user)
        .exclude(author=user)
    )
    if not user.is_staff:
        appeals = appeals.exclude(decision__action=Action.BAN)
    return list(
        appeals.select_related("decision__space", "decision__moderator", "author").order_by(
            "created_at"
        )
    )


def public_log(
    *, space: Any = None, article: int | None = None, action: str = "", kind: str = ""
) -> QuerySet[Decision]:
    """Every decision, newest first, with its appeal: never the reporters,
    never the content."""
    decisions = Decision.objects.select_related("space", "appeal").order_by("-created_at", "-pk")
    if space is not None:
        decisions = decisions.filter(space=space)
    if article is not None:
        decisions = decisions.filter(article=article)
    if action:
        decisions = decisions.filter(action=action)
    if kind:
        decisions = decisions.filter(kind=kind)
    return decisions


def log_counts(decisions: QuerySet[Decision]) -> dict[str, list[dict[str, Any]]]:
    """How many decisions per space and per article, for the filters."""
    per_space = [
        dict(row)
        for row in decisions.order_by()
        .values("space_id", "space__name", "space__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "space__name")
    ]
    per_article = [
        dict(row)
        for row in decisions.exclude(article=None)
        .order_by()
        .values("article")
        .annotate(count=Count("pk"))
        .order_by("article")
    ]
    return {"spaces": per_space, "articles": per_article}


def decision_for_content(content: Any) -> Decision | None:
    """The latest decision that hid a content: what its author may appeal."""
    return (
        Decision.objects.filter(
            content_type=ContentType.objects.get_for_model(content), object_id=content.pk
        )
        .select_related("appeal")
        .order_by("-created_at", "-pk")
        .first()
    )
