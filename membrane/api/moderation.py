"""Moderation in the API: reports, the queue, decisions, appeals, the public
log and space policies — same permissions and services as the pages
(moderation/permissions.py, services.py, selectors.py).

What the caller may not see answers 404 (an unknown kind, a forged id, a
content hidden from them); what they see but may not do answers 403. The
public log and a decision's page never name the reporters, the author nor
the moderator, never show the content nor its id (a profile's id would name
its author)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, field_validator

from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    ApiRequest,
    AuthenticatedApiRequest,
    PageFilters,
    PersonRef,
    SpaceRef,
    error_responses,
    keyset_page_by,
    optional_auth,
    person_ref,
    reject_null,
    space_ref,
)
from membrane.moderation.kinds import KINDS, ContentKind, find_content, kind_of
from membrane.moderation.models import (
    APPEAL_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Action,
    Appeal,
    Decision,
    ModerationState,
    Report,
    SpacePolicy,
)
from membrane.moderation.permissions import (
    can_appeal,
    can_decide_appeal,
    can_moderate,
    can_moderate_in,
    can_report,
    can_take,
    is_moderator_somewhere,
)
from membrane.moderation.selectors import appeals_to_decide, log_counts, public_log, queue
from membrane.moderation.services import (
    ModerationError,
    appeal_create,
    appeal_decide,
    decide,
    policy_of,
    policy_update,
    report_create,
)
from membrane.spaces.models import Space
from membrane.spaces.permissions import access_space

router = Router(tags=["moderation"])

# The largest id a database integer holds: beyond, nothing can match.
MAX_ID = 2**63 - 1
KIND_MAX_LENGTH = 20
QUEUE_SIZE = 50

# -- Schemas ----------------------------------------------------------------


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: str = Field(
        max_length=KIND_MAX_LENGTH,
        description="The kind of content: thread, post, profile, group (and later kinds).",
    )
    object_id: int = Field(le=MAX_ID, description="The id of the content.")
    article: int = Field(description="The number of the charter article concerned.")
    comment: str = Field("", max_length=COMMENT_MAX_LENGTH)


class ReportOut(Schema):
    id: int
    kind: str
    object_id: int
    article: int | None
    comment: str
    status: Report.Status
    created_at: datetime
    decision_id: int | None = Field(description="The decision that closed it, once closed.")
    action: Action | None = Field(description="What was decided, once closed.")


class ReportPage(Schema):
    items: list[ReportOut]
    next: str | None


class QueueReportOut(Schema):
    article: int | None
    comment: str
    source: Report.Source = Field(
        description="A person, or the guard of the space's policy that held the content."
    )
    created_at: datetime
    reporter: PersonRef | None = Field(description="Null for a guard's report.")


class QueueItemOut(Schema):
    kind: str
    kind_label: str
    object_id: int
    space: SpaceRef | None = Field(description="Null for what staff moderate: profiles, groups.")
    state: ModerationState | None = Field(description="Null if the content is gone.")
    report_count: int
    first_reported_at: datetime
    excerpt: str
    url: str | None
    reports: list[QueueReportOut]


class QueueFilters(Schema):
    space: str | None = Field(None, max_length=100, description="The slug of one space.")
    limit: int = Field(QUEUE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class AppealOutcomeOut(Schema):
    status: Appeal.Status
    answer: str
    decided_at: datetime | None


class DecisionOut(Schema):
    """A public decision: never who reported, who wrote, who decided, nor
    the content."""

    id: int
    created_at: datetime
    space: SpaceRef | None
    kind: str
    kind_label: str
    article: int | None
    action: Action
    action_label: str
    reason: str
    until: datetime | None = Field(description="The end of a mute.")
    revisits: int | None = Field(description="The decision this one revisits on appeal.")
    appeal: AppealOutcomeOut | None


class DecisionDetailOut(DecisionOut):
    can_appeal: bool = Field(description="Whether the caller may appeal it (its author).")


class DecisionPage(Schema):
    items: list[DecisionOut]
    next: str | None


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: str = Field(max_length=KIND_MAX_LENGTH)
    object_id: int = Field(le=MAX_ID)
    action: Action = Field(description="Ban is for staff alone; mute needs a space.")
    article: int | None = Field(
        None, description="The charter article: required to hide, warn, mute or ban."
    )
    reason: str = Field(max_length=REASON_MAX_LENGTH, description="Public, shown in the log.")
    mute_days: int | None = Field(None, description="For a mute: from 1 to 365 days.")


class LogFilters(Schema):
    space: str | None = Field(None, max_length=100, description="The slug of one space.")
    article: int | None = Field(None, ge=0, le=32767)
    action: Action | None = None
    kind: str = Field("", max_length=KIND_MAX_LENGTH)


class LogPageFilters(LogFilters):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, description="The `next` value of the previous page.")


class SpaceCountOut(Schema):
    slug: str | None = Field(description="Null for decisions outside any space.")
    name: str | None
    count: int


class ArticleCountOut(Schema):
    article: int
    count: int


class LogCountsOut(Schema):
    spaces: list[SpaceCountOut]
    articles: list[ArticleCountOut]


class AppealIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        description=f"Why the decision should change, at most {APPEAL_MAX_LENGTH} characters.",
        json_schema_extra={"maxLength": APPEAL_MAX_LENGTH},
    )


class AppealOut(Schema):
    id: int
    decision: DecisionOut
    text: str
    status: Appeal.Status
    created_at: datetime
    answer: str
    decided_at: datetime | None


class ContentOut(Schema):
    kind: str
    object_id: int
    state: ModerationState | None = Field(description="Null if the content is gone.")
    excerpt: str
    url: str | None


class AppealToDecideOut(AppealOut):
    author: PersonRef | None
    moderator: PersonRef | None = Field(description="Who took the contested decision.")
    content: ContentOut


class AppealDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    overturn: bool = Field(description="True undoes the decision (a public restore decision).")
    answer: str = Field(max_length=REASON_MAX_LENGTH, description="Public, shown in the log.")


class PolicyOut(Schema):
    space: SpaceRef
    premoderation: bool
    newcomer_guard: bool
    posts_per_hour: int = Field(description="0: no limit.")
    link_guard: bool


class PolicyPatch(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    premoderation: bool | None = None
    newcomer_guard: bool | None = None
    posts_per_hour: int | None = Field(None, ge=0, le=32767)
    link_guard: bool | None = None

    @field_validator("premoderation", "newcomer_guard", "posts_per_hour", "link_guard")
    @classmethod
    def check_not_null(cls, value: Any) -> Any:
        return reject_null(value)


# -- Helpers ----------------------------------------------------------------


def _refused(error: ModerationError) -> HttpError:
    return HttpError(error.status, error.message)


def _content_or_404(kind_name: str, object_id: int) -> tuple[ContentKind, Any]:
    content = find_content(kind_name, object_id)
    if content is None:
        raise Http404("No such content.")
    return KINDS[kind_name], content


def _author_id(content: Any) -> int | None:
    author = kind_of(content).author_of(content)
    return author.pk if author is not None else None


def _url(request: HttpRequest, path: str) -> str | None:
    return request.build_absolute_uri(path) if path else None


def _label(kind_name: str) -> str:
    kind = KINDS.get(kind_name)
    return str(kind.label) if kind is not None else kind_name


def _appeal_outcome(decision: Decision) -> dict[str, Any] | None:
    try:
        appeal = decision.appeal
    except Appeal.DoesNotExist:
        return None
    return {"status": appeal.status, "answer": appeal.answer, "decided_at": appeal.decided_at}


def decision_out(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "created_at": decision.created_at,
        "space": space_ref(decision.space) if decision.space is not None else None,
        "kind": decision.kind,
        "kind_label": _label(decision.kind),
        "article": decision.article,
        "action": decision.action,
        "action_label": decision.get_action_display(),
        "reason": decision.reason,
        "until": decision.until,
        "revisits": decision.revisits_id,
        "appeal": _appeal_outcome(decision),
    }


def report_out(report: Report) -> dict[str, Any]:
    decision = report.decision if report.decision_id is not None else None
    return {
        "id": report.pk,
        "kind": report.kind,
        "object_id": report.object_id,
        "article": report.article,
        "comment": report.comment,
        "status": report.status,
        "created_at": report.created_at,
        "decision_id": report.decision_id,
        "action": decision.action if decision is not None else None,
    }


def appeal_out(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "decision": decision_out(appeal.decision),
        "text": appeal.text,
        "status": appeal.status,
        "created_at": appeal.created_at,
        "answer": appeal.answer,
        "decided_at": appeal.decided_at,
    }


def _contents(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    """The contents at these (content type, id): one query per kind."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for content_type_id, object_id in pairs:
        wanted[content_type_id].add(object_id)
    found: dict[tuple[int, int], Any] = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        for pk, content in model._default_manager.in_bulk(ids).items():
            found[(content_type_id, pk)] = content
    return found


def content_out(
    request: HttpRequest, kind_name: str, object_id: int, content: Any
) -> dict[str, Any]:
    kind = KINDS.get(kind_name)
    if kind is None or content is None:
        return {
            "kind": kind_name,
            "object_id": object_id,
            "state": None,
            "excerpt": "",
            "url": None,
        }
    return {
        "kind": kind_name,
        "object_id": object_id,
        "state": content.moderation_state,
        "excerpt": kind.excerpt_of(content),
        "url": _url(request, kind.url_of(content)),
    }


def _decision_or_404(decision_id: int) -> Decision:
    decision = None
    if 0 < decision_id <= MAX_ID:
        decision = Decision.objects.select_related("space", "appeal").filter(pk=decision_id).first()
    if decision is None:
        raise Http404("No such decision.")
    return decision


def _moderated_space(user: Any, slug: str) -> Space:
    space = access_space(slug)
    if not can_moderate_in(user, space):
        raise PermissionDenied(_("You do not moderate this space."))
    return space


def _log(filters: LogFilters) -> Any:
    space = access_space(filters.space) if filters.space else None
    return public_log(
        space=space,
        article=filters.article,
        action=filters.action or "",
        kind=filters.kind,
    )


# -- Reports ----------------------------------------------------------------


@router.post(
    "/moderation/reports",
    response={201: ReportOut, **error_responses(400, 401, 403, 404, 409, 422, 429)},
    summary="Report a content",
    description="Under a numbered article of the charter (400 if the charter has none), with "
    "an optional comment. An unknown kind, a forged id or a content the caller cannot see "
    "answers 404; one's own content, or content already hidden or held, 403. One open report "
    "per person and content (409), a few an hour (429). The reporter is told the outcome.",
)
def moderation_report_new(
    request: AuthenticatedApiRequest, payload: ReportIn
) -> Status[dict[str, Any]]:
    user = request.auth
    kind, content = _content_or_404(payload.kind, payload.object_id)
    if not kind.can_view(user, content):
        raise Http404("No such content.")
    if not can_report(user, content):
        if _author_id(content) == user.pk:
            raise PermissionDenied(_("You cannot report your own content."))
        if getattr(content, "moderation_state", ModerationState.VISIBLE) != (
            ModerationState.VISIBLE
        ):
            raise PermissionDenied(_("This content is already in the moderators' hands."))
        raise PermissionDenied(_("You cannot report this content."))
    try:
        report = report_create(
            reporter=user, content=content, article=payload.article, comment=payload.comment
        )
    except ModerationError as error:
        raise _refused(error) from None
    return Status(201, report_out(report))


@router.get(
    "/moderation/reports/mine",
    response={200: ReportPage, **error_responses(400, 401, 422)},
    summary="My reports",
    description="Newest first, each with its status and, once closed, what was decided.",
)
def moderation_report_mine(
    request: AuthenticatedApiRequest, filters: Query[PageFilters]
) -> dict[str, Any]:
    reports = Report.objects.filter(reporter=request.auth).select_related("decision")
    items, next_cursor = keyset_page_by(
        reports, order=("-created_at", "-id"), cursor=filters.cursor, limit=filters.limit
    )
    return {"items": [report_out(report) for report in items], "next": next_cursor}


# -- Queue ------------------------------------------------------------------


@router.get(
    "/moderation/queue",
    response={200: list[QueueItemOut], **error_responses(401, 403, 404, 422)},
    summary="My moderation queue",
    description="Contents with open reports (or held by a guard) in the spaces the caller "
    "moderates — a group's moderators, the animators of a unit and the units above, staff "
    "everywhere — the most reported first, then the oldest; with the reports and their "
    "authors. 403 for people who moderate nothing, or for a `space` they do not moderate.",
)
def moderation_queue(
    request: AuthenticatedApiRequest, filters: Query[QueueFilters]
) -> list[dict[str, Any]]:
    user = request.auth
    if not is_moderator_somewhere(user):
        raise PermissionDenied(_("Only moderators have a moderation queue."))
    space = _moderated_space(user, filters.space) if filters.space else None
    items = queue(user, space=space, limit=filters.limit)
    spaces = Space.objects.in_bulk({item.space_id for item in items if item.space_id})
    return [
        {
            "kind": item.kind,
            "kind_label": str(item.label),
            "object_id": item.object_id,
            "space": space_ref(spaces[item.space_id]) if item.space_id in spaces else None,
            "state": item.content.moderation_state if item.content is not None else None,
            "report_count": item.report_count,
            "first_reported_at": item.first_reported_at,
            "excerpt": item.excerpt,
            "url": _url(request, item.url),
            "reports": [
                {
                    "article": report.article,
                    "comment": report.comment,
                    "source": report.source,
                    "created_at": report.created_at,
                    "reporter": person_ref(request, report.reporter),
                }
                for report in item.reports
            ],
        }
        for item in items
    ]


# -- Decisions --------------------------------------------------------------


@router.post(
    "/moderation/decisions",
    response={201: DecisionOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Take a decision on a content",
    description="Dismiss the reports, approve a held content, hide (shown in place with its "
    "article), warn the author, mute them in the space (`mute_days`), or ban them (staff "
    "only); restore a hidden content. For the content's moderators, never on their own "
    "content (403). Hide, warn, mute and ban name a charter article; every decision gives "
    "a short public reason (400 otherwise). The open reports close; author and reporters "
    "are told.",
)
def moderation_decision_new(
    request: AuthenticatedApiRequest, payload: DecisionIn
) -> Status[dict[str, Any]]:
    user = request.auth
    kind, content = _content_or_404(payload.kind, payload.object_id)
    moderates = can_moderate(user, content)
    if not (moderates or kind.can_view(user, content)):
        raise Http404("No such content.")
    if not can_take(user, content, payload.action):
        if moderates and payload.action == Action.BAN:
            raise PermissionDenied(_("Only the national team can ban someone from the platform."))
        if moderates and payload.action == Action.MUTE:
            raise PermissionDenied(_("This content belongs to no space: nobody can be muted."))
        if _author_id(content) == user.pk:
            raise PermissionDenied(_("You cannot moderate your own content."))
        raise PermissionDenied(_("You do not moderate the space of this content."))
    try:
        decision = decide(
            moderator=user,
            content=content,
            action=payload.action,
            article=payload.article,
            reason=payload.reason,
            mute_days=payload.mute_days,
        )
    except ModerationError as error:
        raise _refused(error) from None
    return Status(201, decision_out(decision))


@router.get(
    "/moderation/decisions/{decision_id}",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: DecisionDetailOut, **error_responses(401, 404, 422)},
    summary="One decision (public)",
    description="As in the public log, with whether the caller may appeal it.",
)
def moderation_decision_detail(request: ApiRequest, decision_id: int) -> dict[str, Any]:
    decision = _decision_or_404(decision_id)
    return {**decision_out(decision), "can_appeal": can_appeal(request.auth, decision)}


# -- Public log -------------------------------------------------------------


@router.get(
    "/moderation/log",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: DecisionPage, **error_responses(400, 401, 404, 422)},
    summary="The public moderation log",
    description="Every decision, newest first: date, space, kind of content, charter article, "
    "decision, public reason, appeal outcome — never who reported, who wrote or who decided, "
    "never the content. Filter by `space` (slug; 404 if unknown), `article`, `action`, `kind`.",
)
def moderation_log(request: ApiRequest, filters: Query[LogPageFilters]) -> dict[str, Any]:
    items, next_cursor = keyset_page_by(
        _log(filters), order=("-created_at", "-id"), cursor=filters.cursor, limit=filters.limit
    )
    return {"items": [decision_out(decision) for decision in items], "next": next_cursor}


@router.get(
    "/moderation/log/counts",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: LogCountsOut, **error_responses(401, 404, 422)},
    summary="Decisions per space and per article",
    description="Over the decisions the same filters as the log select.",
)
def moderation_log_counts(request: ApiRequest, filters: Query[LogFilters]) -> dict[str, Any]:
    counts = log_counts(_log(filters))
    return {
        "spaces": [
            {"slug": row["space__slug"], "name": row["space__name"], "count": row["count"]}
            for row in counts["spaces"]
        ],
        "articles": counts["articles"],
    }


# -- Appeals ----------------------------------------------------------------


@router.post(
    "/moderation/decisions/{decision_id}/appeal",
    response={201: AppealOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Appeal a decision",
    description="The author of the content contests a decision that cost them something "
    "(hide, warn, mute, ban), once (409 the second time); another moderator decides. "
    f"The text is required, at most {APPEAL_MAX_LENGTH} characters (400).",
)
def moderation_appeal_new(
    request: AuthenticatedApiRequest, decision_id: int, payload: AppealIn
) -> Status[dict[str, Any]]:
    user = request.auth
    decision = _decision_or_404(decision_id)
    if not can_appeal(user, decision):
        if decision.author_id != user.pk:
            raise PermissionDenied(_("Only the author of the content can appeal this decision."))
        if Appeal.objects.filter(decision=decision).exists():
            raise HttpError(409, _("This decision has already been appealed."))
        raise PermissionDenied(_("This decision cannot be appealed."))
    try:
        appeal = appeal_create(author=user, decision=decision, text=payload.text)
    except ModerationError as error:
        raise _refused(error) from None
    appeal.decision = _decision_or_404(decision.pk)
    return Status(201, appeal_out(appeal))


@router.get(
    "/moderation/appeals",
    response={200: list[AppealToDecideOut], **error_responses(401, 403)},
    summary="Appeals I may decide",
    description="Pending appeals in the spaces the caller moderates, except against their own "
    "decisions; oldest first, with the content (even hidden) and who decided. 403 for people "
    "who moderate nothing.",
)
def moderation_appeal_index(request: AuthenticatedApiRequest) -> list[dict[str, Any]]:
    user = request.auth
    if not is_moderator_somewhere(user):
        raise PermissionDenied(_("Only moderators decide appeals."))
    appeals = appeals_to_decide(user)
    contents = _contents((a.decision.content_type_id, a.decision.object_id) for a in appeals)
    out = []
    for appeal in appeals:
        decision = appeal.decision
        decision.appeal = appeal
        content = contents.get((decision.content_type_id, decision.object_id))
        out.append(
            {
                **appeal_out(appeal),
                "author": person_ref(request, appeal.author),
                "moderator": person_ref(request, decision.moderator),
                "content": content_out(request, decision.kind, decision.object_id, content),
            }
        )
    return out


@router.post(
    "/moderation/appeals/{appeal_id}/decision",
    response={200: AppealOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Decide an appeal",
    description="A moderator of the content other than the one who decided, never the author "
    "(403); staff for a ban. Overturning undoes the decision with a public restore decision; "
    "the answer is public. 409 if already decided.",
)
def moderation_appeal_decide(
    request: AuthenticatedApiRequest, appeal_id: int, payload: AppealDecisionIn
) -> dict[str, Any]:
    user = request.auth
    appeal = None
    if 0 < appeal_id <= MAX_ID:
        appeal = (
            Appeal.objects.select_related("decision__space", "decision__moderator", "author")
            .filter(pk=appeal_id)
            .first()
        )
    if appeal is None:
        raise Http404("No such appeal.")
    decision = appeal.decision
    if not can_decide_appeal(user, appeal):
        if appeal.status != Appeal.Status.PENDING and can_moderate_in(user, decision.space):
            raise HttpError(409, _("This appeal has already been decided."))
        if user.pk == appeal.author_id:
            raise PermissionDenied(_("You cannot decide your own appeal."))
        if user.pk == decision.moderator_id:
            raise PermissionDenied(
                _("Another moderator decides the appeals against your own decisions.")
            )
        raise PermissionDenied(_("You cannot decide this appeal."))
    try:
        appeal = appeal_decide(
            moderator=user, appeal=appeal, overturn=payload.overturn, answer=payload.answer
        )
    except ModerationError as error:
        raise _refused(error) from None
    appeal.decision = _decision_or_404(decision.pk)
    return appeal_out(appeal)


# -- Policies ---------------------------------------------------------------


def policy_out(policy: SpacePolicy, space: Space) -> dict[str, Any]:
    return {
        "space": space_ref(space),
        "premoderation": policy.premoderation,
        "newcomer_guard": policy.newcomer_guard,
        "posts_per_hour": policy.posts_per_hour,
        "link_guard": policy.link_guard,
    }


@router.get(
    "/moderation/policies/{slug}",
    response={200: PolicyOut, **error_responses(401, 403, 404)},
    summary="A space's moderation policy (its moderators)",
    description="Post-moderation unless `premoderation`; the newcomer guard holds the first "
    "messages of new accounts; the links guard holds messages with many links; a rate of "
    "messages per hour and person.",
)
def moderation_policy_detail(request: AuthenticatedApiRequest, slug: str) -> dict[str, Any]:
    space = _moderated_space(request.auth, slug)
    return policy_out(policy_of(space), space)


@router.patch(
    "/moderation/policies/{slug}",
    response={200: PolicyOut, **error_responses(401, 403, 404, 422)},
    summary="Change a space's moderation policy (its moderators)",
)
def moderation_policy_edit(
    request: AuthenticatedApiRequest, slug: str, payload: PolicyPatch
) -> dict[str, Any]:
    space = _moderated_space(request.auth, slug)
    changes = payload.model_dump(exclude_unset=True)
    policy = (
        policy_update(moderator=request.auth, space=space, **changes)
        if changes
        else policy_of(space)
    )
    return policy_out(policy, space)
