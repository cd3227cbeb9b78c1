from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from membrane.accounts.models import ProfileVisibility, User
from membrane.accounts.selectors import people_listed_to
from membrane.conversations.models import Post, PostRevision, Reaction, ReadState, Thread
from membrane.core.queries import count_for_outer_row
from membrane.moderation.models import ModerationState
from membrane.moderation.selectors import visible_q
from membrane.spaces.models import Space
from membrane.spaces.selectors import readable_spaces_q

# Moderation: what is listed (feeds, search, profiles, lists of the API) is
# what everyone may see — published content in a published thread — plus, for
# a signed-in person, their own held or hidden content (shown to them with
# the reason). In a thread's page, hidden posts keep their place (replaced by
# the reason, see conversations/moderated.py) and held ones are their
# author's alone.


def _thread_visible_q(viewer: Any, *, prefix: str = "") -> Q:
    """`moderation.selectors.visible_q` for the thread at `prefix`."""
    visible = Q(**{f"{prefix}moderation_state": ModerationState.VISIBLE})
    if viewer.is_authenticated:
        return visible | Q(**{f"{prefix}author_id": viewer.pk})
    return visible


def visible_threads_q(viewer: Any) -> Q:
    """A filter on Thread: listed for the viewer."""
    return visible_q(viewer)


def visible_posts_q(viewer: Any) -> Q:
    """A filter on Post: listed for the viewer (the post and its thread)."""
    return visible_q(viewer) & _thread_visible_q(viewer, prefix="thread__")


def in_thread_q(viewer: Any) -> Q:
    """A filter on the posts of a thread's page: all but others' held posts."""
    not_held = ~Q(moderation_state=ModerationState.HELD)
    if viewer.is_authenticated:
        return not_held | Q(author_id=viewer.pk)
    return not_held


def visible_threads(viewer: Any) -> QuerySet[Thread]:
    return Thread.objects.filter(visible_threads_q(viewer))


def visible_posts(viewer: Any) -> QuerySet[Post]:
    """Live posts listed for the viewer, whatever the space (combine with
    `readable_posts` for the spaces' rule)."""
    return Post.objects.filter(visible_posts_q(viewer), deleted_at=None)


def threads_of_space(*, space: Space, viewer: Any) -> QuerySet[Thread]:
    """A space's threads listed for the viewer, pinned first then by last
    activity, each with its author and, for a signed-in viewer, whether it has
    unread posts."""
    threads = (
        Thread.objects.filter(space=space)
        .filter(visible_threads_q(viewer))
        .select_related("author")
    )
    return with_unread(threads, viewer).order_by("-pinned", "-last_activity_at", "-pk")


def with_unread(threads: QuerySet[Thread], viewer: Any) -> QuerySet[Thread]:
    """Annotate `is_unread`: the thread moved since the viewer last read it
    (never read counts as unread)."""
    if not viewer.is_authenticated:
        return threads
    last_read = ReadState.objects.filter(thread=OuterRef("pk"), user=viewer).values("last_read_at")[
        :1
    ]
    return threads.annotate(last_read_at=Subquery(last_read)).annotate(
        is_unread=~Exists(
            ReadState.objects.filter(
                thread=OuterRef("pk"), user=viewer, last_read_at__gte=OuterRef("last_activity_at")
            )
        )
    )


def posts_of_thread(*, thread: Thread, viewer: Any) -> QuerySet[Post]:
    """A thread's posts in order, with author, quoted post and its author,
    reaction count, whether the viewer reacted, and who reacted. Hidden posts
    are in (masked in place); held ones only for their author."""
    posts = (
        Post.objects.filter(thread=thread)
        .filter(in_thread_q(viewer))
        .select_related("author", "quoted__author")
        # Counted per post shown (a subquery each), not by a GROUP BY over
        # the whole thread before the page's LIMIT.
        .annotate(
            reaction_count=_count_per_post(Reaction),
            revision_count=_count_per_post(PostRevision),
        )
        .prefetch_related(
            Prefetch(
                "reactions",
                queryset=Reaction.objects.select_related("user").order_by("created_at"),
                to_attr="reaction_list",
            )
        )
        .order_by("created_at", "pk")
    )
    if viewer.is_authenticated:
        posts = posts.annotate(
            viewer_reacted=Exists(Reaction.objects.filter(post=OuterRef("pk"), user=viewer))
        )
    return posts


# Posts shown per page of a thread.
POSTS_PER_PAGE = 30


def thread_page(
    *, thread: Thread, viewer: Any, number: Any, per_page: int = POSTS_PER_PAGE
) -> Page[Post]:
    """The page `number` ("last" for the last one; Paginator.get_page's
    leniency otherwise) of `posts_of_thread`, its posts in a list. The page's
    ids are picked on the (thread, created_at) index first and only those
    posts are joined and counted: the cost does not grow with the thread."""
    ids = (
        Post.objects.filter(thread=thread)
        .filter(in_thread_q(viewer))
        .order_by("created_at", "pk")
        .values("pk")
    )
    paginator: Paginator[Any] = Paginator(ids, per_page)
    ids_page = paginator.get_page(paginator.num_pages if number == "last" else number)
    # One query: the page's slice of ids is a subquery (LIMIT/OFFSET inside).
    page_ids = cast("QuerySet[Any]", ids_page.object_list)
    posts = list(posts_of_thread(thread=thread, viewer=viewer).filter(pk__in=page_ids))
    return Page(posts, ids_page.number, paginator)


def _count_per_post(model: type[Reaction] | type[PostRevision]) -> Subquery:
    """How many rows of `model` the outer post has, as a correlated subquery
    read on the model's `post` index."""
    return count_for_outer_row(model.objects.filter(post=OuterRef("pk")), by="post")


def readable_threads(viewer: Any) -> QuerySet[Thread]:
    """Threads listed for the viewer in spaces they may read."""
    return visible_threads(viewer).filter(
        space__in=Space.objects.filter(readable_spaces_q(viewer)).values("pk")
    )


def readable_posts(viewer: Any) -> QuerySet[Post]:
    """Live posts listed for the viewer in spaces they may read."""
    return visible_posts(viewer).filter(
        thread__space__in=Space.objects.filter(readable_spaces_q(viewer)).values("pk"),
    )


def unread_thread_count(viewer: Any) -> int:
    if not viewer.is_authenticated:
        return 0
    return with_unread(readable_threads(viewer), viewer).filter(is_unread=True).count()  # type: ignore[misc]


def post_page_number(post: Post, *, viewer: Any, per_page: int = POSTS_PER_PAGE) -> int:
    """The page of its thread on which the viewer sees a post (1-based):
    others' held posts before it are not on their pages."""
    before = (
        Post.objects.filter(thread_id=post.thread_id)
        .filter(in_thread_q(viewer))
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
    )
    return before.count() // per_page + 1


def read_until(*, thread: Thread, user: Any) -> Any:
    """When the person last read the thread (None: never, or anonymous)."""
    if not user.is_authenticated:
        return None
    return (
        ReadState.objects.filter(thread=thread, user=user).values_list("last_read_at", flat=True)
    ).first()


def first_post_since(*, thread: Thread, user: Any, since: Any) -> Post | None:
    """The first post written by someone else after `since`: where a returning
    reader resumes."""
    return (
        Post.objects.filter(thread=thread, created_at__gt=since)
        .exclude(moderation_state=ModerationState.HELD)
        .exclude(author=user)
        .order_by("created_at", "pk")
        .only("pk", "thread_id", "created_at")
        .first()
    )


def post_revisions(post: Post) -> QuerySet[PostRevision]:
    """A post's previous versions, newest first."""
    return PostRevision.objects.filter(post=post).order_by("-written_at", "-pk")


def mention_suggestions(*, viewer: Any, query: str, limit: int = 8) -> list[User]:
    """Up to `limit` people listed in the directory for the viewer whose
    handle or name contains the query, those whose handle starts with it
    first (an unlisted person is still mentioned by typing their handle). Not
    staff-only profiles, even to staff: nobody may mention them
    (services.mentioned_people)."""
    query = query.strip().lstrip("@")[:60]
    if not query:
        return []
    people = (
        people_listed_to(viewer)
        .exclude(handle=None)
        .exclude(profile_visibility=ProfileVisibility.STAFF)
        # A profile hidden by moderation shows no name in suggestions.
        .exclude(moderation_state=ModerationState.HIDDEN)
        .filter(
            Q(handle__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(display_name__icontains=query)
        )
        .annotate(starts=Case(When(handle__istartswith=query, then=Value(0)), default=Value(1)))
        .order_by("starts", "handle")
    )
    return list(people[:limit])


def opening_post_id(thread: Thread) -> int | None:
    """The id of a thread's opening post (its first)."""
    return (
        Post.objects.filter(thread=thread)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
