"""Moderation in the API: reports, the queue, decisions, appeals, the public
log and space policies — same permissions and services as the pages."""

from ninja import Router

router = Router(tags=["moderation"])
