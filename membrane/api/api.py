"""The API at /api/v1/: JSON, OpenAPI schema at /api/v1/openapi.json, docs at
/api/v1/docs. A thin shell over the apps' services, selectors and permissions,
one module per resource.

Every operation needs a signed-in person (personal token or session) unless
it says `auth=None` (public) or `auth=optional_auth`. Every error is JSON
`{"detail": ...}` with a 4xx status."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from membrane.api import (
    campaigns,
    engagement,
    events,
    feed,
    follows,
    groups,
    idea_comments,
    ideas,
    insights,
    me,
    moderation,
    notifications,
    polls,
    profiles,
    quizzes,
    search,
    security,
    territory,
    threads,
)
from membrane.api.common import required_auth

api = NinjaAPI(
    title="Membrane API",
    version="1",
    description=(
        "Authenticate with a personal access token (`Authorization: Bearer <token>`, "
        "created in your account) or, from the site itself, with the session and the "
        "`X-CSRFToken` header. Lists use cursor pagination: pass the `next` value of a "
        "page as `cursor` to get the following one."
    ),
    urls_namespace="api",
    auth=required_auth,
)

api.add_router("", me.router)
api.add_router("", territory.router)
api.add_router("", profiles.router)
api.add_router("", groups.router)
api.add_router("", threads.router)
api.add_router("", notifications.router)
api.add_router("", follows.router)
api.add_router("", feed.router)
api.add_router("", search.router)
api.add_router("", moderation.router)
api.add_router("", ideas.router)
api.add_router("", idea_comments.router)
api.add_router("", polls.router)
api.add_router("", quizzes.router)
api.add_router("", events.router)
api.add_router("", campaigns.router)
api.add_router("", engagement.router)
api.add_router("", insights.router)
api.add_router("", security.router)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # A fixed message: the exception's may name a model or echo a lookup.
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or _("You are not allowed to do this.")
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = exc.message
    if detail == "Unauthorized":  # ninja's default, when no credentials came at all
        detail = _("Authentication required: send a personal access token or sign in.")
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)
