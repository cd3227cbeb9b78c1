"""Pages of ideas: "Que sont devenues vos idées ?" overall and per box, a
box with its rules, its ideas and the submit form, opening a box, and an
idea with its path up the tree, its answers and the accountable people's
forms, and its comments (the posts of its thread, see services.idea_comment).

Refused actions say why with a 4xx status and keep what was typed."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from membrane.conversations.models import Post
from membrane.conversations.moderated import attach_thread_in_place, hiding_decisions, in_place
from membrane.conversations.permissions import (
    can_delete_post,
    can_edit_post,
    can_react,
    can_reply,
)
from membrane.conversations.selectors import POSTS_PER_PAGE, post_page_number, posts_of_thread
from membrane.conversations.views import HELD_NOTICE
from membrane.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from membrane.ideas.forms import AnswerForm, BoxForm, CommentForm, IdeaForm, MergeForm
from membrane.ideas.models import Idea, IdeaBox, Status, Step, Support, Theme
from membrane.ideas.permissions import (
    access_box,
    access_idea,
    can_answer,
    can_forward,
    can_merge,
    can_open_box,
    can_submit,
    can_view_comments,
    comment_refusal,
    comment_refusal_message,
    refusal_message,
    support_refusal,
)
from membrane.ideas.selectors import (
    box_report,
    days_waiting,
    due_at,
    platform_report,
    public_report,
    report_boxes,
    similar_ideas,
    themes_of_box,
    viewable,
    visible_ideas,
)
from membrane.ideas.services import (
    IdeaError,
    box_open,
    idea_answer,
    idea_comment,
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
from membrane.moderation.services import ModerationError
from membrane.spaces.permissions import access_space, can_view_space

IDEAS_PER_PAGE = 30
# As many comments a page as messages on a thread's page.
COMMENTS_PER_PAGE = POSTS_PER_PAGE
HIGHLIGHTS = 10
BOXES_PER_PAGE = 25

# "Que sont devenues vos idées ?"


def report(request: HtmxHttpRequest) -> HttpResponse:
    page = _page_number(request.GET.get("boxes"))
    # One more than shown tells whether a next page exists, without a count.
    start = (page - 1) * BOXES_PER_PAGE
    boxes = list(report_boxes()[start : start + BOXES_PER_PAGE + 1])
    figures, retained = platform_report()
    listed = [idea["space_id"] for idea in retained]
    may_view = viewable(request.user, listed + [s.box.space_id for s in figures["overdue"]])
    highlights = [idea for idea in retained if may_view(idea["space_id"])][:HIGHLIGHTS]
    context = {
        "report": public_report(figures, request.user, may_view=may_view),
        "highlights": [
            {**idea, "status_label": Status(idea["status"]).label} for idea in highlights
        ],
        "boxes": boxes[:BOXES_PER_PAGE],
        "boxes_previous": page - 1 if page > 1 else None,
        "boxes_next": page + 1 if len(boxes) > BOXES_PER_PAGE else None,
    }
    return render(request, "ideas/report.html", context)


def _page_number(raw: str | None) -> int:
    """A page number from the query string: 1 for anything else than a
    positive integer (a hand-edited link is not an error)."""
    try:
        return max(1, min(int(raw or 1), 10_000))
    except ValueError:
        return 1


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
    can_view = can_view_space(request.user, box.space)
    # Every overdue idea of a box's report is in the box: seen if its space
    # is (no query per space, as the platform's report needs).
    the_report = public_report(
        box_report(box=box),
        request.user,
        may_view=lambda space_id: can_view and space_id == box.space_id,
    )
    waiting = {item["idea"].pk: item["days"] for item in the_report["overdue"]}
    theme = _theme_filter(request)
    listed = visible_ideas(request.user, box, theme=theme) if can_view else Idea.objects.none()
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
        "theme": theme,
        "themes": list(themes_of_box(box)) if can_view else [],
    }
    return render(request, "ideas/box.html", context, status=status)


def _theme_filter(request: HtmxHttpRequest) -> Theme | None:
    """The theme of `?theme=<slug>`, None without one, 404 for a slug that
    is no theme's."""
    slug = request.GET.get("theme", "")
    return get_object_or_404(Theme, slug=slug[:60]) if slug else None


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
    comment_form: CommentForm | None = None,
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
    comment_refused = comment_refusal(user, idea)
    if comment_form is None and comment_refused is None:
        comment_form = CommentForm()
    context = {
        "themes": list(idea.themes.all()),
        "comments": _comments_page(request, idea),
        "comment_form": comment_form if comment_refused is None else None,
        "comment_refusal": comment_refusal_message(comment_refused, idea)
        if comment_refused not in (None, "signed_out")
        else None,
        "can_report": can_report(user, idea),
        "can_moderate": can_moderate(user, idea),
        "idea": idea,
        "box": idea.box,
        "steps": steps,
        "answers": answers,
        "support_count": idea.support_count,
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


def _comments_page(request: HtmxHttpRequest, idea: Idea) -> Page[Post] | None:
    """The page of comments the viewer may read (None: none to show), each
    with what the viewer may do with it — as on the thread's page, and in a
    number of queries that does not grow with the comments."""
    thread = idea.thread
    if thread is None or not can_view_comments(request.user, idea):
        return None
    user = request.user
    paginator = Paginator(posts_of_thread(thread=thread, viewer=user), COMMENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = posts = list(page.object_list)
    attach_thread_in_place(thread, posts, viewer=user)
    may_reply = can_reply(user, thread)
    for post in posts:
        post.thread = thread  # shared: the rights below cost no query per post
        visible = post.moderation_state == ModerationState.VISIBLE
        post.can_quote = may_reply and visible and not post.is_deleted  # type: ignore[attr-defined]
        post.can_edit = can_edit_post(user, post)  # type: ignore[attr-defined]
        post.can_delete = can_delete_post(user, post)  # type: ignore[attr-defined]
        post.can_react = can_react(user, post)  # type: ignore[attr-defined]
        post.can_report = can_report(user, post)  # type: ignore[attr-defined]
        post.can_moderate = can_moderate(user, post)  # type: ignore[attr-defined]
    return page


def comment_url(idea: Idea, post: Post, viewer: Any) -> str:
    """The idea's page that shows this comment to the viewer, at its anchor."""
    url = reverse("ideas:idea", args=[idea.pk])
    number = post_page_number(post, viewer=viewer, per_page=COMMENTS_PER_PAGE)
    if number > 1:
        url += f"?page={number}"
    return f"{url}#post-{post.pk}"


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


@login_required
@require_POST
def idea_comment_view(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    idea = access_idea(request.user, idea_id)
    refusal = comment_refusal(request.user, idea)
    if refusal is not None:
        return _refuse(request, idea, comment_refusal_message(refusal, idea), field="body")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _idea_page(request, idea, comment_form=form, status=400)
    try:
        post, created = idea_comment(author=request.user, idea=idea, body=form.cleaned_data["body"])
    except ModerationError as error:
        # Muted, or over the space's rate: the form keeps the text.
        form.add_error(None, error.message)
        return _idea_page(request, idea, comment_form=form, status=error.status)
    if not created:
        messages.info(request, _("This comment was already sent: here it is."))
    elif post.moderation_state == ModerationState.HELD:
        messages.info(request, HELD_NOTICE)
    else:
        messages.success(request, _("Your comment is published."))
    return redirect(comment_url(idea, post, request.user))
