"""Search across threads, replies, groups (and territorial spaces) and
people, with the search page's own selector (conversations/search.py):
nothing the caller may not read or see is ever found."""

from datetime import datetime
from typing import Any, Literal

from django.core.paginator import Page
from ninja import Field, Query, Router, Schema

from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    ApiRequest,
    PersonRef,
    SpaceRef,
    ThreadRef,
    error_responses,
    optional_auth,
    person_ref,
    space_ref,
    validation_error,
)
from membrane.conversations.search import (
    GROUPS,
    MAX_QUERY_LENGTH,
    PAGE_SIZE,
    PEOPLE,
    POSTS,
    THREADS,
    InvalidQuery,
    search,
)

router = Router(tags=["search"])

SearchKind = Literal["threads", "posts", "groups", "people"]


class ThreadHit(Schema):
    id: int
    title: str
    space: SpaceRef
    author: PersonRef | None
    last_activity_at: datetime


class PostHit(Schema):
    id: int
    thread: ThreadRef
    space: SpaceRef
    author: PersonRef | None
    excerpt: str
    created_at: datetime


class SpaceHit(SpaceRef):
    description: str
    member_count: int = Field(description="A group's members (0 for a territorial space).")
    is_member: bool


class _Hits(Schema):
    count: int = Field(
        description="How many were found in all, counted up to 1,000 "
        "(`more_than_counted` says there are more)."
    )
    more_than_counted: bool = False
    page: int
    has_next: bool


class ThreadHits(_Hits):
    items: list[ThreadHit]


class PostHits(_Hits):
    items: list[PostHit]


class SpaceHits(_Hits):
    items: list[SpaceHit]


class PersonHits(_Hits):
    items: list[PersonRef]


class SearchOut(Schema):
    """One entry per kind asked for; the others are null."""

    threads: ThreadHits | None = None
    posts: PostHits | None = None
    groups: SpaceHits | None = Field(
        None, description="Groups, and sections and federations by their name or commune."
    )
    people: PersonHits | None = None


class SearchFilters(Schema):
    q: str = Field(max_length=MAX_QUERY_LENGTH, description="Words to find.")
    type: list[SearchKind] = Field(
        ["threads", "posts", "groups", "people"],
        description="Kinds of results (repeat the parameter); all by default.",
    )
    page: int = Field(1, ge=1, le=10_000, description=f"{PAGE_SIZE} results a page and kind.")


def _thread_hit(request: ApiRequest, thread: Any) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "title": thread.title,
        "space": space_ref(thread.space),
        "author": person_ref(request, thread.author),
        "last_activity_at": thread.last_activity_at,
    }


def _post_hit(request: ApiRequest, post: Any) -> dict[str, Any]:
    return {
        "id": post.pk,
        "thread": {"id": post.thread.pk, "title": post.thread.title},
        "space": space_ref(post.thread.space),
        "author": person_ref(request, post.author),
        "excerpt": post.excerpt,
        "created_at": post.created_at,
    }


def _space_hit(request: ApiRequest, space: Any) -> dict[str, Any]:
    return {
        **space_ref(space),
        "description": space.description,
        "member_count": space.member_count,
        "is_member": bool(getattr(space, "is_member", False)),
    }


_HIT = {
    THREADS: _thread_hit,
    POSTS: _post_hit,
    GROUPS: _space_hit,
    PEOPLE: person_ref,
}


def _hits(request: ApiRequest, kind: str, page: Page[Any] | None, number: int) -> dict[str, Any]:
    if page is None:  # a query without a word finds nothing
        return {"count": 0, "page": number, "has_next": False, "items": []}
    count = page.paginator.count
    return {
        "count": count,
        "more_than_counted": getattr(page.paginator, "more_than_counted", False),
        "page": page.number,
        "has_next": page.has_next(),
        "items": [_HIT[kind](request, obj) for obj in page.object_list],
    }


@router.get(
    "/search",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: SearchOut, **error_responses(401, 422)},
    summary="Search",
    description="Threads by title, replies by text, groups and spaces, people — only what "
    "the caller may read or see. Accents and case are ignored; on PostgreSQL, French words "
    "are also matched by their stem.",
)
def search_index(request: ApiRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    kinds = tuple(dict.fromkeys(filters.type))
    try:
        pages = search(viewer=request.auth, query=filters.q, kinds=kinds, page=filters.page)
    except InvalidQuery as error:
        raise validation_error("q", str(error), "invalid_query", where=("query",)) from None
    return {kind: _hits(request, kind, pages.get(kind), filters.page) for kind in kinds}
