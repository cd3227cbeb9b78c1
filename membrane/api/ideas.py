"""Idea boxes, ideas, their themes, supports, answers, sending up, merging
and comments, and the figures of "Que sont devenues vos idées ?": the rules
of the idea pages (ideas/permissions.py) and the same services. Comments
are the posts of the idea's thread, shaped as the threads API shapes them."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    AnyApiRequest,
    ApiRequest,
    AuthenticatedApiRequest,
    PageFilters,
    PersonRef,
    SpaceRef,
    clean_fields,
    error_responses,
    keyset_page_by,
    optional_auth,
    person_ref,
    space_ref,
    validation_error,
)
from membrane.ideas.forms import IdeaForm
from membrane.ideas.models import MAX_THEMES, Idea, IdeaBox, Step, Support, Theme
from membrane.ideas.models import Status as IdeaStatus
from membrane.ideas.permissions import (
    access_box,
    access_idea,
    can_answer,
    can_forward,
    can_merge,
    can_submit,
    comment_refusal,
    refusal_message,
    support_refusal,
)
from membrane.ideas.selectors import (
    box_report,
    due_at,
    platform_report,
    public_report,
    similar_ideas,
    visible_ideas,
)
from membrane.ideas.services import (
    IdeaError,
    idea_answer,
    idea_forward,
    idea_merge,
    idea_submit,
    support_add,
    support_withdraw,
    threshold_of,
)
from membrane.spaces.permissions import can_view_space

router = Router(tags=["ideas"])


# -- Schemas ----------------------------------------------------------------


class BoxOut(Schema):
    space: SpaceRef
    is_open: bool
    threshold: int = Field(description="Supports an idea needs today to be owed an answer.")
    threshold_supports: int | None
    threshold_percent: int | None
    answer_delay_days: int
    members_only_support: bool
    authors_may_support: bool


class BoxDetailOut(BoxOut):
    can_submit: bool


class ThemeOut(Schema):
    slug: str
    name: str


class IdeaOut(Schema):
    id: int
    title: str
    status: IdeaStatus
    support_count: int
    author: PersonRef | None
    created_at: datetime
    box: SpaceRef
    themes: list[ThemeOut]


class IdeaPage(Schema):
    items: list[IdeaOut]
    next: str | None


class AnswerOut(Schema):
    author: PersonRef | None
    from_status: IdeaStatus
    to_status: IdeaStatus
    text: str
    created_at: datetime


class StepOut(Schema):
    box: SpaceRef
    status: IdeaStatus
    entered_at: datetime
    threshold_reached_at: datetime | None
    due_at: datetime | None
    answered_at: datetime | None
    forwarded_at: datetime | None
    answers: list[AnswerOut]


class IdeaDetailOut(IdeaOut):
    description: str
    description_html: str
    merged_into: int | None
    supported: bool = Field(description="Whether the caller supports it.")
    support_refusal: str | None = Field(description="Why the caller may not support it, if so.")
    can_answer: bool
    can_forward: bool
    can_merge: bool
    thread_id: int | None = Field(
        description="The thread of its comments (see /threads/{id}); null before the first."
    )
    can_comment: bool
    steps: list[StepOut]


class IdeaIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    description: str
    themes: list[str] = Field(
        [], description=f"Slugs of themes (see /idea-themes), at most {MAX_THEMES}."
    )


class IdeaFilters(PageFilters):
    theme: str | None = Field(None, description="Only the ideas of this theme (its slug).")


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: IdeaStatus
    text: str = Field(max_length=5000)


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    into: int = Field(description="The id of an idea of the same box.")
    text: str = Field("", max_length=5000)


class OverdueOut(Schema):
    idea_id: int
    title: str
    box: SpaceRef
    days_waiting: int


class IdeasReportOut(Schema):
    total: int
    by_status: dict[str, int]
    owed: int
    answered_on_time_share: float | None
    median_days_to_answer: float | None
    overdue: list[OverdueOut]
    # Every overdue idea (all boxes: only the OVERDUE_LISTED waiting longest
    # are in `overdue`, those the reader may see).
    overdue_count: int


# -- Helpers ----------------------------------------------------------------


def box_out(box: IdeaBox) -> dict[str, Any]:
    return {
        "space": space_ref(box.space),
        "is_open": box.is_open,
        "threshold": threshold_of(box),
        "threshold_supports": box.threshold_supports,
        "threshold_percent": box.threshold_percent,
        "answer_delay_days": box.answer_delay_days,
        "members_only_support": box.members_only_support,
        "authors_may_support": box.authors_may_support,
    }


def idea_out(request: HttpRequest, idea: Idea) -> dict[str, Any]:
    """An idea; its themes prefetched on lists."""
    return {
        "id": idea.pk,
        "title": idea.title,
        "status": idea.status,
        "support_count": idea.support_count,
        "author": person_ref(request, idea.author),
        "created_at": idea.created_at,
        "box": space_ref(idea.box.space),
        "themes": [{"slug": theme.slug, "name": theme.name} for theme in idea.themes.all()],
    }


def idea_detail_out(request: AnyApiRequest, idea_id: int) -> dict[str, Any]:
    user = request.auth
    idea = access_idea(user, idea_id)
    answers = list(idea.answers.select_related("author"))
    steps = Step.objects.filter(idea=idea).select_related("box__space")
    return {
        **idea_out(request, idea),
        "description": idea.description,
        "description_html": idea.description_html,
        "merged_into": idea.merged_into_id,
        "supported": user.is_authenticated
        and Support.objects.filter(idea=idea, user_id=user.pk).exists(),
        "support_refusal": support_refusal(user, idea),
        "can_answer": can_answer(user, idea),
        "can_forward": can_forward(user, idea),
        "can_merge": can_merge(user, idea),
        "thread_id": idea.thread_id,
        "can_comment": comment_refusal(user, idea) is None,
        "steps": [
            {
                "box": space_ref(step.box.space),
                "status": step.status,
                "entered_at": step.entered_at,
                "threshold_reached_at": step.threshold_reached_at,
                "due_at": due_at(step, step.box),
                "answered_at": step.answered_at,
                "forwarded_at": step.forwarded_at,
                "answers": [
                    {
                        "author": person_ref(request, answer.author),
                        "from_status": answer.from_status,
                        "to_status": answer.to_status,
                        "text": answer.text,
                        "created_at": answer.created_at,
                    }
                    for answer in answers
                    if answer.step_id == step.pk
                ],
            }
            for step in steps
        ],
    }


def report_out(report: dict[str, Any]) -> dict[str, Any]:
    return {
        **{
            key: report[key] for key in ("total", "owed", "answered_on_time_share", "overdue_count")
        },
        "median_days_to_answer": report["median_days_to_answer"],
        "by_status": {str(value): count for value, count in report["raw_by_status"].items()},
        "overdue": [
            {
                "idea_id": item["idea"].pk,
                "title": item["idea"].title,
                "box": space_ref(item["step"].box.space),
                "days_waiting": item["days"],
            }
            for item in report["overdue"]
        ],
    }


def _report(box: IdeaBox | None, user: Any) -> dict[str, Any]:
    # All boxes together: the figures the page shows, cached a short while.
    raw = box_report(box=box) if box is not None else platform_report()[0]
    return report_out({**public_report(raw, user), "raw_by_status": raw["by_status"]})


def _check_view(request: AnyApiRequest, box: IdeaBox) -> None:
    if not can_view_space(request.auth, box.space):
        raise PermissionDenied(_("Only the people of this space see its ideas."))


def _fail(error: IdeaError) -> HttpError:
    return HttpError(error.status, error.message)


def _clean_themes(slugs: list[str]) -> list[Theme]:
    """The themes of these slugs, checked by the page form's field (at most
    MAX_THEMES, each a theme's), or a 422 on `themes`."""
    try:
        return list(IdeaForm.base_fields["themes"].clean(slugs))
    except DjangoValidationError as error:
        raise validation_error("themes", " ".join(error.messages), "invalid") from None


def _theme(slug: str | None) -> Theme | None:
    return get_object_or_404(Theme, slug=slug) if slug else None


# -- Boxes ------------------------------------------------------------------


@router.get(
    "/idea-boxes",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: list[BoxOut], **error_responses(401)},
    summary="The idea boxes",
    description="Every box with its rules, public like its figures; its ideas are for "
    "those who may see the space's content.",
)
def box_index(request: ApiRequest) -> list[dict[str, Any]]:
    boxes = IdeaBox.objects.select_related("space__unit").order_by("space__kind", "space__name")
    return [box_out(box) for box in boxes]


@router.get(
    "/idea-boxes/{slug}",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: BoxDetailOut, **error_responses(401, 404)},
    summary="One idea box and its rules",
)
def box_detail(request: ApiRequest, slug: str) -> dict[str, Any]:
    box = access_box(slug)
    return {**box_out(box), "can_submit": can_submit(request.auth, box)}


@router.get(
    "/idea-boxes/{slug}/ideas",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: IdeaPage, **error_responses(400, 401, 404, 422)},
    summary="The ideas of a box",
    description="Implemented and retained ideas first, then the most supported; "
    "`theme` keeps those of one theme (an unknown theme is a 404).",
)
def box_ideas(request: ApiRequest, slug: str, filters: Query[IdeaFilters]) -> dict[str, Any]:
    box = access_box(slug)
    _check_view(request, box)
    items, next_cursor = keyset_page_by(
        visible_ideas(request.auth, box, theme=_theme(filters.theme)),
        order=("status_rank", "-support_count", "-id"),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {
        "items": [idea_out(request, idea) for idea in items],
        "next": next_cursor,
    }


@router.get(
    "/idea-boxes/{slug}/similar",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: list[IdeaOut], **error_responses(401, 404)},
    summary="Ideas of the box similar to a title, to avoid duplicates",
)
def box_similar(request: ApiRequest, slug: str, title: str = "") -> list[dict[str, Any]]:
    box = access_box(slug)
    _check_view(request, box)
    found = similar_ideas(box=box, title=title[:200])
    prefetch_related_objects(found, "themes")
    return [idea_out(request, idea) for idea in found]


@router.post(
    "/idea-boxes/{slug}/ideas",
    response={201: IdeaDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Submit an idea",
)
def idea_new(
    request: AuthenticatedApiRequest, slug: str, payload: IdeaIn
) -> Status[dict[str, Any]]:
    box = access_box(slug)
    if not can_submit(request.auth, box):
        raise PermissionDenied(_("You cannot submit an idea in this box."))
    cleaned = clean_fields(IdeaForm, title=payload.title, description=payload.description)
    themes = _clean_themes(payload.themes)
    idea = idea_submit(author=request.auth, box=box, themes=themes, **cleaned)
    return Status(201, idea_detail_out(request, idea.pk))


@router.get(
    "/idea-themes",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: list[ThemeOut], **error_responses(401)},
    summary="The themes an idea may carry",
)
def theme_index(request: ApiRequest) -> list[dict[str, Any]]:
    return [{"slug": t.slug, "name": t.name} for t in Theme.objects.order_by("name")]


@router.get(
    "/idea-boxes/{slug}/report",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: IdeasReportOut, **error_responses(401, 404)},
    summary="What became of the ideas of a box",
)
def box_report_view(request: ApiRequest, slug: str) -> dict[str, Any]:
    return _report(access_box(slug), request.auth)


@router.get(
    "/ideas-report",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: IdeasReportOut, **error_responses(401)},
    summary="What became of the ideas, all boxes together",
)
def report_view(request: ApiRequest) -> dict[str, Any]:
    return _report(None, request.auth)


# -- Ideas ------------------------------------------------------------------


@router.get(
    "/ideas/{idea_id}",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: IdeaDetailOut, **error_responses(401, 404)},
    summary="One idea, with its path and its public answers",
)
def idea_detail(request: ApiRequest, idea_id: int) -> dict[str, Any]:
    return idea_detail_out(request, idea_id)


@router.post(
    "/ideas/{idea_id}/support",
    response={201: IdeaDetailOut, **error_responses(401, 403, 404, 409)},
    summary="Support an idea",
)
def idea_support(request: AuthenticatedApiRequest, idea_id: int) -> Status[dict[str, Any]]:
    idea = access_idea(request.auth, idea_id)
    refusal = support_refusal(request.auth, idea)
    if refusal is not None:
        raise PermissionDenied(refusal_message(refusal))
    try:
        support_add(user=request.auth, idea=idea)
    except IdeaError as error:
        raise _fail(error) from None
    return Status(201, idea_detail_out(request, idea.pk))


@router.delete(
    "/ideas/{idea_id}/support",
    response={204: None, **error_responses(401, 404)},
    summary="Withdraw one's support",
)
def idea_unsupport(request: AuthenticatedApiRequest, idea_id: int) -> Status[None]:
    idea = access_idea(request.auth, idea_id)
    if not support_withdraw(user=request.auth, idea=idea):
        raise Http404("No support to withdraw.")
    return Status(204, None)


@router.post(
    "/ideas/{idea_id}/answers",
    response={201: IdeaDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Answer an idea publicly, setting its status (accountable people)",
)
def idea_answer_new(
    request: AuthenticatedApiRequest, idea_id: int, payload: AnswerIn
) -> Status[dict[str, Any]]:
    idea = access_idea(request.auth, idea_id)
    if not can_answer(request.auth, idea):
        raise PermissionDenied(_("Only the box's accountable people can answer its ideas."))
    try:
        idea_answer(by=request.auth, idea=idea, status=payload.status, text=payload.text)
    except IdeaError as error:
        raise _fail(error) from None
    return Status(201, idea_detail_out(request, idea.pk))


@router.post(
    "/ideas/{idea_id}/forward",
    response={200: IdeaDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Send a retained idea up to the next level's box",
)
def idea_forward_new(request: AuthenticatedApiRequest, idea_id: int) -> dict[str, Any]:
    idea = access_idea(request.auth, idea_id)
    if not can_forward(request.auth, idea):
        raise PermissionDenied(_("Only the box's accountable people can send up a retained idea."))
    try:
        idea_forward(by=request.auth, idea=idea)
    except IdeaError as error:
        raise _fail(error) from None
    return idea_detail_out(request, idea.pk)


@router.post(
    "/ideas/{idea_id}/merge",
    response={200: IdeaDetailOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Merge a duplicate into another idea of the same box",
)
def idea_merge_new(
    request: AuthenticatedApiRequest, idea_id: int, payload: MergeIn
) -> dict[str, Any]:
    idea = access_idea(request.auth, idea_id)
    if not can_merge(request.auth, idea):
        raise PermissionDenied(_("Only the box's accountable people can merge its ideas."))
    into = Idea.objects.select_related("box", "merged_into").filter(pk=payload.into).first()
    if into is None or into.box_id != idea.box_id:
        raise HttpError(400, _("Merge only ideas of the same box."))
    try:
        idea_merge(by=request.auth, idea=idea, into=into, text=payload.text)
    except IdeaError as error:
        raise _fail(error) from None
    return idea_detail_out(request, idea.pk)
