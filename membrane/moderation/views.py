"""Pages of moderation: the moderators' queue, reporting, deciding, a
space's rules, the public log and the staff's audit (a decision's page and
its appeal: appeal_views.py).

Rights through permissions.py, writes through services.py, reads through
selectors.py. A refusal says why with a 4xx status and gives back what was
typed; a ModerationError carries its own status (409 reported twice, 429 too
many reports)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from membrane.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from membrane.moderation.appeal_views import appeal_decide_view, appeal_view, decision_view
from membrane.moderation.forms import (
    DecisionForm,
    LogFilterForm,
    PolicyForm,
    ReportForm,
)
from membrane.moderation.kinds import ContentKind
from membrane.moderation.models import (
    Action,
    AuditEntry,
    Decision,
    ModerationState,
    Report,
)
from membrane.moderation.pages import access_content, content_context, form_status, refused
from membrane.moderation.permissions import (
    can_moderate,
    can_moderate_in,
    can_report,
    can_see_audit,
    can_take,
    is_moderator_somewhere,
)
from membrane.moderation.selectors import (
    appeals_to_decide,
    log_counts,
    open_reports,
    public_log,
    queue,
)
from membrane.moderation.services import (
    ModerationError,
    charter_articles,
    decide,
    policy_of,
    policy_update,
    report_create,
)
from membrane.spaces.models import Space
from membrane.spaces.permissions import access_space

# A decision's page and its appeal live in appeal_views.py; urls.py finds
# every page here.
__all__ = [
    "appeal_decide_view",
    "appeal_view",
    "audit_view",
    "decide_view",
    "decision_view",
    "log_view",
    "policy_view",
    "queue_view",
    "report_view",
]

QUEUE_SIZE = 50
LOG_PER_PAGE = 50
AUDIT_PER_PAGE = 50

# Which decisions make sense for content in each state, as services.decide
# accepts them (then `can_take` says which of them this moderator may take).
_ACTIONS_BY_STATE = {
    ModerationState.VISIBLE: [Action.DISMISS, Action.HIDE, Action.WARN, Action.MUTE, Action.BAN],
    ModerationState.HELD: [Action.APPROVE, Action.HIDE, Action.BAN],
    ModerationState.HIDDEN: [Action.RESTORE, Action.WARN, Action.MUTE, Action.BAN],
}


# The queue


@login_required
@require_safe
def queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_moderator_somewhere(user):
        return refused(
            request,
            title=_("Moderation queue"),
            message=_(
                "The queue is for the moderators of a space. "
                "The public moderation log is open to all."
            ),
            back=reverse("moderation:log"),
            back_label=_("See the public moderation log"),
        )
    space = None
    slug = request.GET.get("space", "").strip()
    if slug:
        space = Space.objects.filter(slug=slug).first()
        if space is None:
            raise Http404("No such space.")
        if not can_moderate_in(user, space):
            return refused(
                request,
                message=_("You do not moderate “%(name)s”.") % {"name": space.name},
                back=reverse("moderation:queue"),
                back_label=_("Back to your queue"),
            )
    items = queue(user, space=space, limit=QUEUE_SIZE)
    spaces = Space.objects.in_bulk({item.space_id for item in items if item.space_id})
    context = {
        "rows": [{"item": item, "space": spaces.get(item.space_id or 0)} for item in items],
        "space": space,
        "spaces": _spaces_with_reports(user),
        "appeals": appeals_to_decide(user),
        "articles": charter_articles(),
        "can_see_audit": can_see_audit(user),
        "is_moderator": True,  # known: spares the header's check
    }
    return render(request, "moderation/queue.html", context)


def _spaces_with_reports(user: Any) -> list[dict[str, Any]]:
    """The spaces of the person's queue, for its filter."""
    return [
        dict(row)
        for row in open_reports(user)
        .exclude(space=None)
        .order_by()
        .values("space__slug", "space__name")
        .annotate(count=Count("pk"))
        .order_by("space__name")
    ]


# Reporting


@login_required
@require_http_methods(["GET", "POST"])
def report_view(request: AuthenticatedHttpRequest, kind: str, object_id: int) -> HttpResponse:
    content_kind, content = access_content(request.user, kind, object_id)
    if not can_report(request.user, content):
        return _cannot_report(request, content_kind, content)
    articles = charter_articles()
    bound = request.POST if request.method == "POST" else None
    form = ReportForm(bound, articles=articles)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            report_create(
                reporter=request.user,
                content=content,
                article=form.cleaned_data["article"],
                comment=form.cleaned_data["comment"],
            )
        except ModerationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(
                request, _("Thanks, moderators will look at it; you'll be told the outcome.")
            )
            return redirect(content_kind.url_of(content))
    context = {
        "form": form,
        "kind": content_kind,
        "content_url": content_kind.url_of(content),
        "excerpt": content_kind.excerpt_of(content),
    }
    return render(request, "moderation/report.html", context, status=form_status(form, status))


def _cannot_report(
    request: AuthenticatedHttpRequest, kind: ContentKind, content: Any
) -> HttpResponse:
    author = kind.author_of(content)
    if author is not None and author.pk == request.user.pk:
        message = _("You cannot report what you wrote yourself.")
    elif getattr(content, "is_hidden", False):
        message = _("This is already hidden by moderation.")
    elif getattr(content, "is_held", False):
        message = _("This is already waiting for a moderator's review.")
    elif getattr(content, "is_deleted", False):
        message = _("This message has been deleted by its author.")
    else:
        message = _("You cannot report this.")
    return refused(
        request,
        title=_("You cannot report this"),
        message=message,
        field="comment",
        back=kind.url_of(content),
        back_label=_("Back"),
    )


# Deciding


def _actions_for(user: Any, content: Any) -> list[str]:
    state = getattr(content, "moderation_state", ModerationState.VISIBLE)
    candidates = _ACTIONS_BY_STATE.get(state, _ACTIONS_BY_STATE[ModerationState.VISIBLE])
    return [action for action in candidates if can_take(user, content, action)]


@login_required
@require_http_methods(["GET", "POST"])
def decide_view(request: AuthenticatedHttpRequest, kind: str, object_id: int) -> HttpResponse:
    content_kind, content = access_content(request.user, kind, object_id)
    if not can_moderate(request.user, content):
        return _cannot_moderate(request, content_kind, content)
    articles = charter_articles()
    bound = request.POST if request.method == "POST" else None
    form = DecisionForm(bound, actions=_actions_for(request.user, content), articles=articles)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            decision = decide(moderator=request.user, content=content, **form.cleaned_data)
        except ModerationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(
                request,
                _("Decision recorded: %(action)s. It is in the public log.")
                % {"action": decision.get_action_display()},
            )
            return redirect("moderation:queue")
    content_type = ContentType.objects.get_for_model(content)
    reports = Report.objects.filter(
        content_type=content_type, object_id=content.pk, status=Report.Status.OPEN
    ).select_related("reporter")
    history = Decision.objects.filter(content_type=content_type, object_id=content.pk)
    context = {
        **content_context(content_kind, content),
        "form": form,
        "articles": articles,
        "reports": reports.order_by("created_at"),
        "history": history.select_related("appeal").order_by("-created_at", "-pk")[:20],
    }
    return render(request, "moderation/decide.html", context, status=form_status(form, status))


def _cannot_moderate(
    request: AuthenticatedHttpRequest, kind: ContentKind, content: Any
) -> HttpResponse:
    author = kind.author_of(content)
    space = kind.space_of(content)
    if author is not None and author.pk == request.user.pk:
        message = _("You cannot decide on what you wrote yourself: another moderator will.")
    elif space is None:
        message = _("Profiles and groups are moderated by the national team (staff).")
    else:
        message = _("Only the moderators of “%(name)s” decide on its content.") % {
            "name": space.name
        }
    return refused(
        request, message=message, field="reason", back=kind.url_of(content), back_label=_("Back")
    )


# A space's rules


@login_required
@require_http_methods(["GET", "POST"])
def policy_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    space = access_space(slug)
    if not can_moderate_in(request.user, space):
        return refused(
            request,
            message=_("Only the moderators of “%(name)s” set its moderation rules.")
            % {"name": space.name},
        )
    if request.method == "POST":
        form = PolicyForm(request.POST)
    else:
        form = PolicyForm(initial=PolicyForm.initial_of(policy_of(space)))
    if form.is_bound and form.is_valid():
        policy_update(moderator=request.user, space=space, **form.policy_fields())
        messages.success(request, _("The moderation rules of this space are saved."))
        return redirect("moderation:policy", slug=space.slug)
    context = {"space": space, "form": form}
    return render(request, "moderation/policy.html", context, status=form_status(form, 200))


# The public log and the audit


@require_safe
def log_view(request: HtmxHttpRequest) -> HttpResponse:
    """Every decision, public: a fixed number of queries whatever the rows.
    Unknown filter values are a 400 with the reason, and the whole log."""
    spaces, articles = _log_choices()
    data = {key: value for key, value in request.GET.items() if key != "page" and value}
    choices = [(slug, name) for slug, (name, _pk) in spaces.items()]
    form = LogFilterForm(data or None, spaces=choices, articles=articles)
    filters: dict[str, Any] = {}
    params: dict[str, Any] = {}  # the valid filters, kept by the page's links
    if form.is_bound and form.is_valid():
        params = data
        _name, space_id = spaces.get(form.cleaned_data["space"], ("", None))
        filters = {**form.filters(), "space": space_id}
    decisions = public_log(**filters)
    context = {
        "form": form,
        "page": Paginator(decisions, LOG_PER_PAGE).get_page(request.GET.get("page")),
        "counts": log_counts(decisions),
        "articles": articles,
        "params": params,
        "filtered": any(filters.values()),
    }
    return render(request, "moderation/log.html", context, status=form_status(form, 200))


def _log_choices() -> tuple[dict[str, tuple[str, Any]], dict[int, str]]:
    """The log's filters: the spaces with decisions (slug → (name, pk)), and
    the articles, of the current charter or named by a past decision."""
    rows = (
        Space.objects.filter(pk__in=Decision.objects.exclude(space=None).values("space_id"))
        .order_by("name")
        .values_list("slug", "name", "pk")
    )
    used = Decision.objects.exclude(article=None).order_by().values_list("article", flat=True)
    articles = {number: "" for number in sorted({n for n in used if n is not None})}
    return {slug: (name, pk) for slug, name, pk in rows}, articles | charter_articles()


@login_required
@require_safe
def audit_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_see_audit(request.user):
        return refused(request, message=_("The audit trail is for the national team (staff)."))
    entries = AuditEntry.objects.select_related("actor", "content_type").order_by(
        "-created_at", "-pk"
    )
    page = Paginator(entries, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "moderation/audit.html", {"page": page, "params": {}})
