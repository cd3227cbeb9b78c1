from typing import Any

from membrane.territory.models import Animator


def export_personal_data(user: Any) -> dict[str, Any]:
    section = user.section
    return {
        "section": (
            {"id": section.pk, "name": section.name, "slug": section.slug} if section else None
        ),
        "animator_of": [
            {"unit": name, "slug": slug, "since": since.isoformat()}
            for name, slug, since in Animator.objects.filter(user=user).values_list(
                "unit__name", "unit__slug", "since"
            )
        ],
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    Animator.objects.filter(user=user).delete()
