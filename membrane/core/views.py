from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

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
