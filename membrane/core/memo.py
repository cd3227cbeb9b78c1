"""A per-process memo of a few seconds in front of the shared cache, for the
values every page reads and that change about once a year (the instance's
settings, the charter's number): two cache round trips saved per page.

A change reaches the other processes within MEMO_SECONDS: each forgets its
own copy at once, the shared cache is cleared by whoever made the change."""

import time
from collections.abc import Callable
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

MEMO_SECONDS = 5.0

_memo: dict[str, tuple[float, Any]] = {}


def memoised(key: str, load: Callable[[], Any]) -> Any:
    now = time.monotonic()
    held = _memo.get(key)
    if held is not None and held[0] > now:
        return held[1]
    value = load()
    _memo[key] = (now + MEMO_SECONDS, value)
    return value


def forget(key: str) -> None:
    _memo.pop(key, None)


@receiver(setting_changed)
def _forget_all_when_the_cache_changes(*, setting: str, **kwargs: Any) -> None:
    # Tests give each test its own cache (and database state): no memo
    # may outlive it.
    if setting in ("CACHES", "DATABASES"):
        _memo.clear()
