"""What every API module shares: authentication, error schemas and the opaque
cursor used for pagination."""

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from membrane.accounts.tokens import access_token_authenticate

if TYPE_CHECKING:
    from membrane.accounts.models import User


class AuthenticatedApiRequest(HttpRequest):
    """The request of an operation behind `required_auth`."""

    auth: "User"


# -- Authentication --------------------------------------------------------


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a personal access token. A token
    that is sent but not valid is refused outright (401), without falling
    back to the session."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = access_token_authenticate(token.strip())
        if user is None:
            raise AuthenticationError(message=_("This token is not valid or has been revoked."))
        # Code shared with the pages reads request.user.
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The Django session of a signed-in browser. Unsafe methods need the
    CSRF token (the `X-CSRFToken` header), as on the pages."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        # Unlike ninja's own SessionAuth, an anonymous request is not checked
        # for CSRF: it gets a 401, which tells the client what is missing.
        if not request.user.is_authenticated:
            return None
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise HttpError(403, _("CSRF check failed: send the X-CSRFToken header."))
        return request.user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


def anonymous(request: HttpRequest) -> Any:
    """Last resort of `optional_auth`: go on as an anonymous visitor."""
    return AnonymousUser()


# The default of the API: a signed-in person, by token or by session.
required_auth = [BearerAuth(), SessionAuth()]
# For public resources whose content depends on who asks.
optional_auth = [*required_auth, anonymous]
# Tells the OpenAPI schema that the credentials of `optional_auth` are optional.
ANONYMOUS_ALLOWED: dict[str, Any] = {"security": [{}]}


# -- Errors ----------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


def error_responses(*codes: int) -> dict[int, type[Schema]]:
    """Response schemas of the error codes an operation may answer."""
    return {code: ValidationErrorOut if code == 422 else ErrorOut for code in codes}


# -- Cursor pagination -----------------------------------------------------

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
_MAX_CURSOR_LENGTH = 1000
_MAX_ID = 2**63 - 1


def cursor_encode(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> dict[str, Any]:
    """The position a cursor stands for; a cursor we did not make is a 400."""
    invalid = HttpError(400, _("This cursor is not valid: use the “next” value of a page."))
    if len(cursor) > _MAX_CURSOR_LENGTH:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw.decode())
    except (binascii.Error, ValueError):
        raise invalid from None
    if not isinstance(position, dict):
        raise invalid
    return position


def keyset_page[M: Model](
    queryset: QuerySet[M], *, field: str, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    """One page of `queryset` ordered by (`field`, id), starting after
    `cursor`, with the cursor of the next page (None on the last one).

    Keyset rather than offset: the cost of a page does not grow with its
    depth, and rows added meanwhile neither repeat nor vanish."""
    queryset = queryset.order_by(field, "id")
    if cursor:
        position = cursor_decode(cursor)
        value, last_id = position.get("v"), position.get("id")
        if (
            not isinstance(value, str | int)
            or isinstance(value, bool)
            or not isinstance(last_id, int)
            or isinstance(last_id, bool)
            or not 0 <= last_id <= _MAX_ID
        ):
            raise HttpError(400, _("This cursor is not valid: use the “next” value of a page."))
        queryset = queryset.filter(
            Q(**{f"{field}__gt": value}) | Q(**{field: value, "id__gt": last_id})
        )
    items = list(queryset[: limit + 1])
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    last = items[-1]
    return items, cursor_encode({"v": getattr(last, field), "id": last.pk})
