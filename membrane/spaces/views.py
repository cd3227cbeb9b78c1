"""Pages of spaces: the group directory, a space's page (groups and
territorial spaces share it), group forms, members, invitations and requests.

Refused actions re-render the page they came from with the reason and a
4xx status, keeping what was typed."""

import mimetypes
import re
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from membrane.accounts.selectors import people_visible_to
from membrane.conversations.moderated import hiding_decisions, in_place
from membrane.conversations.permissions import can_start_thread
from membrane.conversations.selectors import threads_of_space
from membrane.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from membrane.moderation.permissions import can_moderate, can_moderate_in, can_report
from membrane.security.models import AuditAction
from membrane.security.services import audit_record
from membrane.spaces.forms import GroupForm, JoinRequestForm
from membrane.spaces.models import JoinRequest, Membership, Role, Space
from membrane.spaces.permissions import (
    access_space,
    can_create_group,
    can_join_space,
    can_leave_space,
    can_manage_space,
    can_request_to_join,
    can_view_space,
    space_role,
)
from membrane.spaces.selectors import (
    group_directory,
    group_faces,
    group_members_visible_to,
    has_pending_invitation,
    invitable_people,
    most_active_groups,
    most_populated_groups,
    pending_join_requests,
    pending_request_of,
    space_member_count,
)
from membrane.spaces.services import (
    SpaceError,
    group_create,
    group_join,
    group_leave,
    group_update,
    invitation_create,
    join_request_create,
    join_request_decide,
    membership_set_role,
)

GROUPS_PER_PAGE = 20
THREADS_PER_PAGE = 25
MEMBERS_PER_PAGE = 50
RANKING_SIZE = 5
FACES_SHOWN = 12


def initials(name: str) -> str:
    """Up to two letters standing for a group without an image."""
    words = [word for word in re.split(r"[\s'\u2019-]+", name) if len(word) > 2] or name.split()
    return "".join(word[0] for word in words[:2]).upper()


def _with_initials(groups: Iterable[Space]) -> list[Space]:
    groups = list(groups)
    for group in groups:
        group.initials = initials(group.name)  # type: ignore[attr-defined]
    return groups


def _access_group(slug: str) -> Space:
    space = access_space(slug)
    if not space.is_group:
        raise Http404("No such group.")
    return space


# The directory and the space page


def group_list(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:120]
    page = Paginator(group_directory(query=query, viewer=request.user), GROUPS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = _with_initials(page.object_list)
    context: dict[str, Any] = {"page": page, "query": query}
    if request.htmx:
        return render(request, "spaces/group_list.html#results", context)
    context |= {
        "most_populated": _with_initials(
            most_populated_groups(viewer=request.user, limit=RANKING_SIZE)
        ),
        "most_active": _with_initials(most_active_groups(days=30, limit=RANKING_SIZE)),
        "can_create": can_create_group(request.user),
    }
    return render(request, "spaces/group_list.html", context)


def group_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    space = access_space(slug)
    if not space.is_group:
        return redirect("spaces:space", slug=space.slug)
    return _space_page(request, space)


def space_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    space = access_space(slug)
    if space.is_group:
        return redirect("spaces:group", slug=space.slug)
    return _space_page(request, space)


def _space_page(
    request: HtmxHttpRequest,
    space: Space,
    *,
    status: int = 200,
    request_form: JoinRequestForm | None = None,
) -> HttpResponse:
    user = request.user
    role = space_role(user, space)
    can_view = can_view_space(user, space)
    space.initials = initials(space.name)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "space": space,
        "role": Role(role) if role is not None else None,
        "member_count": space_member_count(space),
        "can_view": can_view,
    }
    if space.is_group:
        context |= _joining_context(user, space, request_form)
        context |= _group_moderation(user, space)
    if can_view:
        threads = threads_of_space(space=space, viewer=user)
        context |= {
            "threads": Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page")),
            "can_start_thread": can_start_thread(user, space),
        }
        if space.is_group:
            context["faces"] = group_faces(space=space, viewer=user)[:FACES_SHOWN]
        if request.htmx and status == 200:
            return render(request, "spaces/space_detail.html#threads", context)
    return render(request, "spaces/space_detail.html", context, status=status)


def _group_moderation(user: Any, group: Space) -> dict[str, Any]:
    """A group hidden by moderation keeps its name; its description and
    image are masked for all but its creator and staff, who moderate groups."""
    decision = hiding_decisions([group]).get(group.pk)
    group.in_place = in_place(  # type: ignore[attr-defined]
        group, viewer=user, decision=decision, moderates=can_moderate_in(user, None)
    )
    return {"can_report": can_report(user, group), "can_moderate": can_moderate(user, group)}


def _joining_context(
    user: Any, group: Space, request_form: JoinRequestForm | None
) -> dict[str, Any]:
    """What the person may do about belonging to the group, and for its
    animators, how many requests wait."""
    invited = has_pending_invitation(space=group, user=user)
    pending = pending_request_of(space=group, user=user)
    can_manage = can_manage_space(user, group)
    return {
        "can_manage": can_manage,
        "is_member": can_leave_space(user, group),
        "invited": invited,
        "can_join": can_join_space(user, group, invited=invited),
        "pending_request": pending,
        "can_request": pending is None and can_request_to_join(user, group),
        "request_form": request_form or JoinRequestForm(),
        "pending_count": pending_join_requests(group).count() if can_manage else 0,
    }


def group_image(request: HtmxHttpRequest, slug: str) -> FileResponse:
    """A group's image is as public as its name (media files are not served
    publicly)."""
    space = access_space(slug)
    if not space.image:
        raise Http404("No image.")
    if in_place(space, viewer=request.user, moderates=can_moderate_in(request.user, None)).masked:
        raise Http404("No image.")
    try:
        image = space.image.open("rb")
    except FileNotFoundError:
        raise Http404("No image.") from None
    content_type = mimetypes.guess_type(space.image.name or "")[0] or "image/jpeg"
    response = FileResponse(image, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


# Creating and editing a group


@login_required
@require_http_methods(["GET", "POST"])
def group_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_create_group(request.user):
        raise PermissionDenied
    form = GroupForm(request.POST, request.FILES) if request.method == "POST" else GroupForm()
    if request.method == "POST" and form.is_valid():
        group = group_create(
            creator=request.user, image=form.processed_image, **form.group_fields()
        )
        messages.success(request, _("Your group is ready: invite people to join it."))
        return redirect("spaces:group", slug=group.slug)
    return render(
        request,
        "spaces/group_form.html",
        {"form": form, "group": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _access_group(slug)
    if not can_manage_space(request.user, group):
        raise PermissionDenied
    if request.method == "POST":
        form = GroupForm(request.POST, request.FILES)
    else:
        form = GroupForm(initial=GroupForm.initial_of(group))
    if request.method == "POST" and form.is_valid():
        group_update(group=group, image=form.processed_image, **form.group_fields())
        messages.success(request, _("The group has been saved."))
        return redirect("spaces:group", slug=group.slug)
    return render(
        request,
        "spaces/group_form.html",
        {"form": form, "group": group},
        status=400 if form.errors else 200,
    )


# Joining, asking, leaving


@login_required
@require_POST
def group_join_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _access_group(slug)
    invited = has_pending_invitation(space=group, user=request.user)
    if can_leave_space(request.user, group):
        messages.info(request, _("You are already a member of this group."))
    elif not can_join_space(request.user, group, invited=invited):
        if group.joining == Space.Joining.REQUEST:
            messages.error(
                request, _("This group admits people on request: ask its animators to join.")
            )
        else:
            messages.error(request, _("This group admits people on invitation only."))
        return _space_page(request, group, status=403)
    else:
        group_join(group=group, user=request.user)
        messages.success(request, _("Welcome to %(name)s!") % {"name": group.name})
    return redirect("spaces:group", slug=group.slug)


@login_required
@require_POST
def group_request_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _access_group(slug)
    form = JoinRequestForm(request.POST)
    if not can_request_to_join(request.user, group):
        if can_leave_space(request.user, group):
            messages.info(request, _("You are already a member of this group."))
            return redirect("spaces:group", slug=group.slug)
        messages.error(request, _("This group does not take requests to join."))
        return _space_page(request, group, status=403)
    if not form.is_valid():
        return _space_page(request, group, status=400, request_form=form)
    try:
        join_request_create(group=group, user=request.user, message=form.cleaned_data["message"])
    except SpaceError as error:
        messages.error(request, str(error))
        return _space_page(request, group, status=409, request_form=form)
    messages.success(request, _("Your request has been sent to the group's animators."))
    return redirect("spaces:group", slug=group.slug)


@login_required
@require_POST
def group_leave_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _access_group(slug)
    if not can_leave_space(request.user, group):
        messages.info(request, _("You are not a member of this group."))
        return redirect("spaces:group", slug=group.slug)
    try:
        group_leave(group=group, user=request.user)
    except SpaceError as error:
        messages.error(request, str(error))
        return _space_page(request, group, status=409)
    messages.success(request, _("You have left %(name)s.") % {"name": group.name})
    return redirect("spaces:group", slug=group.slug)


# Members, roles and invitations


def group_members_view(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    group = _access_group(slug)
    if not can_view_space(request.user, group):
        # A private group does not show who belongs to it.
        return redirect("spaces:group", slug=group.slug)
    if request.user.is_staff or can_manage_space(request.user, group):
        audit_record(actor=request.user, action=AuditAction.MEMBER_LIST_VIEW, target=group)
    return _members_page(request, group)


def _members_page(
    request: HtmxHttpRequest, group: Space, *, status: int = 200, error: str = ""
) -> HttpResponse:
    user = request.user
    can_manage = can_manage_space(user, group)
    members = group_members_visible_to(space=group, viewer=user, manager=can_manage)
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()[:120]
    candidates = invitable_people(space=group, viewer=user, query=query) if can_manage else []
    return render(
        request,
        "spaces/members.html",
        {
            "space": group,
            "page": page,
            "member_count": space_member_count(group),
            "can_manage": can_manage,
            "roles": Role.choices,
            "query": query,
            "candidates": candidates,
            "invite_error": error,
        },
        status=status,
    )


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, slug: str, person_id: int) -> HttpResponse:
    group = _access_group(slug)
    if not can_manage_space(request.user, group):
        raise PermissionDenied
    membership = (
        Membership.objects.select_related("user").filter(space=group, user_id=person_id).first()
    )
    if membership is None:
        raise Http404("Not a member.")
    raw_role = request.POST.get("role", "")
    if not raw_role.isdigit() or int(raw_role) not in Role.values:
        messages.error(request, _("Choose a role among member, moderator and animator."))
        return _members_page(request, group, status=400)
    try:
        membership_set_role(group=group, user=membership.user, role=int(raw_role))
    except SpaceError as error:
        messages.error(request, str(error))
        return _members_page(request, group, status=409)
    audit_record(
        actor=request.user,
        action=AuditAction.SPACE_ROLE_CHANGE,
        target=membership,
        summary=f"{group.slug}: person {membership.user_id} -> role {raw_role}",
    )
    messages.success(
        request,
        _("The role of %(name)s is now: %(role)s.")
        % {"name": membership.user.public_name, "role": Role(int(raw_role)).label},
    )
    return redirect("spaces:members", slug=group.slug)


@login_required
@require_POST
def member_invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _access_group(slug)
    if not can_manage_space(request.user, group):
        raise PermissionDenied
    raw_id = request.POST.get("person", "")
    person = people_visible_to(request.user).filter(pk=raw_id).first() if raw_id.isdigit() else None
    if person is None:
        error = _("Choose a person to invite: search by name or by handle (@name).")
        return _members_page(request, group, status=400, error=error)
    try:
        invitation_create(group=group, user=person, invited_by=request.user)
    except SpaceError as error:
        return _members_page(request, group, status=409, error=str(error))
    messages.success(
        request, _("%(name)s is invited: they will be told.") % {"name": person.public_name}
    )
    url = reverse("spaces:members", kwargs={"slug": group.slug})
    query = request.POST.get("q", "").strip()[:120]
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


# Join requests


@login_required
def group_requests(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _access_group(slug)
    if not can_manage_space(request.user, group):
        raise PermissionDenied
    return _requests_page(request, group)


def _requests_page(
    request: AuthenticatedHttpRequest, group: Space, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "spaces/requests.html",
        {"space": group, "join_requests": pending_join_requests(group)},
        status=status,
    )


@login_required
@require_POST
def request_decide(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    group = _access_group(slug)
    if not can_manage_space(request.user, group):
        raise PermissionDenied
    join_request = (
        JoinRequest.objects.select_related("user").filter(space=group, pk=request_id).first()
    )
    if join_request is None:
        raise Http404("No such request.")
    decision = request.POST.get("decision")
    if decision not in {"accept", "refuse"}:
        messages.error(request, _("Choose to accept or to refuse the request."))
        return _requests_page(request, group, status=400)
    try:
        join_request_decide(join_request=join_request, by=request.user, accept=decision == "accept")
    except SpaceError as error:
        messages.error(request, str(error))
        return _requests_page(request, group, status=409)
    name = join_request.user.public_name
    if decision == "accept":
        messages.success(request, _("%(name)s is now a member.") % {"name": name})
    else:
        messages.success(request, _("The request of %(name)s is refused.") % {"name": name})
    return redirect("spaces:requests", slug=group.slug)
