"""Pages of ideas: "Que sont devenues vos idées ?" overall and per box, a
box with its rules, its ideas and the submit form, opening a box, and an
idea with its path up the tree, its answers and the accountable people's
forms.

Refused actions say why with a 4xx status and keep what was typed."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from membrane.conversations.moderated import hiding_decisions, in_place
from membrane.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from membrane.ideas.forms import AnswerForm, BoxForm, IdeaForm, MergeForm
from membrane.ideas.models import Idea, IdeaBox, Status, Step, Support
from membrane.ideas.permissions import (
    can_answer,
    can_forward,
    can_merge,
    can_open_box,
    can_submit,
    can_view_idea,
    support_refusal,
)
from membrane.ideas.selectors import box_report, days_waiting, due_at, similar_ideas
from membrane.ideas.services import (
    IdeaError,
    box_open,
    idea_answer,
    idea_forward,
    idea_merge,
    idea_submit,
    parent_box,
    support_add,
    support_withdraw,
    threshold_of,
)
from membrane.moderation.models import ModerationState
from membrane.moderation.pages import refused
from membrane.moderation.permissions import can_moderate, can_moderate_in, can_report
from membrane.spaces.models import Space
from membrane.spaces.permissions import access_space, can_view_space
from membrane.spaces.selectors import readable_spaces_q

IDEAS_PER_PAGE = 30
HIGHLIGHTS = 20
HIGHLIGHTS_SCANNED = 200

# Retained and implemented ideas first: what became of ideas is the point.
STATUS_ORDER = Case(
    When(status=Status.IMPLEMENTED, then=Value(0)),
    When(status=Status.RETAINED, then=Value(1)),
    When(status=Status.UNDER_STUDY, then=Value(2)),
    When(status=Status.SUBMITTED, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def refusal_message(code: str) -> str:
    """The words for a reason code of `support_refusal`."""
    return {
        "signed_out": _("Log in to support this idea."),
        "closed": _("This idea no longer takes supports."),
        "outsider": _("Only the people of this space may support its ideas."),
        "members_only": _("In this box, only verified adhérent·es may support ideas."),
        "own_idea": _("This box does not let authors support their own idea."),
    }.get(code, _("You cannot support this idea."))


def visible_ideas(user: Any, box: IdeaBox) -> QuerySet[Idea]:
    """The box's ideas the person may see (held ones: their author only),
    with their number of supports, retained and implemented ones first."""
    shown = Q(moderation_state=ModerationState.VISIBLE)
    if user.is_authenticated:
        shown |= Q(author_id=user.pk)
    return (
        Idea.objects.filter(box=box)
        .filter(shown)
        .select_related("author", "box__space")
        .annotate(support_count=Count("supports"), status_rank=STATUS_ORDER)
        .order_by("status_rank", "-support_count", "-pk")
    )


def viewable(user: Any) -> Callable[[Space], bool]:
    """`can_view_space` as one query of the spaces the person may read
    (spaces.selectors.readable_spaces_q, the same rule), made on first use:
    the report's queries do not grow with its boxes."""
    readable: set[int] | None = None

    def check(space: Space) -> bool:
        nonlocal readable
        if readable is None:
            readable = set(
                Space.objects.filter(readable_spaces_q(user)).values_list("pk", flat=True)
            )
        return space.pk in readable

    return check


def public_report(report: dict[str, Any], user: Any) -> dict[str, Any]:
    """The report, its figures public, its overdue list limited to the ideas
    the person may see, each with its days of waiting."""
    may_view = viewable(user)
    overdue = [
        {"step": step, "idea": step.idea, "days": days_waiting(step)}
        for step in report["overdue"]
        if step.idea.moderation_state == ModerationState.VISIBLE and may_view(step.box.space)
    ]
    by_status = [(Status(value).label, count) for value, count in report["by_status"].items()]
    return {**report, "overdue": overdue, "by_status": by_status}


def access_box(slug: str) -> IdeaBox:
    """The box of the space at this address, or 404. Its rules and figures
    are public; its ideas are for those who may see the space's content."""
    space = access_space(slug)
    box = IdeaBox.objects.filter(space=space).first()
    if box is None:
        raise Http404("No idea box here.")
    box.space = space
    return box


def access_idea(user: Any, idea_id: int) -> Idea:
    idea = get_object_or_404(
        Idea.objects.select_related("box__space__unit", "author", "merged_into"), pk=idea_id
    )
    if not can_view_idea(user, idea):
        raise Http404("No such idea.")
    return idea


# "Que sont devenues vos idées ?"


def report(request: HtmxHttpRequest) -> HttpResponse:
    may_view = viewable(request.user)
    retained = (
        Idea.objects.filter(
            status__in=[Status.IMPLEMENTED, Status.RETAINED],
            moderation_state=ModerationState.VISIBLE,
        )
        .select_related("box__space__unit")
        .annotate(support_count=Count("supports"), status_rank=STATUS_ORDER)
        .order_by("status_rank", "-support_count", "-pk")[:HIGHLIGHTS_SCANNED]
    )
    boxes = (
        IdeaBox.objects.select_related("space")
        .annotate(idea_count=Count("ideas"))
        .order_by("space__kind", "space__name")
    )
    context = {
        "report": public_report(box_report(), request.user),
        "highlights": [idea for idea in retained if may_view(idea.box.space)][:HIGHLIGHTS],
        "boxes": boxes,
    }
    return render(request, "ideas/report.html", context)


# A box


@require_http_methods(["GET", "POST"])
def box_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    box = access_box(slug)
    may_submit = can_submit(request.user, box)
    if request.method != "POST":
        return _box_page(request, box, form=IdeaForm() if may_submit else None)
    if not may_submit:
        return refused(
            request,
            message=_("You cannot submit an idea in this box."),
            field="description",
            back=reverse("ideas:box", args=[slug]),
            back_label=_("Back to the box"),
        )
    form = IdeaForm(request.POST)
    if not form.is_valid():
        return _box_page(request, box, form=form, status=400)
    similar = similar_ideas(box=box, title=form.cleaned_data["title"])
    if similar and not request.POST.get("confirmed"):
        # Without JavaScript the suggestions come here: one more look first.
        return _box_page(request, box, form=form, similar=similar, confirming=True)
    idea = idea_submit(author=request.user, box=box, **form.cleaned_data)
    messages.success(request, _("Your idea is submitted."))
    return redirect("ideas:idea", idea.pk)


def _box_page(
    request: HtmxHttpRequest,
    box: IdeaBox,
    *,
    form: IdeaForm | None,
    status: int = 200,
    similar: list[Idea] | None = None,
    confirming: bool = False,
) -> HttpResponse:
    the_report = public_report(box_report(box=box), request.user)
    waiting = {item["idea"].pk: item["days"] for item in the_report["overdue"]}
    can_view = can_view_space(request.user, box.space)
    listed = visible_ideas(request.user, box) if can_view else Idea.objects.none()
    ideas = Paginator(listed, IDEAS_PER_PAGE).get_page(request.GET.get("page"))
    for idea in ideas.object_list:
        idea.days_waiting = waiting.get(idea.pk)  # type: ignore[attr-defined]
    context = {
        "box": box,
        "space": box.space,
        "threshold": threshold_of(box),
        "ideas": ideas,
        "report": the_report,
        "form": form,
        "similar": similar,
        "confirming": confirming,
        "can_open": can_open_box(request.user, box.space),
        "can_view": can_view,
    }
    return render(request, "ideas/box.html", context, status=status)


def similar(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    box = access_box(slug)
    title = request.GET.get("title", "")[:200]
    found = similar_ideas(box=box, title=title) if can_view_space(request.user, box.space) else []
    context = {"similar": found, "box": box}
    return render(request, "ideas/box.html#similar", context)


@login_required
@require_http_methods(["GET", "POST"])
def box_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    space = access_space(slug)
    if not can_open_box(request.user, space):
        raise PermissionDenied(_("Only the space's animators can open its idea box."))
    box = IdeaBox.objects.filter(space=space).first()
    form = BoxForm(request.POST or None, instance=box)
    if request.method == "POST" and form.is_valid():
        box_open(space=space, by=request.user, **form.cleaned_data)
        messages.success(request, _("The idea box and its rules are saved."))
        return redirect("ideas:box", slug)
    status = 400 if form.errors else 200
    return render(request, "ideas/box_form.html", {"form": form, "space": space}, status=status)


# An idea


def idea_detail(request: HtmxHttpRequest, idea_id: int) -> HttpResponse:
    idea = access_idea(request.user, idea_id)
    return _idea_page(request, idea)


def _idea_page(
    request: HtmxHttpRequest,
    idea: Idea,
    *,
    answer_form: AnswerForm | None = None,
    merge_form: MergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    steps = list(Step.objects.filter(idea=idea).select_related("box__space"))
    answers = list(idea.answers.select_related("author", "step__box__space"))
    now = timezone.now()
    for step in steps:
        step.due = due_at(step, step.box)  # type: ignore[attr-defined]
        step.answers_here = [a for a in answers if a.step_id == step.pk]  # type: ignore[attr-defined]
        late = step.due is not None and step.answered_at is None and step.due < now  # type: ignore[attr-defined]
        step.days_waiting = days_waiting(step, now) if late else None  # type: ignore[attr-defined]
    refusal = support_refusal(user, idea)
    accountable = can_answer(user, idea)
    moderates = can_moderate_in(user, idea.box.space)
    idea.in_place = in_place(  # type: ignore[attr-defined]
        idea, viewer=user, decision=hiding_decisions([idea]).get(idea.pk), moderates=moderates
    )
    context = {
        "can_report": can_report(user, idea),
        "can_moderate": can_moderate(user, idea),
        "idea": idea,
        "box": idea.box,
        "steps": steps,
        "answers": answers,
        "support_count": Support.objects.filter(idea=idea).count(),
        "supports": user.is_authenticated
        and Support.objects.filter(idea=idea, user_id=user.pk).exists(),
        "refusal": refusal_message(refusal) if refusal and refusal != "signed_out" else None,
        "signed_out": refusal == "signed_out",
        "accountable": accountable,
        "answer_form": answer_form or (AnswerForm(idea=idea) if accountable else None),
        "can_forward": can_forward(user, idea) and parent_box(idea) is not None,
        "merge_form": merge_form or (MergeForm(idea=idea) if can_merge(user, idea) else None),
    }
    return render(request, "ideas/idea.html", context, status=status)


def _refuse(
    request: HtmxHttpRequest, idea: Idea, message: str, *, status: int = 403, field: str = ""
) -> HttpResponse:
    """A refusal that says why, keeps the typed text and leads back to the idea."""
    return refused(
        request,
        message=message,
        status=status,
        field=field,
        back=reverse("ideas:idea", args=[idea.pk]),
        back_label=_("Back to the idea"),
    )


@login_required
@require_POST
def idea_support(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    idea = access_idea(request.user, idea_id)
    if request.POST.get("action") == "withdraw":
        if support_withdraw(user=request.user, idea=idea):
            messages.success(request, _("Your support is withdrawn."))
        return redirect("ideas:idea", idea.pk)
    refusal = support_refusal(request.user, idea)
    if refusal is not None:
        return _refuse(request, idea, refusal_message(refusal))
    try:
        support_add(user=request.user, idea=idea)
    except IdeaError as error:
        return _refuse(request, idea, error.message, status=error.status)
    messages.success(request, _("You support this idea."))
    return redirect("ideas:idea", idea.pk)


@login_required
@require_POST
def idea_answer_view(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    idea = access_idea(request.user, idea_id)
    if not can_answer(request.user, idea):
        return _refuse(
            request,
            idea,
            _("Only the box's accountable people can answer its ideas."),
            field="text",
        )
    form = AnswerForm(request.POST, idea=idea)
    if not form.is_valid():
        return _idea_page(request, idea, answer_form=form, status=400)
    try:
        idea_answer(by=request.user, idea=idea, **form.cleaned_data)
    except IdeaError as error:
        form.add_error(None, error.message)
        return _idea_page(request, idea, answer_form=form, status=error.status)
    messages.success(request, _("Your answer is published."))
    return redirect("ideas:idea", idea.pk)


@login_required
@require_POST
def idea_forward_view(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    idea = access_idea(request.user, idea_id)
    if not can_forward(request.user, idea):
        return _refuse(
            request, idea, _("Only the box's accountable people can send up a retained idea.")
        )
    try:
        idea_forward(by=request.user, idea=idea)
    except IdeaError as error:
        return _refuse(request, idea, error.message, status=error.status)
    messages.success(request, _("The idea is sent up to the next level."))
    return redirect("ideas:idea", idea.pk)


@login_required
@require_POST
def idea_merge_view(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    idea = access_idea(request.user, idea_id)
    if not can_merge(request.user, idea):
        return _refuse(
            request, idea, _("Only the box's accountable people can merge its ideas."), field="text"
        )
    form = MergeForm(request.POST, idea=idea)
    if not form.is_valid():
        return _idea_page(request, idea, merge_form=form, status=400)
    try:
        idea_merge(
            by=request.user,
            idea=idea,
            into=form.cleaned_data["into"],
            text=form.cleaned_data["text"],
        )
    except IdeaError as error:
        form.add_error(None, error.message)
        return _idea_page(request, idea, merge_form=form, status=error.status)
    messages.success(request, _("The idea is merged."))
    return redirect("ideas:idea", idea.pk)
