"""Pages of a decision and its appeal: the decision's public page, the
author's appeal, another moderator's decision on it."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from membrane.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from membrane.moderation.forms import AppealDecisionForm, AppealForm
from membrane.moderation.kinds import kind_of
from membrane.moderation.models import Action, Appeal, Decision
from membrane.moderation.pages import (
    access_decision,
    appeal_of,
    content_context,
    form_status,
    refused,
)
from membrane.moderation.permissions import (
    can_appeal,
    can_decide_appeal,
    can_moderate_in,
)
from membrane.moderation.services import (
    ModerationError,
    appeal_create,
    appeal_decide,
    charter_articles,
)


@require_safe
def decision_view(request: HtmxHttpRequest, decision_id: int) -> HttpResponse:
    """One decision, public; its author may appeal it, and they and the
    content's moderators also see the content."""
    decision = access_decision(decision_id)
    user = request.user
    is_author = bool(user.is_authenticated and decision.author_id == user.pk)
    moderates = can_moderate_in(user, decision.space)
    appeal = appeal_of(decision)
    content = decision.content if is_author or moderates else None
    context: dict[str, Any] = {
        "decision": decision,
        "appeal": appeal,
        "articles": charter_articles(),
        "revisions": decision.revisions.order_by("created_at"),
        "is_author": is_author,
        "can_appeal": can_appeal(user, decision),
        "can_decide_appeal": appeal is not None and can_decide_appeal(user, appeal),
    }
    if content is not None:
        context |= content_context(kind_of(content), content)
    return render(request, "moderation/decision.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_view(request: AuthenticatedHttpRequest, decision_id: int) -> HttpResponse:
    decision = access_decision(decision_id)
    if not can_appeal(request.user, decision):
        return _cannot_appeal(request, decision)
    form = AppealForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            appeal_create(author=request.user, decision=decision, text=form.cleaned_data["text"])
        except ModerationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(
                request,
                _(
                    "Your appeal is sent: a moderator other than the one who decided will "
                    "answer it, and you will be told."
                ),
            )
            return redirect("moderation:decision", decision_id=decision.pk)
    context: dict[str, Any] = {"decision": decision, "form": form, "articles": charter_articles()}
    if decision.content is not None:
        context |= content_context(kind_of(decision.content), decision.content)
    return render(request, "moderation/appeal.html", context, status=form_status(form, status))


def _cannot_appeal(request: AuthenticatedHttpRequest, decision: Decision) -> HttpResponse:
    status = 403
    if decision.author_id != request.user.pk:
        message = _("Only the author of the content can appeal this decision.")
    elif appeal_of(decision) is not None:
        message = _("You have already appealed this decision: one appeal per decision.")
        status = 409
    elif decision.revisits_id is not None:
        message = _("This decision was taken on appeal: it cannot be appealed again.")
    else:
        message = _(
            "Only a decision that hides your content, warns, mutes or bans you can be appealed."
        )
    return refused(
        request,
        title=_("You cannot appeal this decision"),
        message=message,
        status=status,
        field="text",
        back=reverse("moderation:decision", args=[decision.pk]),
        back_label=_("Back to the decision"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_decide_view(request: AuthenticatedHttpRequest, appeal_id: int) -> HttpResponse:
    appeal = get_object_or_404(Appeal.objects.select_related("decision__space"), pk=appeal_id)
    if not can_decide_appeal(request.user, appeal):
        return _cannot_decide_appeal(request, appeal)
    form = AppealDecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            appeal = appeal_decide(
                moderator=request.user,
                appeal=appeal,
                overturn=form.overturn,
                answer=form.cleaned_data["answer"],
            )
        except ModerationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(
                request,
                _(
                    "The appeal is decided: %(outcome)s. The author and the first moderator are told."
                )
                % {"outcome": appeal.get_status_display()},
            )
            return redirect("moderation:queue")
    decision = appeal.decision
    context: dict[str, Any] = {
        "appeal": appeal,
        "decision": decision,
        "form": form,
        "articles": charter_articles(),
    }
    if decision.content is not None:
        context |= content_context(kind_of(decision.content), decision.content)
    return render(
        request, "moderation/appeal_decide.html", context, status=form_status(form, status)
    )


def _cannot_decide_appeal(request: AuthenticatedHttpRequest, appeal: Appeal) -> HttpResponse:
    decision = appeal.decision
    user = request.user
    status = 403
    if appeal.status != Appeal.Status.PENDING:
        message = _("This appeal has already been decided.")
        status = 409
    elif user.pk == appeal.author_id:
        message = _("You cannot decide on your own appeal.")
    elif user.pk == decision.moderator_id:
        message = _("You took the decision under appeal: another moderator decides the appeal.")
    elif decision.action == Action.BAN:
        message = _("An appeal against a ban is decided by the national team (staff).")
    else:
        message = _("Only the moderators of the space of the content decide its appeals.")
    return refused(
        request,
        title=_("You cannot decide this appeal"),
        message=message,
        status=status,
        field="answer",
        back=reverse("moderation:decision", args=[decision.pk]),
        back_label=_("Back to the decision"),
    )
