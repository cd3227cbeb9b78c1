"""Handles: the short name to mention someone with (@camille-durand)."""

from django.utils.text import slugify


def handle_base(first_name: str, last_name: str) -> str:
    return slugify(f"{first_name} {last_name}")[:50].strip("-") or "membre"


def handle_available(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… the first not in `taken`."""
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"
