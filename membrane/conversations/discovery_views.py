"""The home feed and search: pages over feed.py and search.py."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from membrane.conversations.feed import InvalidCursor, feed_items
from membrane.conversations.search import (
    GROUPS,
    KINDS,
    MAX_QUERY_LENGTH,
    PEOPLE,
    POSTS,
    THREADS,
    search,
)
from membrane.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from membrane.core.text import normalize_for_search

SEARCH_TYPES = {
    "all": gettext_lazy("Everything"),
    THREADS: gettext_lazy("Threads"),
    POSTS: gettext_lazy("Messages"),
    GROUPS: gettext_lazy("Groups and sections"),
    PEOPLE: gettext_lazy("People"),
}


@login_required
@require_GET
def feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What is new in my spaces and from the people I follow. With htmx, the
    next page's items alone, to append under the current ones."""
    cursor = request.GET.get("cursor") or None
    try:
        items, next_cursor = feed_items(viewer=request.user, cursor=cursor)
    except InvalidCursor:
        error = _("This page of the feed does not exist. Start again from the newest items.")
        return render(request, "discovery/feed.html", {"error": error}, status=400)
    template = "discovery/_feed_items.html" if request.htmx else "discovery/feed.html"
    return render(
        request, template, {"feed_items": items, "next_cursor": next_cursor, "cursor": cursor}
    )


@require_GET
def search_view(request: HtmxHttpRequest) -> HttpResponse:
    """Search threads, posts, groups and people; `type` narrows to one kind
    and pages through it."""
    raw_query = request.GET.get("q", "")
    kind = request.GET.get("type") or "all"
    context: dict[str, Any] = {
        "query": raw_query,
        "type": kind,
        "types": SEARCH_TYPES.items(),
        "max_length": MAX_QUERY_LENGTH,
    }
    template = "discovery/search.html" + ("#results" if request.htmx else "")
    if kind not in SEARCH_TYPES:
        context["error"] = _(
            "Choose what to search: everything, threads, messages, groups and sections, or people."
        )
        return render(request, template, context, status=400)
    if len(raw_query) > MAX_QUERY_LENGTH:
        context["error"] = _(
            "Your search is too long: %(limit)s characters at most. Keep the key words."
        ) % {"limit": MAX_QUERY_LENGTH}
        return render(request, template, context, status=400)
    if not normalize_for_search(raw_query):
        return render(request, template, context)
    kinds = KINDS if kind == "all" else (kind,)
    page = request.GET.get("page") if kind != "all" else 1
    context["results"] = search(viewer=request.user, query=raw_query, kinds=kinds, page=page)
    return render(request, template, context)
