"""Withdrawing the political opinion consent: one page, one button."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from membrane.accounts.models import PoliticalOpinionConsent
from membrane.accounts.services import CONSENT_WORDING, consent_withdraw
from membrane.core.http import AuthenticatedHttpRequest


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def consent_withdraw_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The consent given, what withdrawing it does, and the button. As for
    deleting the account, a sign-in older than a few minutes is confirmed
    first (allauth's re-authentication): the step cannot be undone."""
    if request.method == "POST":
        user = request.user
        logout(request)
        consent_withdraw(user=user)
        messages.success(
            request,
            _("Your consent is withdrawn and your account closed. Thank you for taking part."),
        )
        return redirect("home")
    consent = PoliticalOpinionConsent.objects.filter(user=request.user).first()
    return render(
        request, "accounts/consent_withdraw.html", {"consent": consent, "wording": CONSENT_WORDING}
    )
