"""A few seconds of cache for the pages anonymous visitors read (issue 8).

Django spends 10 to 20 ms of CPU on a page (query building and templates);
anonymous visitors, most of a party's traffic on a busy day, all see the same
page, so one render can serve them all for a few seconds. Signed-in people
never go through it: their pages carry their name, counters and rights.

Bounded staleness, not invalidation: a new post reaches anonymous visitors
at most ANONYMOUS_PAGE_CACHE_SECONDS late. What must vanish at once does:
moderation decisions call `forget_anonymous_pages()`, which moves every key
to a new generation.

A response is stored only when it is the same for every anonymous visitor:
a 200 to a GET without a session or messages cookie, not an htmx request,
setting no cookie (so no CSRF token in it, which would be one visitor's),
using no CSP nonce (which must be new for each response), and not marked
private or no-store."""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation

_GENERATION_KEY = "anonymous-pages-generation"
_KEY_PREFIX = "anonymous-page"
# Cookies that may make a page differ from one visitor to another.
_PERSONAL_COOKIES = ("messages",)


def forget_anonymous_pages() -> None:
    """Anonymous visitors get fresh pages from now on (the old entries expire
    on their own)."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # no generation yet: the next one is any new value
        cache.set(_GENERATION_KEY, 1, None)


def _seconds() -> int:
    return int(getattr(settings, "ANONYMOUS_PAGE_CACHE_SECONDS", 0))


# The benchmark's bare view measures Django itself, not this cache.
_NEVER_CACHED_PREFIXES = ("/_perf/",)


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return False
    if request.path.startswith(_NEVER_CACHED_PREFIXES):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and not any(
        name in cookies for name in _PERSONAL_COOKIES
    )


def _page_key(request: HttpRequest, generation: int) -> str:
    language = translation.get_language_from_request(request)
    raw = f"{request.get_host()}|{request.get_full_path()}|{language}|{generation}"
    return f"{_KEY_PREFIX}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    user = getattr(request, "user", None)
    nonce = getattr(request, "_csp_nonce", None)
    cache_control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (user is not None and user.is_authenticated)
        and not nonce  # a LazyNonce is false until something used it
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class AnonymousPageCacheMiddleware:
    """Placed before the session, locale and CSRF middleware: a hit skips
    them all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = _seconds()
        if seconds <= 0 or not _cacheable_request(request):
            return self.get_response(request)
        generation = cache.get(_GENERATION_KEY, 0)
        key = _page_key(request, generation)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content if request.method == "GET" else b"")
            for name, value in headers:
                response.headers[name] = value
            return response
        response = self.get_response(request)
        if _storable(request, response):
            cache.set(key, (response.content, list(response.headers.items())), seconds)
        return response
