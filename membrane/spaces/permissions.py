"""Who may read, write and run a space. Plain predicates over ordered roles.

A person's role in a space:
- staff: animator everywhere (the national team);
- a group: their `Membership` role, if any;
- a territorial space: animator if they animate the unit or a unit above it,
  member if they belong to it (national: everyone signed in; federation: the
  people of its sections; section: its people).
"""

from typing import Any

from django.http import Http404

from membrane.spaces.models import Membership, Role, Space
from membrane.territory.models import Unit
from membrane.territory.permissions import is_animator_of


def _is_active_person(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.erased_at is None)


def belongs_to_unit(user: Any, unit: Unit) -> bool:
    if not _is_active_person(user):
        return False
    if unit.kind == Unit.Kind.NATIONAL:
        return True
    if user.section_id is None:
        return False
    if unit.kind == Unit.Kind.SECTION:
        return bool(user.section_id == unit.pk)
    return bool(user.section.parent_id == unit.pk)


def space_role(user: Any, space: Space) -> int | None:
    """The person's role in the space, or None if they do not belong to it.
    Cached on the space object for the request."""
    if not _is_active_person(user):
        return None
    cache: dict[int, int | None] = space.__dict__.setdefault("_roles", {})
    if user.pk in cache:
        return cache[user.pk]
    role: int | None
    if user.is_staff:
        role = Role.ANIMATOR
    elif space.is_group:
        role = (
            Membership.objects.filter(space=space, user=user).values_list("role", flat=True).first()
        )
    elif space.unit is not None and is_animator_of(user, space.unit):
        role = Role.ANIMATOR
    elif space.unit is not None and belongs_to_unit(user, space.unit):
        role = Role.MEMBER
    else:
        role = None
    cache[user.pk] = role
    return role


def forget_roles(space: Space) -> None:
    """Drop the roles cached on this space object: called after a change of
    membership, so the same request sees the new role."""
    space.__dict__.pop("_roles", None)


def can_view_space(user: Any, space: Space) -> bool:
    return space.visibility == Space.Visibility.PUBLIC or space_role(user, space) is not None


def can_post_in_space(user: Any, space: Space) -> bool:
    return space_role(user, space) is not None


def can_moderate_space(user: Any, space: Space) -> bool:
    role = space_role(user, space)
    return role is not None and role >= Role.MODERATOR


def can_manage_space(user: Any, space: Space) -> bool:
    """Edit the group, decide requests, invite, change roles."""
    role = space_role(user, space)
    return role is not None and role >= Role.ANIMATOR


def can_join_space(user: Any, space: Space, *, invited: bool = False) -> bool:
    """Join at once: an open group, or any group one is invited to."""
    if not space.is_group or not _is_active_person(user) or _is_group_member(user, space):
        return False
    return space.joining == Space.Joining.OPEN or invited


def can_request_to_join(user: Any, space: Space) -> bool:
    return bool(
        space.is_group
        and space.joining == Space.Joining.REQUEST
        and _is_active_person(user)
        and not _is_group_member(user, space)
    )


def can_leave_space(user: Any, space: Space) -> bool:
    return space.is_group and _is_group_member(user, space)


def can_create_group(user: Any) -> bool:
    """Any confirmed person (signed in, so their email is confirmed; active;
    not erased) may create a thematic group."""
    return _is_active_person(user)


def _is_group_member(user: Any, space: Space) -> bool:
    if not user.is_authenticated:
        return False
    if _is_active_person(user) and not user.is_staff:
        # A group's role is its membership's: read once per request.
        return space_role(user, space) is not None
    return Membership.objects.filter(space=space, user=user).exists()


def access_space(slug: str) -> Space:
    """The space at this address, or 404. A private group's name and
    description are public (so people can ask to join); its content is shown
    only where `can_view_space` allows."""
    space = Space.objects.select_related("unit__parent").filter(slug=slug).first()
    if space is None:
        raise Http404("No such space.")
    return space
