"""The anonymised CSV for researchers: one row per person who belongs to the
space or acted in it over the period, under a pseudonym that is stable for
that space (the same person keeps it from one export to the next) but
differs from one space to another, so that exports cannot be joined to
follow someone across spaces. No name, no email, no text. Columns are
documented in docs/insights.md."""

import csv
import hashlib
import hmac
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Min

from membrane.conversations.models import Post, Reaction, Thread
from membrane.events.models import Rsvp
from membrane.ideas.models import Support
from membrane.insights.selectors import space_people
from membrane.spaces.models import Space

COLUMNS = [
    "person",
    "status",
    "member",
    "threads_started",
    "replies",
    "reactions",
    "supports",
    "events_attended",
    "first_message_week",
]


def pseudonym(space: Space | None, user_id: int) -> str:
    key = settings.SECRET_KEY.encode()
    scope = f"insights:{space.pk if space else 'all'}:{user_id}".encode()
    return hmac.new(key, scope, hashlib.sha256).hexdigest()[:16]


def _per_person(rows: Any, field: str) -> dict[int, int]:
    return {row[field]: row["n"] for row in rows.values(field).annotate(n=Count("pk")).order_by()}


def export_rows(space: Space | None, start: datetime, end: datetime) -> Iterator[list[str]]:
    """The header, then one row per person; counts come grouped from the
    database, one query per column, whatever the number of people."""
    where = {} if space is None else {"thread__space": space}
    posts = Post.objects.filter(
        created_at__gte=start, created_at__lt=end, deleted_at=None, author__isnull=False, **where
    )
    started = _per_person(
        Thread.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            author__isnull=False,
            **({} if space is None else {"space": space}),
        ),
        "author_id",
    )
    all_posts = _per_person(posts, "author_id")
    reactions = _per_person(
        Reaction.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            **({} if space is None else {"post__thread__space": space}),
        ),
        "user_id",
    )
    supports = _per_person(
        Support.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            **({} if space is None else {"idea__box__space": space}),
        ),
        "user_id",
    )
    attended = _per_person(
        Rsvp.objects.filter(
            attended=True,
            event__starts_at__gte=start,
            event__starts_at__lt=end,
            **({} if space is None else {"event__space": space}),
        ),
        "user_id",
    )
    first_weeks = {
        row["author_id"]: row["first"]
        for row in Post.objects.filter(deleted_at=None, author__isnull=False, **where)
        .values("author_id")
        .annotate(first=Min("created_at"))
        .order_by()
    }
    members = dict(space_people(space).values_list("pk", "membership_verified_at"))
    acted = set(all_posts) | set(reactions) | set(supports) | set(attended)
    # People who acted but no longer belong (they left the group): few.
    outsiders = dict(
        get_user_model()
        .objects.filter(pk__in=acted - members.keys())
        .values_list("pk", "membership_verified_at")
    )
    yield COLUMNS
    for user_id, verified in sorted({**outsiders, **members}.items()):
        # A thread's opening message is one of its author's messages.
        threads = started.get(user_id, 0)
        first = first_weeks.get(user_id)
        yield [
            pseudonym(space, user_id),
            "adherent" if verified else "supporter",
            "yes" if user_id in members else "no",
            str(threads),
            str(max(0, all_posts.get(user_id, 0) - threads)),
            str(reactions.get(user_id, 0)),
            str(supports.get(user_id, 0)),
            str(attended.get(user_id, 0)),
            first.strftime("%G-W%V") if first else "",
        ]


class Echo:
    """A file-like object whose write returns the line: csv.writer into a
    streaming response without holding the file in memory."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterator[list[str]]) -> Iterator[str]:
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow(row)
