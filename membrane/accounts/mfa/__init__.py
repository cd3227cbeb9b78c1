"""Two-factor authentication (allauth.mfa's TOTP), required of whoever can
moderate: staff, territorial animators, and group moderators and animators.

Everyone else may turn it on from their account page. A person who must have
it and does not is sent to the activation page after signing in; other pages
wait until it is active (signing out, the charter and the activation pages
themselves stay reachable). Once active, it cannot be turned off while the
person moderates."""

import io
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from membrane.core.assets import PAGE_ASSET_PREFIXES
from membrane.core.instance import get_instance_settings
from membrane.moderation.permissions import is_moderator_somewhere

# Reachable before activation: allauth's two-factor pages (activation,
# recovery codes), re-authentication, email confirmation and sign-out, the
# charter (its own middleware may ask first), and what every page loads.
_EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/confirm-email/",
    "/accounts/logout/",
    "/charte/",
    *PAGE_ASSET_PREFIXES,
)
# The verdict is kept in the session for this long (seconds), then checked
# again: a person given a moderator role is asked within minutes, without a
# query on every request.
_RECHECK_AFTER = 300
_SESSION_KEY = "membrane.mfa_checked_at"


def mfa_required(user: Any) -> bool:
    """Whether this person must protect their account with TOTP."""
    return is_moderator_somewhere(user)


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MFAAdapter(DefaultMFAAdapter):
    """allauth.mfa, the Membrane way: the instance's name in authenticator
    apps, and no turning TOTP off for those who must have it."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": gettext_lazy(
            "Two-factor authentication is required for moderators and staff: "
            "it cannot be turned off."
        ),
    }

    def get_totp_issuer(self) -> str:
        return get_instance_settings().name or super().get_totp_issuer()

    def build_totp_svg(self, url: str) -> str:
        # A white background: scannable whatever the page's colours.
        import qrcode
        from qrcode.image.svg import SvgPathFillImage

        buffer = io.BytesIO()
        qrcode.make(url, image_factory=SvgPathFillImage).save(buffer)
        return buffer.getvalue().decode("utf-8")

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if not settings.MFA_REQUIRED_FOR_MODERATORS:
            return True
        return not mfa_required(authenticator.user)


class MFARequiredMiddleware:
    """After the session middlewares: sends people who must use TOTP and have
    not turned it on to the activation page (the API answers 403). Also routes
    the admin's own login form to ours, so that staff never skip the TOTP step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        # In process_view, not __call__: the messages middleware (further
        # down the list) has run by now.
        user = request.user
        if not user.is_authenticated:
            # Whatever the setting: the admin's form would skip the code.
            if request.path == reverse("admin:login"):
                next_url = request.GET.get("next") or reverse("admin:index")
                login = resolve_url("account_login")
                return redirect(f"{login}?{urlencode({'next': next_url})}")
            return None
        if not settings.MFA_REQUIRED_FOR_MODERATORS:
            return None
        if request.path.startswith(_EXEMPT_PREFIXES) or self._recently_cleared(request):
            return None
        if not mfa_required(user) or has_totp(user):
            request.session[_SESSION_KEY] = time.time()
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Turn on two-factor authentication first.")}, status=403
            )
        messages.warning(
            request,
            _(
                "As a moderator, you must protect your account with two-factor "
                "authentication before going on: set up an authenticator app below."
            ),
        )
        return redirect("mfa_activate_totp")

    @staticmethod
    def _recently_cleared(request: HttpRequest) -> bool:
        checked_at = request.session.get(_SESSION_KEY)
        return isinstance(checked_at, float) and time.time() - checked_at < _RECHECK_AFTER
