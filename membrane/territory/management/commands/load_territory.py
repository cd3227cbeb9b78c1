from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from membrane.territory.departements import DEPARTEMENTS
from membrane.territory.models import Unit
from membrane.territory.services import federation_upsert, national_unit


class Command(BaseCommand):
    help = "Create or update the national unit and the 101 federations (one per département)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            national_existed = Unit.objects.filter(kind=Unit.Kind.NATIONAL).exists()
            national = national_unit()
            existing = {unit.code: unit for unit in Unit.objects.federations()}
            created = updated = 0
            for code, name in DEPARTEMENTS:
                unit = existing.get(code)
                if unit is None:
                    created += 1
                elif (
                    unit.name != name
                    or unit.parent_id != national.pk
                    or unit.slug != f"federation-{code.lower()}"
                ):
                    updated += 1
                else:
                    # Already up to date: leave the row alone.
                    continue
                federation_upsert(code=code, name=name)
        unchanged = len(DEPARTEMENTS) - created - updated
        self.stdout.write(
            f"National unit: {'unchanged' if national_existed else 'created'}. "
            f"Federations: {created} created, {updated} updated, {unchanged} unchanged."
        )
