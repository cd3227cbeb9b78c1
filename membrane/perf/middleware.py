"""`X-Queries`: how many SQL queries a request made, for the benchmark.

Only when the setting PERF_QUERY_HEADER is on (the benchmark's server); off,
Django drops the middleware at start-up and it costs nothing. Put it first in
MIDDLEWARE so that the session, the user and the charter check are counted.
"""

import os
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse

HEADER = "X-Queries"


def query_header_on() -> bool:
    """The setting PERF_QUERY_HEADER, or else the environment variable of that
    name (so that listing the middleware behind the flag is enough)."""
    value = getattr(settings, "PERF_QUERY_HEADER", None)
    if value is None:
        value = os.environ.get("PERF_QUERY_HEADER", "").strip().lower() in {
            "1",
            "true",
            "yes",
            "on",
        }
    return bool(value)


class QueryCounter:
    """A database execute wrapper that counts the statements it lets through."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountHeaderMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not query_header_on():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = QueryCounter()
        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[HEADER] = str(counter.count)
        return response
