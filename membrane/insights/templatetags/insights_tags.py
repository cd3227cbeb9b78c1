from collections.abc import Iterable

from django import template
from django.db.models import Count, Min
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from membrane.conversations.models import Post, Thread

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """0.634 → "63 %" (French spacing comes from the translation)."""
    if value is None:
        return "—"
    # Rounded here: number_format cuts the decimals (51.53 would show 51).
    shown = round(value * 100, digits)
    return _("%(value)s%%") % {"value": number_format(shown, decimal_pos=digits)}


@register.filter
def decimal(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else number_format(value, decimal_pos=digits)


# Balance of a thread's replies, shown when one voice dominates it.
DOMINANT_SHARE = 0.5
DOMINANT_MIN_REPLIES = 8


@register.simple_tag
def thread_dominated(thread: Thread) -> bool:
    """Whether one person wrote more than half of the thread's replies (its
    opening message aside), once it has a few: one grouped query."""
    rows = list(
        Post.objects.filter(thread=thread, deleted_at=None, author__isnull=False)
        .values("author_id")
        .annotate(n=Count("pk"), first=Min("pk"))
        .order_by()
    )
    if not rows:
        return False
    opening = min(row["first"] for row in rows)
    replies = [row["n"] - (1 if row["first"] == opening else 0) for row in rows]
    total = sum(replies)
    return total >= DOMINANT_MIN_REPLIES and max(replies) > DOMINANT_SHARE * total


@register.simple_tag
def first_messages(posts: Iterable[Post]) -> set[int]:
    """The messages of this page that are their author's very first on the
    platform, for others to welcome them: one grouped query."""
    posts = list(posts)
    authors = {post.author_id for post in posts if post.author_id is not None}
    if not authors:
        return set()
    firsts = set(
        Post.objects.filter(author_id__in=authors)
        .values("author_id")
        .annotate(first=Min("pk"))
        .order_by()
        .values_list("first", flat=True)
    )
    return {post.pk for post in posts} & firsts
