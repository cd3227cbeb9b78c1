"""Handles: the short name to mention someone with (@camille-durand)."""

import re

from django.utils.text import slugify

HANDLE_PATTERN = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9-]{0,58}[a-z0-9]|[a-z0-9])(?![\w-])")


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


def handles_in(text: str) -> set[str]:
    """The handles mentioned in a text, lower-cased."""
    return {match.lower() for match in HANDLE_PATTERN.findall(text.lower())}
