from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet
from django.utils.text import slugify

from membrane.accounts.models import SEEN_BY_SIGNED_IN, User
from membrane.core.queries import count_for_outer_row
from membrane.territory.models import Animator, Unit

# A person's place in the stored counts: (section id, counted, listed).
Standing = tuple[int | None, int, int]
_NOWHERE: Standing = (None, 0, 0)


def section_join(*, user: Any, section: Unit) -> None:
    """Attach the person to a section (replacing any previous one)."""
    if not section.is_section:
        raise ValueError("Only a section can be joined")
    with section_counts_kept(user):
        user.section = section
        user.save(update_fields=["section"])


def section_leave(*, user: Any) -> None:
    with section_counts_kept(user):
        user.section = None
        user.save(update_fields=["section"])


def is_listed(person: Any) -> bool:
    """Whether the directory lists this person to other signed-in people
    (the rule of accounts.selectors.people_listed_to, for one person)."""
    return bool(
        person.is_active
        and person.erased_at is None
        and person.listed_in_directory
        and person.profile_visibility in SEEN_BY_SIGNED_IN
    )


@contextmanager
def section_counts_kept(person: Any) -> Iterator[None]:
    """Keep the sections' stored counts (Unit.member_count,
    listed_member_count) exact across a change of the person's row made in
    the block, however it is written (save, update, erasure, deletion):
    reads the row before, locked, and after, and moves the person between
    the counts with F() updates in the same transaction. Opens one."""
    with transaction.atomic():
        before = _standing(person.pk, lock=True)
        yield
        _move(before, _standing(person.pk, lock=False))


def _standing(person_id: int | None, *, lock: bool) -> Standing:
    if person_id is None:
        return _NOWHERE
    rows = User.objects.filter(pk=person_id)
    if lock:
        rows = rows.select_for_update()
    row = rows.values_list(
        "section_id", "is_active", "erased_at", "listed_in_directory", "profile_visibility"
    ).first()
    if row is None:
        return _NOWHERE
    section_id, is_active, erased_at, listed, visibility = row
    if section_id is None or not is_active or erased_at is not None:
        return _NOWHERE
    return section_id, 1, int(listed and visibility in SEEN_BY_SIGNED_IN)


def _move(before: Standing, after: Standing) -> None:
    if before == after:
        return
    deltas: dict[int, list[int]] = {}
    for (section_id, counted, listed), sign in ((before, -1), (after, 1)):
        if section_id is not None:
            delta = deltas.setdefault(section_id, [0, 0])
            delta[0] += sign * counted
            delta[1] += sign * listed
    # In the order of the ids: two people moving between the same two
    # sections at once lock them in the same order.
    for section_id in sorted(deltas):
        people, listed = deltas[section_id]
        if people or listed:
            Unit.objects.filter(pk=section_id).update(
                member_count=F("member_count") + people,
                listed_member_count=F("listed_member_count") + listed,
            )


def section_counts_recount(*, units: QuerySet[Unit] | None = None) -> int:
    """Count again the stored people of `units` (default: every section),
    from scratch: after people written in bulk, past the services (dataset,
    demo, admin deletions). One UPDATE; returns the number of units."""
    if units is None:
        units = Unit.objects.sections()
    counted = User.objects.filter(section=OuterRef("pk"), is_active=True, erased_at=None)
    listed = counted.filter(listed_in_directory=True, profile_visibility__in=SEEN_BY_SIGNED_IN)
    return units.update(
        member_count=count_for_outer_row(counted, by="section"),
        listed_member_count=count_for_outer_row(listed, by="section"),
    )


def animator_appoint(*, unit: Unit, user: Any) -> Animator:
    animator, _created = Animator.objects.get_or_create(unit=unit, user=user)
    return animator


def animator_remove(*, unit: Unit, user_id: int) -> None:
    Animator.objects.filter(unit=unit, user_id=user_id).delete()


def _with_space(unit: Unit) -> Unit:
    """Every unit has its conversation space (see spaces.services)."""
    from membrane.spaces.services import territorial_space_ensure

    territorial_space_ensure(unit)
    return unit


def national_unit() -> Unit:
    unit, _created = Unit.objects.get_or_create(
        kind=Unit.Kind.NATIONAL, defaults={"name": "National", "slug": "national"}
    )
    return _with_space(unit)


def federation_upsert(*, code: str, name: str) -> Unit:
    national = national_unit()
    unit, _created = Unit.objects.update_or_create(
        kind=Unit.Kind.FEDERATION,
        code=code,
        defaults={"name": name, "parent": national, "slug": f"federation-{code.lower()}"},
    )
    return _with_space(unit)


def section_create(*, federation: Unit, name: str, commune: str, postcode: str) -> Unit:
    with transaction.atomic():
        base = slugify(name) or "section"
        slug = base
        suffix = 2
        while Unit.objects.filter(slug=slug).exists():
            slug = f"{base}-{suffix}"
            suffix += 1
        return _with_space(
            Unit.objects.create(
                kind=Unit.Kind.SECTION,
                parent=federation,
                name=name,
                slug=slug,
                commune=commune,
                postcode=postcode,
            )
        )
