"""Writes: the sessions mirror (start, touch, end) and the audit log."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from membrane.security.context import current_origin
from membrane.security.devices import request_device, request_ip_prefix
from membrane.security.models import AuditAction, AuditEntry, UserSession

# Session keys of our own, read on every request without a query.
STARTED_KEY = "_security_started"
SEEN_KEY = "_security_seen"
# Writing "last seen" on every request would cost a session save and a query
# per request: once a minute is precise enough for a sessions list.
TOUCH_EVERY = timedelta(minutes=1)
# Defaults of the timeouts, in seconds; settings.SESSION_IDLE_TIMEOUT and
# settings.SESSION_ABSOLUTE_TIMEOUT override them.
IDLE_TIMEOUT = 14 * 24 * 3600
ABSOLUTE_TIMEOUT = 30 * 24 * 3600


def now() -> datetime:
    """The clock of the timeouts (tests replace it)."""
    return timezone.now()


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


def _moment(stamp: Any) -> datetime | None:
    if not isinstance(stamp, int | float):
        return None
    return datetime.fromtimestamp(stamp, tz=UTC)


# -- Sessions ----------------------------------------------------------------


def session_start(*, request: HttpRequest, user: Any) -> UserSession | None:
    """Record the request's session as one of the person's (called at login,
    after Django gave the session its new key)."""
    session = request.session
    if session.session_key is None:
        session.save()
    moment = now()
    session[STARTED_KEY] = _stamp(moment)
    session[SEEN_KEY] = _stamp(moment)
    return _row_ensure(request=request, user=user, started=moment)


def _row_ensure(*, request: HttpRequest, user: Any, started: datetime) -> UserSession | None:
    key = request.session.session_key
    if key is None:
        return None
    browser, system = request_device(request)
    row, _created = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "last_seen_at": now(),
            "browser": browser,
            "system": system,
            "ip_prefix": request_ip_prefix(request),
        },
        create_defaults={
            "user": user,
            "created_at": started,
            "last_seen_at": now(),
            "browser": browser,
            "system": system,
            "ip_prefix": request_ip_prefix(request),
        },
    )
    return row


def session_expired(session: SessionBase) -> bool:
    """Whether the session passed its idle or absolute timeout (reads the
    session only: no query)."""
    started, seen = _moment(session.get(STARTED_KEY)), _moment(session.get(SEEN_KEY))
    if started is None or seen is None:
        return False
    absolute = getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", ABSOLUTE_TIMEOUT)
    idle = getattr(settings, "SESSION_IDLE_TIMEOUT", IDLE_TIMEOUT)
    moment = now()
    return moment - started > timedelta(seconds=absolute) or moment - seen > timedelta(seconds=idle)


def session_touch(*, request: HttpRequest, user: Any) -> None:
    """Mark the session as seen now, at most once a minute (one small UPDATE
    then, nothing on other requests). A session from before this app, or
    whose key changed, gets its row."""
    session = request.session
    seen = _moment(session.get(SEEN_KEY))
    moment = now()
    if seen is not None and moment - seen < TOUCH_EVERY:
        return
    if session.get(STARTED_KEY) is None:
        session[STARTED_KEY] = _stamp(moment)
    session[SEEN_KEY] = _stamp(moment)
    key = session.session_key
    updated = (
        UserSession.objects.filter(session_key=key, user=user).update(last_seen_at=moment)
        if key
        else 0
    )
    if not updated:
        started = _moment(session.get(STARTED_KEY)) or moment
        _row_ensure(request=request, user=user, started=started)


def _store_delete(session_keys: Iterable[str]) -> None:
    """Delete sessions from the store itself (cache and database for
    cached_db): their cookies no longer sign anyone in."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    for key in session_keys:
        store_class(session_key=key).delete()


def sessions_end(*, user: Any, except_key: str | None = None) -> int:
    """End the person's recorded sessions but `except_key`; the number ended."""
    rows = UserSession.objects.filter(user=user)
    if except_key:
        rows = rows.exclude(session_key=except_key)
    keys = list(rows.values_list("session_key", flat=True))
    _store_delete(keys)
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def session_end(*, session: UserSession) -> None:
    _store_delete([session.session_key])
    session.delete()


def session_forget(*, session_key: str | None) -> None:
    """The session was logged out (its store entry is flushed by Django)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_after_password_change(*, request: HttpRequest | None, user: Any) -> int:
    """A new password ends every other session; this one goes on (its key
    may have changed: Django cycles it on a password change)."""
    current = None
    if request is not None and getattr(request, "user", None) == user:
        current = request.session.session_key
    ended = sessions_end(user=user, except_key=current)
    if current is not None and request is not None:
        started = _moment(request.session.get(STARTED_KEY)) or now()
        _row_ensure(request=request, user=user, started=started)
    return ended


# -- Audit log ---------------------------------------------------------------


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Append an entry to the audit log. Where from (IP network, path) comes
    from `request` or else from the request being served (the middleware
    notes it), and stays empty for commands."""
    if request is not None:
        ip_prefix, path = request_ip_prefix(request), request.path
    else:
        origin = current_origin.get()
        ip_prefix, path = (origin.ip_prefix, origin.path) if origin else ("", "")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        ip_prefix=ip_prefix,
        path=path[:300],
    )
