"""Pages of engagement: the invitation link (its landing, and "My
invitations"), "My points" with badges and their next levels, the rankings
and the choice to appear in them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from membrane.core.http import AuthenticatedHttpRequest, safe_next_url
from membrane.engagement.models import InviteCode
from membrane.engagement.selectors import (
    RANKING_DAYS,
    badge_progress,
    badges_of,
    is_opted_in,
    person_ranking,
    points_by_rule,
    referral_counts,
    section_ranking,
)
from membrane.engagement.services import (
    FULL,
    HALF,
    SESSION_KEY,
    invite_url,
    ranking_opt_in_set,
)

CODE_MAX_LENGTH = InviteCode._meta.get_field("code").max_length or 24


@require_safe
def invitation(request: HttpRequest, code: str) -> HttpResponse:
    """Someone's invitation link: remember the code until sign-up, then go
    on to the page it was shared with, or to sign-up. Signed-in people are
    already here: the code is ignored."""
    if request.user.is_authenticated:
        return redirect(safe_next_url(request, reverse("home")))
    if len(code) <= CODE_MAX_LENGTH:
        request.session[SESSION_KEY] = code
    return redirect(safe_next_url(request, reverse("account_signup")))


@login_required
@require_safe
def my_invitations(request: AuthenticatedHttpRequest) -> HttpResponse:
    link = request.build_absolute_uri(invite_url(request.user))
    return render(
        request,
        "engagement/invitations.html",
        {
            "link": link,
            "counts": referral_counts(request.user),
            "opted_in": is_opted_in(request.user),
        },
    )


@login_required
@require_safe
def my_points(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _points_page(request)


def _points_page(request: AuthenticatedHttpRequest, *, status: int = 200) -> HttpResponse:
    rules = points_by_rule(request.user)
    context = {
        "rules": rules,
        "total": sum(rule.points for rule in rules),
        "badges": badges_of(request.user),
        "progress": badge_progress(request.user),
        "opted_in": is_opted_in(request.user),
        "full": FULL,
        "half": HALF,
    }
    return render(request, "engagement/points.html", context, status=status)


@login_required
@require_POST
def ranking_choice(request: AuthenticatedHttpRequest) -> HttpResponse:
    choice = request.POST.get("opted_in")
    if choice not in ("1", "0"):
        messages.error(request, _("Choose whether to appear in the rankings."))
        return _points_page(request, status=400)
    ranking_opt_in_set(user=request.user, opted_in=choice == "1")
    if choice == "1":
        messages.success(request, _("You now appear in the rankings of people."))
    else:
        messages.success(request, _("You no longer appear in the rankings of people."))
    return redirect(safe_next_url(request, reverse("engagement:points")))


@login_required
@require_safe
def rankings(request: AuthenticatedHttpRequest) -> HttpResponse:
    all_time = request.GET.get("period") == "all"
    days = None if all_time else RANKING_DAYS
    return render(
        request,
        "engagement/rankings.html",
        {
            "all_time": all_time,
            "days": RANKING_DAYS,
            "sections": section_ranking(days=days),
            "people": person_ranking(request.user, days=days),
            "opted_in": is_opted_in(request.user),
        },
    )
