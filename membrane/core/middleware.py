"""Keep personal pages out of every cache: the browser's (a shared computer,
the back button after logging out) and any proxy's."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Pages about one person, answered with `Cache-Control: no-store` whoever asks
# (some are reached without a session: the calendar feed by its secret token,
# the password reset link by its key).
PERSONAL_URL_NAMES = frozenset(
    {
        "accounts:home",
        "accounts:profile_edit",
        "accounts:membership",
        "accounts:data_export",
        "accounts:data_export_download",
        "accounts:delete",
        "accounts:tokens",
        "accounts:contacts",
        "engagement:invitations",
        "engagement:points",
        "engagement:ranking_choice",
        "events:mine",
        "events:calendar",
        "events:feed",
        "insights:platform_export",
        "insights:export",
        "notifications:list",
        "notifications:preferences",
        "discovery:feed",
        "security:sessions",
        "security:audit_log",
        "account_email",
        "account_change_password",
        "account_set_password",
        "account_reset_password_from_key",
        "account_confirm_email",
        "account_inactive",
    }
)


def is_personal_page(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and match.view_name in PERSONAL_URL_NAMES


class PersonalPagesNoStoreMiddleware:
    """`Cache-Control: no-store` on the personal pages listed above, and on
    every page shown to a signed-in person unless the view chose its own
    caching: any such page carries their name, counters or memberships."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_personal_page(request):
            if "no-store" not in response.get("Cache-Control", ""):
                # never_cache's headers, replacing whatever the view said.
                del response["Cache-Control"]
                add_never_cache_headers(response)
        elif not response.has_header("Cache-Control") and _signed_in(request):
            add_never_cache_headers(response)
        return response


def _signed_in(request: HttpRequest) -> bool:
    # No user on requests answered before AuthenticationMiddleware (static files).
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
