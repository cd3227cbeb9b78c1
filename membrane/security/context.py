"""Where the current request comes from, for audit entries written deep in
services that are not handed the request (moderation, roles, imports)."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    ip_prefix: str
    path: str


current_origin: ContextVar[RequestOrigin | None] = ContextVar("current_origin", default=None)
