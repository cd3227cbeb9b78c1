from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from membrane.accounts.forms import SectionChoiceForm
from membrane.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from membrane.security.models import AuditAction
from membrane.security.services import audit_record
from membrane.spaces.services import territorial_space_ensure
from membrane.territory.models import Unit
from membrane.territory.permissions import can_animate, can_join_section
from membrane.territory.selectors import (
    federation_list,
    section_members,
    section_search,
    unit_animators,
)
from membrane.territory.services import (
    animator_appoint,
    animator_remove,
    section_join,
    section_leave,
)


def section_list(request: HtmxHttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or request.GET.get("section_query") or "").strip()[:120]
    if request.htmx and request.GET.get("picker"):
        # Suggestions for the section picker of the sign-up and choice forms.
        sections = list(section_search(query)[:20]) if query else []
        return render(request, "territory/_section_choices.html", {"sections": sections})
    page = Paginator(section_search(query), 30).get_page(request.GET.get("page"))
    template = "territory/section_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"page": page, "query": query})


# As many people a page as a group's members page.
MEMBERS_PER_PAGE = 50


class CountedPaginator(Paginator[Any]):
    """A paginator given its count: no COUNT query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def section_detail(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Unit.objects.sections().select_related("parent__parent"), slug=slug)
    members, shown = section_members(section=section, viewer=request.user)
    # A page of members: a section may have thousands, counted in advance.
    page = CountedPaginator(members, MEMBERS_PER_PAGE, count=shown).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "territory/section_detail.html",
        {
            "section": section,
            "members": page,
            "member_total": section.member_count,
            "hidden_count": max(section.member_count - shown, 0),
            "animators": unit_animators(section),
            "is_member": request.user.is_authenticated and request.user.section_id == section.pk,
            "can_animate": can_animate(request.user, section),
            "space": territorial_space_ensure(section),
        },
    )


@login_required
@require_POST
def section_join_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Unit.objects.sections(), slug=slug)
    if can_join_section(request.user, section):
        section_join(user=request.user, section=section)
        messages.success(request, _("Welcome to %(name)s!") % {"name": section.name})
    return redirect("territory:section", slug=section.slug)


@login_required
@require_POST
def section_leave_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    section_leave(user=request.user)
    messages.success(request, _("You are no longer attached to a section."))
    return redirect("territory:sections")


@login_required
@require_http_methods(["GET", "POST"])
def section_choose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose a section from the account settings, by commune, postcode or name."""
    form = SectionChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        section = form.cleaned_data.get("section")
        if section is not None:
            section_join(user=request.user, section=section)
            messages.success(request, _("Welcome to %(name)s!") % {"name": section.name})
            return redirect("territory:section", slug=section.slug)
        form.add_error(
            "section_query", _("Type a commune, a postcode or a name to find your section.")
        )
    return render(
        request, "territory/section_choose.html", {"form": form}, status=400 if form.errors else 200
    )


def federation_index(request: HttpRequest) -> HttpResponse:
    return render(request, "territory/federation_list.html", {"federations": federation_list()})


def federation_detail(request: HttpRequest, code: str) -> HttpResponse:
    federation = get_object_or_404(
        Unit.objects.federations().select_related("parent"), code=code.upper()
    )
    sections = section_search("").filter(parent=federation)
    return render(
        request,
        "territory/federation_detail.html",
        {
            "federation": federation,
            "sections": sections,
            "animators": unit_animators(federation),
            "space": territorial_space_ensure(federation),
        },
    )


@login_required
@require_POST
def animator_appoint_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """An animator of the section or of a unit above it names a co-animator
    among the section's members."""
    section = get_object_or_404(Unit.objects.sections().select_related("parent"), slug=slug)
    if not can_animate(request.user, section):
        raise PermissionDenied
    raw_id = request.POST.get("person", "")
    person = section.people.filter(pk=raw_id, is_active=True).first() if raw_id.isdigit() else None
    if person is None:
        messages.error(request, _("Choose a member of this section."))
    else:
        animator_appoint(unit=section, user=person)
        audit_record(
            actor=request.user,
            action=AuditAction.ANIMATOR_APPOINT,
            target=section,
            summary=f"person {person.pk}",
        )
        messages.success(
            request, _("%(name)s now animates this section.") % {"name": person.public_name}
        )
    return redirect("territory:section", slug=section.slug)


@login_required
@require_POST
def animator_remove_view(
    request: AuthenticatedHttpRequest, slug: str, person_id: int
) -> HttpResponse:
    section = get_object_or_404(Unit.objects.sections().select_related("parent"), slug=slug)
    if not can_animate(request.user, section):
        raise PermissionDenied
    animator_remove(unit=section, user_id=person_id)
    audit_record(
        actor=request.user,
        action=AuditAction.ANIMATOR_REMOVE,
        target=section,
        summary=f"person {person_id}",
    )
    messages.success(request, _("The animator has been removed."))
    return redirect("territory:section", slug=section.slug)
