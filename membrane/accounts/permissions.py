"""Who may see and do what with people's accounts. Plain predicates, tested
as a matrix of personas in tests/test_permissions_matrix.py."""

from typing import Any

from django.http import Http404

from membrane.accounts.models import ProfileVisibility, User
from membrane.territory.permissions import can_animate


def can_view_profile(viewer: Any, person: User) -> bool:
    if not person.is_active or person.erased_at is not None:
        return bool(viewer.is_authenticated and viewer.is_staff)
    if viewer.is_authenticated and (viewer.pk == person.pk or viewer.is_staff):
        return True
    if person.profile_visibility == ProfileVisibility.PUBLIC:
        return True
    if person.profile_visibility == ProfileVisibility.SIGNED_IN:
        return bool(viewer.is_authenticated)
    return False


def access_profile(viewer: Any, person_id: int) -> User:
    """The person whose profile `viewer` asks for, or 404 when it does not
    exist *or* is hidden from them: hidden profiles do not reveal they exist."""
    person = User.objects.select_related("section__parent").filter(pk=person_id).first()
    if person is None or not can_view_profile(viewer, person):
        raise Http404("No such profile.")
    return person


def can_verify_membership(actor: Any, person: User) -> bool:
    """Staff, or an animator of the person's section or of a unit above it,
    may verify a claimed membership; nobody verifies their own but staff."""
    if not actor.is_authenticated or not person.membership_claimed:
        return False
    if actor.is_staff:
        return True
    if actor.pk == person.pk:
        return False
    return can_animate(actor, person.section)
