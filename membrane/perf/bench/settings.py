"""The benchmark server's settings: the production settings, plus the
`X-Queries` header when PERF_QUERY_HEADER is on (and the main settings do not
already add it). Nothing else differs."""

from membrane.settings import *  # noqa: F403
from membrane.settings import MIDDLEWARE, env_bool

PERF_QUERY_HEADER = env_bool("PERF_QUERY_HEADER", False)
_QUERY_HEADER_MIDDLEWARE = "membrane.perf.middleware.QueryCountHeaderMiddleware"
if PERF_QUERY_HEADER and _QUERY_HEADER_MIDDLEWARE not in MIDDLEWARE:
    MIDDLEWARE = [_QUERY_HEADER_MIDDLEWARE, *MIDDLEWARE]
