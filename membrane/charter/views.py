from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from membrane.charter.models import CharterVersion
from membrane.charter.services import charter_accept, current_charter
from membrane.core.http import AuthenticatedHttpRequest, safe_next_url


def charter_current(request: HttpRequest) -> HttpResponse:
    version = current_charter()
    if version is None:
        raise Http404("No charter has been published yet.")
    return _render_charter(request, version)


def charter_version(request: HttpRequest, number: int) -> HttpResponse:
    version = get_object_or_404(CharterVersion.objects.published(), number=number)
    return _render_charter(request, version)


def _render_charter(request: HttpRequest, version: CharterVersion) -> HttpResponse:
    versions = CharterVersion.objects.published().only("number", "published_at")
    return render(
        request,
        "charter/charter.html",
        {"version": version, "articles": version.articles.all(), "versions": versions},
    )


@login_required
@require_http_methods(["GET", "POST"])
def charter_accept_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    version = current_charter()
    if version is None:
        return redirect("home")
    next_url = safe_next_url(request)
    error = False
    if request.method == "POST":
        if request.POST.get("accept") == "yes":
            charter_accept(user=request.user, version=version)
            return redirect(next_url)
        error = True
    return render(
        request,
        "charter/accept.html",
        {"version": version, "articles": version.articles.all(), "next": next_url, "error": error},
        status=400 if error else 200,
    )
