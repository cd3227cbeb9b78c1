import re
from typing import Any

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from membrane.conversations.feed import feed_items
from membrane.core.instance import get_instance_settings

HOME_FEED_LENGTH = 10


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    if request.user.is_authenticated:
        items, next_cursor = feed_items(viewer=request.user, limit=HOME_FEED_LENGTH)
        context = {"feed_items": items, "next_cursor": next_cursor}
    return render(request, "core/home.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def instance_logo(request: HttpRequest) -> FileResponse:
    """The instance's logo, uploaded by staff in the admin. Media files are not
    served publicly (profile photos go through their visibility rule)."""
    instance = get_instance_settings()
    if not instance.logo:
        raise Http404("No logo.")
    response = FileResponse(instance.logo.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    return response


_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_DEFAULT_COLOUR = "#8a1538"


def theme_css(request: HttpRequest) -> HttpResponse:
    """The instance's colour as a stylesheet: an inline style would need the
    request's CSP nonce, and a page with a nonce cannot be shared between
    visitors (membrane.core.anonymous_cache). The link carries the colour, so
    a new colour is a new address and the long cache time is safe."""
    colour = get_instance_settings().primary_colour
    if not _HEX_COLOUR.fullmatch(colour):
        colour = _DEFAULT_COLOUR
    response = HttpResponse(f":root {{ --primary: {colour}; }}\n", content_type="text/css")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def switch_language(request: HttpRequest, language: str) -> HttpResponseRedirect:
    """Show the site in `language` (a link, not a form: a form needs a CSRF
    token, which would make every page personal), then go back to `next`.
    An unknown language changes nothing."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if language not in dict(settings.LANGUAGES):
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
