"""What every API module shares: authentication, error schemas, the opaque
cursors of pagination, the small outputs that many resources embed (a
person, a space, a thread) and input checks borrowed from the pages' forms."""

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic_core import PydanticCustomError

from membrane.accounts.tokens import access_token_authenticate
from membrane.conversations.moderated import profile_masked, shown_name
from membrane.spaces.models import Space

if TYPE_CHECKING:
    from membrane.accounts.models import User


class AuthenticatedApiRequest(HttpRequest):
    """The request of an operation behind `required_auth`."""

    auth: "User"


class ApiRequest(HttpRequest):
    """The request of an operation behind `optional_auth`: a signed-in person
    or an anonymous visitor."""

    auth: "User | AnonymousUser"


# What helpers shared by both kinds of operations take.
type AnyApiRequest = ApiRequest | AuthenticatedApiRequest


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


class PageFilters(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, description="The `next` value of the previous page.")


def reject_null(value: Any) -> Any:
    """For a field_validator of a partial update: validators only run on the
    fields sent, so null is refused and absent is fine."""
    if value is None:
        raise PydanticCustomError(
            "null_not_allowed", "This field cannot be null; leave it out to keep it unchanged."
        )
    return value


def keyset_page_by[M: Model](
    queryset: QuerySet[M],
    *,
    order: tuple[str, ...],
    cursor: str | None,
    limit: int,
    first: Callable[[QuerySet[M], int], QuerySet[M]] | None = None,
) -> tuple[list[M], str | None]:
    """One page of `queryset` in `order` (fields or annotations, "-" for
    descending, the last one "id" or "-id" to break ties), starting after
    `cursor`, with the cursor of the next page (None on the last one).

    The general form of `keyset_page`, for lists ordered on several keys
    (pinned first, then by activity; most populated first, then by name).
    The ordering fields must not be null. `first(queryset, count)`, if
    given, picks the first `count` rows in `order` its own way (the events
    near a postcode, part by part)."""
    if not order or order[-1].lstrip("-") != "id":
        raise ValueError("The last ordering key must be the id.")
    queryset = queryset.order_by(*order)
    if cursor:
        queryset = _after_position(queryset, order, cursor_decode(cursor))
    if first is not None:
        queryset = first(queryset, limit + 1)
    items = list(queryset[: limit + 1])
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    last = items[-1]
    values = [_cursor_value(_attribute(last, key.lstrip("-"))) for key in order]
    return items, cursor_encode({"k": values})


def _attribute(obj: Any, path: str) -> Any:
    for name in path.split("__"):
        obj = getattr(obj, name)
    return obj


def _cursor_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _after_position[M: Model](
    queryset: QuerySet[M], order: tuple[str, ...], position: dict[str, Any]
) -> QuerySet[M]:
    invalid = HttpError(400, _("This cursor is not valid: use the “next” value of a page."))
    values = position.get("k")
    if not isinstance(values, list) or len(values) != len(order):
        raise invalid
    if not all(isinstance(value, str | int) for value in values):
        raise invalid
    if any(isinstance(value, int) and not -_MAX_ID <= value <= _MAX_ID for value in values):
        raise invalid  # more than a database integer holds
    last_id = values[-1]
    if not isinstance(last_id, int) or isinstance(last_id, bool) or not 0 <= last_id <= _MAX_ID:
        raise invalid
    # (a, b, c) after (x, y, z): a > x, or a = x and b > y, or a = x, b = y and c > z
    # ("<" for descending keys).
    after = Q()
    for i, key in enumerate(order):
        field = key.lstrip("-")
        step = Q(**{f"{field}__{'lt' if key.startswith('-') else 'gt'}": values[i]})
        for previous, value in zip(order[:i], values[:i], strict=True):
            step &= Q(**{previous.lstrip("-"): value})
        after |= step
    try:
        return queryset.filter(after)
    except (DjangoValidationError, ValueError, TypeError):
        # A forged value that the field cannot hold (a date that is none).
        raise invalid from None


# -- Shared output ----------------------------------------------------------


class PersonRef(Schema):
    """A person as others see them next to what they wrote or did."""

    id: int
    public_name: str
    handle: str | None
    photo_url: str | None


def viewer_of(request: HttpRequest) -> Any:
    """Who asks: the authenticated person, else an anonymous visitor."""
    auth = getattr(request, "auth", None)
    return auth if auth is not None else getattr(request, "user", AnonymousUser())


def person_ref(request: HttpRequest, person: "User | None") -> dict[str, Any] | None:
    """Never the email or the names behind a display name; nothing but the
    "former member" label for an erased account; for a profile hidden by
    moderation, nothing but a masked name (to all but the person and staff)."""
    if person is None:
        return None
    erased = person.erased_at is not None
    masked = profile_masked(person, viewer_of(request))
    photo_url = None
    if person.photo and not erased and not masked:
        photo_url = request.build_absolute_uri(reverse("accounts:photo", args=[person.pk]))
    return {
        "id": person.pk,
        "public_name": shown_name(person, viewer_of(request)),
        "handle": None if erased or masked else person.handle,
        "photo_url": photo_url,
    }


type SpaceKind = Literal["national", "federation", "section", "group"]
SPACE_KINDS: dict[int, SpaceKind] = {
    Space.Kind.NATIONAL: "national",
    Space.Kind.FEDERATION: "federation",
    Space.Kind.SECTION: "section",
    Space.Kind.GROUP: "group",
}


class SpaceRef(Schema):
    """A space: a group, or the space of a section, a federation or the
    national level."""

    slug: str
    name: str
    kind: SpaceKind


def space_ref(space: "Space") -> dict[str, Any]:
    return {"slug": space.slug, "name": space.name, "kind": SPACE_KINDS[space.kind]}


class ThreadRef(Schema):
    id: int
    title: str


class ModerationOut(Schema):
    """Set when moderation holds or hides a content; null when it is visible."""

    state: Literal["held", "hidden"] = Field(
        description="held: waits for a moderator, seen by its author alone; hidden: replaced "
        "for others by the reason, an article of the charter."
    )
    article: int | None = Field(description="The article of the charter it breaks (hidden).")
    decision_id: int | None = Field(
        description="The public decision that hid it (see the moderation log)."
    )


def clean_fields(form: type[forms.Form], **values: str) -> dict[str, Any]:
    """The values cleaned by the fields of a page's form, so that the API
    checks input exactly as the page does (same limits, same messages), or
    a 422 listing every error."""
    cleaned: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for name, value in values.items():
        try:
            cleaned[name] = form.base_fields[name].clean(value)
        except DjangoValidationError as error:
            errors += [
                {"loc": ["body", "payload", name], "msg": message, "type": part.code or "invalid"}
                for part, message in zip(error.error_list, error.messages, strict=True)
            ]
    if errors:
        raise ValidationError(errors)
    return cleaned


def validation_error(
    field: str, message: str, kind: str, *, where: tuple[str, ...] = ("body", "payload")
) -> ValidationError:
    """A 422 on one field (of the body, unless `where` says ("query",)),
    shaped like ninja's own."""
    return ValidationError([{"loc": [*where, field], "msg": message, "type": kind}])
