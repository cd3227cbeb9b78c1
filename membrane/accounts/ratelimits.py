"""The platform-wide posting limit, per account, kept in the cache (Redis in
production, so that it holds across web processes).

Sign-in, sign-up and password reset are limited by allauth
(settings.ACCOUNT_RATE_LIMITS); each space may add its own, slower rate
(moderation.services.posting_check)."""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from membrane.moderation.services import ModerationError


def posting_rate_consume(*, author: Any) -> None:
    """Count one new thread or reply for `author`, or raise ModerationError
    (429) if they already wrote POSTING_RATE_LIMIT of them in the current
    window of POSTING_RATE_WINDOW seconds. Call before saving anything, so
    that the form keeps the text; a refusal does not count."""
    limit, window = settings.POSTING_RATE_LIMIT, settings.POSTING_RATE_WINDOW
    if limit <= 0 or window <= 0:
        return
    now = int(time.time())
    started = now - now % window
    key = f"membrane:rl:posting:{author.pk}:{started}"
    # A fixed window: add() then incr() are atomic on Redis; at worst a burst
    # straddling two windows gets twice the limit.
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window + 60)
        count = 1
    if count > limit:
        cache.decr(key)
        minutes = max(1, -(-(started + window - now) // 60))
        raise ModerationError(
            ngettext(
                "You have written %(limit)d messages in a short time, the most the platform "
                "accepts. Try again in %(minutes)d minute. Your text is kept below.",
                "You have written %(limit)d messages in a short time, the most the platform "
                "accepts. Try again in %(minutes)d minutes. Your text is kept below.",
                minutes,
            )
            % {"limit": limit, "minutes": minutes},
            status=429,
        )
