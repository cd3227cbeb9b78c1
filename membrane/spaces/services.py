from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from membrane.core.queries import count_for_outer_row
from membrane.notifications.models import Kind
from membrane.notifications.services import notify
from membrane.spaces.models import Invitation, JoinRequest, Membership, Role, Space
from membrane.spaces.permissions import forget_roles
from membrane.territory.models import Unit

_KIND_OF_UNIT = {
    Unit.Kind.NATIONAL: Space.Kind.NATIONAL,
    Unit.Kind.FEDERATION: Space.Kind.FEDERATION,
    Unit.Kind.SECTION: Space.Kind.SECTION,
}


class SpaceError(ValueError):
    """A change that the rules of the space refuse; the message says why."""


# Addresses the pages of groups use themselves (/groupes/nouveau/).
_RESERVED_SLUGS = {"nouveau"}


def _free_slug(base: str) -> str:
    base = slugify(base)[:120] or "groupe"
    slug, suffix = base, 2
    while slug in _RESERVED_SLUGS or Space.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def territorial_space_ensure(unit: Unit) -> Space:
    """The conversation space of a territorial unit, created if missing.
    Territorial spaces are private to the people of the unit."""
    space = Space.objects.filter(unit=unit).first()
    if space is None:
        try:
            with transaction.atomic():
                space = Space.objects.create(
                    kind=_KIND_OF_UNIT[Unit.Kind(unit.kind)],
                    unit=unit,
                    name=unit.name,
                    slug=_free_slug(unit.slug),
                    visibility=Space.Visibility.PRIVATE,
                    joining=Space.Joining.INVITATION,
                )
        except IntegrityError:
            # Two first visits at once: the other one created it.
            space = Space.objects.get(unit=unit)
    return space


def group_create(
    *,
    creator: Any,
    name: str,
    description: str = "",
    visibility: str = Space.Visibility.PUBLIC,
    joining: str = Space.Joining.OPEN,
    image: ContentFile[bytes] | None = None,
) -> Space:
    """Create a thematic group; its creator is its first animator."""
    with transaction.atomic():
        group = Space(
            kind=Space.Kind.GROUP,
            name=name.strip(),
            slug=_free_slug(name),
            description=description.strip(),
            visibility=visibility,
            joining=joining,
            created_by=creator,
        )
        if image is not None:
            group.image.save(image.name or "image.jpg", image, save=False)
        group.active_member_count = 1 if creator.is_active else 0
        group.save()
        Membership.objects.create(space=group, user=creator, role=Role.ANIMATOR)
    return group


def _count_member(*, space: Space, user: Any, delta: int) -> None:
    """Add `delta` to the group's stored member count if the person counts
    (an active account); call inside the transaction that adds or removes
    the membership."""
    if user.is_active and user.erased_at is None:
        Space.objects.filter(pk=space.pk).update(
            active_member_count=F("active_member_count") + delta
        )


def member_counts_recount(*, spaces: QuerySet[Space] | None = None, user: Any | None = None) -> int:
    """Count again the stored active members of `spaces` (default: every
    group), or of the groups `user` belongs to: after memberships written in
    bulk (dataset, demo, admin) or after an account's `is_active` changed
    (a ban, an erasure). One UPDATE; returns the number of spaces."""
    if spaces is None:
        spaces = Space.objects.groups()
    if user is not None:
        spaces = spaces.filter(pk__in=Membership.objects.filter(user=user).values("space_id"))
    active = Membership.objects.filter(
        space=OuterRef("pk"), user__is_active=True, user__erased_at=None
    )
    return spaces.update(active_member_count=count_for_outer_row(active, by="space"))


def most_active_forget() -> None:
    """Drop the cached "most active" ranking: a group made public enters it
    at once (one hidden or made private leaves it at once anyway)."""
    from membrane.spaces.selectors import MOST_ACTIVE_DAYS, most_active_key

    cache.delete_many([most_active_key(days) for days in MOST_ACTIVE_DAYS])


def group_update(*, group: Space, image: ContentFile[bytes] | None = None, **fields: Any) -> Space:
    allowed = {"name", "description", "visibility", "joining"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not group fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(group, name, value.strip() if isinstance(value, str) else value)
    if image is not None:
        group.image.save(image.name or "image.jpg", image, save=False)
    group.save()
    if "visibility" in fields:
        most_active_forget()
    return group


def group_join(*, group: Space, user: Any) -> Membership:
    """Join a group (the caller checked `can_join_space`). Accepts a pending
    invitation if there is one."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(space=group, user=user)
        if created:
            _count_member(space=group, user=user, delta=1)
        Invitation.objects.filter(space=group, user=user, accepted_at=None).update(
            accepted_at=timezone.now()
        )
    forget_roles(group)
    return membership


def group_leave(*, group: Space, user: Any) -> None:
    """Leave a group. The last animator cannot leave a group that still has
    members: they must name another animator first."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(space=group, user=user).first()
        if membership is None:
            return
        if membership.role >= Role.ANIMATOR:
            other_animators = Membership.objects.filter(
                space=group, role__gte=Role.ANIMATOR
            ).exclude(pk=membership.pk)
            others = Membership.objects.filter(space=group).exclude(pk=membership.pk)
            if others.exists() and not other_animators.exists():
                raise SpaceError(_("Name another animator before leaving: the group needs one."))
        membership.delete()
        _count_member(space=group, user=user, delta=-1)
    forget_roles(group)


def join_request_create(*, group: Space, user: Any, message: str = "") -> JoinRequest:
    """Ask to join a group that admits on request; its animators are told."""
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(space=group, user=user, message=message.strip())
    except IntegrityError:
        raise SpaceError(_("Your request is already waiting for an answer.")) from None
    animators = [
        m.user
        for m in Membership.objects.filter(space=group, role__gte=Role.ANIMATOR).select_related(
            "user"
        )
    ]
    transaction.on_commit(
        lambda: notify(recipients=animators, kind=Kind.JOIN_REQUEST, actor=user, space=group)
    )
    return request


def join_request_decide(*, join_request: JoinRequest, by: Any, accept: bool) -> JoinRequest:
    with transaction.atomic():
        join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        if join_request.status != JoinRequest.Status.PENDING:
            raise SpaceError(_("This request has already been answered."))
        join_request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.REFUSED
        join_request.decided_by = by
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["status", "decided_by", "decided_at"])
        if accept:
            _membership, created = Membership.objects.get_or_create(
                space=join_request.space, user=join_request.user
            )
            if created:
                _count_member(space=join_request.space, user=join_request.user, delta=1)
            forget_roles(join_request.space)
            transaction.on_commit(
                lambda: notify(
                    recipients=[join_request.user],
                    kind=Kind.REQUEST_ACCEPTED,
                    actor=by,
                    space=join_request.space,
                )
            )
    return join_request


def invitation_create(*, group: Space, user: Any, invited_by: Any) -> Invitation:
    if Membership.objects.filter(space=group, user=user).exists():
        raise SpaceError(_("This person is already a member."))
    invitation, created = Invitation.objects.get_or_create(
        space=group, user=user, defaults={"invited_by": invited_by}
    )
    if not created and invitation.accepted_at is not None:
        # They came in once and left since: a new invitation opens the door again.
        invitation.accepted_at = None
        invitation.invited_by = invited_by
        invitation.save(update_fields=["accepted_at", "invited_by"])
        created = True
    if created:
        transaction.on_commit(
            lambda: notify(recipients=[user], kind=Kind.INVITATION, actor=invited_by, space=group)
        )
    return invitation


def membership_set_role(*, group: Space, user: Any, role: int) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(space=group, user=user)
        if (
            membership.role >= Role.ANIMATOR
            and role < Role.ANIMATOR
            and (
                not Membership.objects.filter(space=group, role__gte=Role.ANIMATOR)
                .exclude(pk=membership.pk)
                .exists()
            )
        ):
            raise SpaceError(_("A group keeps at least one animator."))
        membership.role = role
        membership.save(update_fields=["role"])
    forget_roles(group)
    return membership
