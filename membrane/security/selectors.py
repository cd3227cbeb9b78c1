from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from membrane.security.models import AuditEntry, UserSession


def sessions_of(user: Any) -> QuerySet[UserSession]:
    return UserSession.objects.filter(user=user).order_by("-last_seen_at", "-pk")


def access_own_session(user: Any, session_id: int) -> UserSession:
    """The person's own session, or 404 (another person's looks absent)."""
    return get_object_or_404(UserSession, pk=session_id, user=user)


def audit_entries(
    *,
    actor: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """The log, newest first, filtered; the actor is loaded with each entry."""
    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-pk")
    if actor:
        lookup = Q(actor__email__icontains=actor) | Q(actor__display_name__icontains=actor)
        if actor.isdigit():
            lookup |= Q(actor_id=int(actor))
        entries = entries.filter(lookup)
    if action:
        entries = entries.filter(action=action)
    tz = timezone.get_current_timezone()
    if since is not None:
        entries = entries.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
        entries = entries.filter(at__lt=end)
    return entries
