"""/me/sessions: the signed-in person's own sessions, and ending one."""

from datetime import datetime

from django.http import HttpResponse
from ninja import Router, Schema

from membrane.api.common import AuthenticatedApiRequest, error_responses
from membrane.security.selectors import access_own_session, sessions_of
from membrane.security.services import session_end

router = Router(tags=["me"])


class SessionOut(Schema):
    id: int
    browser: str
    system: str
    ip_network: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


@router.get(
    "/me/sessions",
    response={200: list[SessionOut], **error_responses(401)},
    summary="My signed-in sessions",
    description="Browser, system and network (/24 or /48) of each; `current` marks the "
    "session of this request (never true with a token).",
)
def my_sessions(request: AuthenticatedApiRequest) -> list[SessionOut]:
    session = getattr(request, "session", None)
    current = session.session_key if session is not None else None
    return [
        SessionOut(
            id=row.pk,
            browser=row.browser,
            system=row.system,
            ip_network=row.ip_prefix,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            current=current is not None and row.session_key == current,
        )
        for row in sessions_of(request.auth)
    ]


@router.delete(
    "/me/sessions/{session_id}",
    response={204: None, **error_responses(401, 404, 422)},
    summary="End one of my sessions",
    description="Its cookie no longer signs anyone in. Another person's session is 404.",
)
def my_session_end(request: AuthenticatedApiRequest, session_id: int) -> HttpResponse:
    session_end(session=access_own_session(request.auth, session_id))
    return HttpResponse(status=204)
