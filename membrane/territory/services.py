from typing import Any

from django.db import transaction
from django.utils.text import slugify

from membrane.territory.models import Animator, Unit


def section_join(*, user: Any, section: Unit) -> None:
    """Attach the person to a section (replacing any previous one)."""
    if not section.is_section:
        raise ValueError("Only a section can be joined")
    user.section = section
    user.save(update_fields=["section"])


def section_leave(*, user: Any) -> None:
    user.section = None
    user.save(update_fields=["section"])


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
