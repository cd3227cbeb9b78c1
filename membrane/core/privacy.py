"""The personal data export and account erasure, assembled from every app.

Each module named in settings.PRIVACY_MODULES provides:
- `export_personal_data(user) -> dict`: the app's part of the export (JSON-ready);
- `erase_personal_data(user, *, keep_contributions: bool) -> None`: called inside
  the deletion transaction, before the account itself is erased or deleted.
"""

from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.utils import timezone


def privacy_modules() -> list[ModuleType]:
    return [import_module(path) for path in settings.PRIVACY_MODULES]


def export_personal_data(user: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "membrane-personal-data",
        "format_version": 1,
        "exported_at": timezone.now().isoformat(),
    }
    for module in privacy_modules():
        part = module.__name__.split(".")[-2]
        data[part] = module.export_personal_data(user)
    return data


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    for module in privacy_modules():
        module.erase_personal_data(user, keep_contributions=keep_contributions)
