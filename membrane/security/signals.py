"""Login, logout and password events keep the sessions list true. Thin
receivers: each calls one service."""

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from membrane.security import services


@receiver(user_logged_in, dispatch_uid="security_session_start")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.session_start(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="security_session_forget")
def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.session_forget(session_key=request.session.session_key)


@receiver(password_changed, dispatch_uid="security_password_changed")
@receiver(password_set, dispatch_uid="security_password_set")
@receiver(password_reset, dispatch_uid="security_password_reset")
def _on_password(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    services.sessions_after_password_change(request=request, user=user)
