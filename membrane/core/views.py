from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from membrane.core.instance import get_instance_settings


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


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
