from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

from membrane.security import services
from membrane.security.context import RequestOrigin, current_origin
from membrane.security.devices import request_ip_prefix


class SessionSecurityMiddleware:
    """Right after AuthenticationMiddleware: ends a session past its idle or
    absolute timeout (then asks to sign in again, with a message), keeps the sessions list's "last seen"
    (at most one write a minute), and notes where the request comes from for
    the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_origin.set(
            RequestOrigin(ip_prefix=request_ip_prefix(request), path=request.path)
        )
        try:
            user = request.user
            if user.is_authenticated:
                if services.session_expired(request.session):
                    logout(request)
                    request._session_expired = True  # type: ignore[attr-defined]
                else:
                    services.session_touch(request=request, user=user)
            return self.get_response(request)
        finally:
            current_origin.reset(token)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        # Here, not in __call__: the messages middleware (further down) has run.
        if not getattr(request, "_session_expired", False):
            return None
        messages.info(request, _("Your session has expired: please sign in again."))
        login = resolve_url("account_login")
        return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
