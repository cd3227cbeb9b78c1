from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from membrane.charter.services import current_charter_number
from membrane.core.assets import PAGE_ASSET_PREFIXES

# Paths a person may reach before accepting the new charter: reading it,
# accepting it, leaving, the API (which answers in JSON) and what every page loads.
_EXEMPT_PREFIXES = ("/charte/", "/accounts/logout/", "/api/", *PAGE_ASSET_PREFIXES)


class CharterAcceptanceMiddleware:
    """When a new charter version is published, each signed-in person accepts
    it at their next visit before going on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not request.path.startswith("/admin/")
        ):
            current = current_charter_number()
            if current is not None and (user.charter_version_accepted or 0) < current:
                url = reverse("charter:accept") + "?" + urlencode({"next": request.get_full_path()})
                return redirect(url)
        return self.get_response(request)
