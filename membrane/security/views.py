from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from membrane.core.http import AuthenticatedHttpRequest
from membrane.security.forms import AuditFilterForm
from membrane.security.selectors import access_own_session, audit_entries, sessions_of
from membrane.security.services import session_end, sessions_end

AUDIT_PER_PAGE = 50


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    sessions = list(sessions_of(request.user))
    current = request.session.session_key
    for session in sessions:
        session.is_current = session.session_key == current  # type: ignore[attr-defined]
    return _no_store(
        render(request, "security/sessions.html", {"sessions": sessions, "current_key": current})
    )


@login_required
@require_POST
def session_end_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = access_own_session(request.user, session_id)
    if session.session_key == request.session.session_key:
        # Ending this very session is logging out.
        logout(request)
        return redirect("home")
    session_end(session=session)
    messages.success(request, _("The session has been ended."))
    return redirect("security:sessions")


@login_required
@require_POST
def sessions_end_others(request: AuthenticatedHttpRequest) -> HttpResponse:
    ended = sessions_end(user=request.user, except_key=request.session.session_key)
    messages.success(
        request,
        ngettext(
            "%(count)d other session has been ended.",
            "%(count)d other sessions have been ended.",
            ended,
        )
        % {"count": ended},
    )
    return redirect("security:sessions")


@login_required
@require_safe
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied(_("The audit log is for the national team (staff)."))
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries(
        actor=(filters.get("actor") or "").strip(),
        action=filters.get("action") or "",
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(entries, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _no_store(
        render(
            request,
            "security/audit_log.html",
            {"form": form, "page": page, "query": query.urlencode()},
        )
    )
