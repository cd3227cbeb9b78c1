"""The dataset generator (issue 8) at its `tiny` scale: deterministic from its
seed, every constraint and denormalised counter right, authorship heavy-tailed,
and a database with other people refused."""

import json
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q

from membrane.accounts.models import User
from membrane.conversations.models import Post, Reaction, Thread
from membrane.events.models import Event, Rsvp
from membrane.ideas.models import MAX_THEMES, Idea, Step, Support, Theme
from membrane.ideas.services import idea_thread_title
from membrane.moderation.models import Decision, ModerationState
from membrane.perf.dataset.run import generate
from membrane.perf.dataset.scales import SCALES
from membrane.spaces.models import Membership, Space
from membrane.territory.models import Unit

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 1, tzinfo=UTC)
MODELS = (User, Space, Membership, Thread, Post, Reaction, Idea, Step, Support, Event, Rsvp)


class _Rollback(Exception):
    pass


def _tiny(seed: int = 7) -> dict[str, Any]:
    return generate(scale="tiny", seed=seed, now=NOW, stream=StringIO())


def _snapshot(seed: int) -> dict[str, Any]:
    """Generate, note the counts and last rows, and roll everything back."""
    _reset_sequences()
    snapshot: dict[str, Any] = {}
    try:
        with transaction.atomic():
            _tiny(seed)
            for model in MODELS:
                # The generated rows, not the territory's (created at run time).
                rows = model._default_manager.order_by("-pk").values()[:3]
                snapshot[model.__name__] = (model._default_manager.count(), list(rows))
            raise _Rollback
    except _Rollback:
        pass
    return snapshot


def _reset_sequences() -> None:
    """PostgreSQL's sequences ignore rollbacks: start each run from the rows."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)


def test_the_same_seed_makes_the_same_party_and_another_seed_another():
    first, again, other = _snapshot(7), _snapshot(7), _snapshot(8)

    assert first == again
    assert first["Post"] != other["Post"]


def test_the_command_reports_its_rows_time_and_memory_as_json(tmp_path):
    out = StringIO()
    path = tmp_path / "report.json"

    call_command(
        "generate_dataset",
        "--scale",
        "tiny",
        "--now",
        "2026-11-01",
        "--report",
        str(path),
        stdout=out,
        stderr=StringIO(),
    )

    report = json.loads(path.read_text())
    scale = SCALES["tiny"]
    assert report["rows"]["accounts.User"] == scale.people
    assert report["rows"]["conversations.Thread"] == Thread.objects.count()
    assert Thread.objects.filter(idea=None).count() == scale.threads
    assert report["peak_memory_mb"] > 0
    assert report["parts"][0]["name"] == "people & territory"
    assert "Dataset tiny (seed 2026)" in out.getvalue()


def test_every_thread_counts_its_posts_and_its_last_activity():
    _tiny()

    wrong = Thread.objects.annotate(n=Count("posts"), last=Max("posts__created_at")).filter(
        ~Q(post_count=F("n")) | ~Q(last_activity_at=F("last"))
    )
    assert Thread.objects.filter(idea=None).count() == SCALES["tiny"].threads
    assert not wrong.exists()


def test_a_minority_is_listed_in_the_directory_and_each_section_counts_its_listed_people():
    _tiny()

    generated = User.objects.filter(email__endswith="@dataset.membrane.localhost")
    share = generated.filter(listed_in_directory=True).count() / generated.count()
    assert 0.2 < share < 0.4
    wrong = (
        Unit.objects.sections()
        .annotate(listed=Count("people", filter=Q(people__listed_in_directory=True)))
        .exclude(listed_member_count=F("listed"))
    )
    assert not wrong.exists()


def test_most_ideas_carry_one_to_three_themes():
    _tiny()

    per_idea = Idea.objects.annotate(n=Count("themes")).values_list("n", flat=True)
    assert 0.4 < sum(1 for n in per_idea if n) / len(per_idea) < 0.8
    assert max(per_idea) <= MAX_THEMES
    assert Theme.objects.filter(slug="ecologie").exists()


def test_some_ideas_have_comments_in_a_thread_of_their_box_s_space_titled_after_them():
    _tiny()

    commented = Idea.objects.exclude(thread=None).select_related("thread", "box")
    assert 0 < commented.count() < Idea.objects.count()
    for idea in commented[:20]:
        assert idea.thread.space_id == idea.box.space_id
        assert idea.thread.title == idea_thread_title(idea)
        first = idea.thread.posts.order_by("created_at", "pk").first()
        assert not first.is_reply and first.created_at >= idea.created_at
        assert idea.thread.author_id == first.author_id
    # Heavy-tailed: the most commented idea has many times the mean.
    counts = sorted(commented.values_list("thread__post_count", flat=True))
    assert counts[-1] > 3 * sum(counts) / len(counts)


def test_every_foreign_key_points_to_a_row_and_every_event_ends_after_it_starts():
    _tiny()

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []
    assert not Event.objects.filter(ends_at__lte=F("starts_at")).exists()
    # A deleted post keeps no text and no reaction; a hidden one says why.
    assert not Post.objects.filter(deleted_at__isnull=False).exclude(body="").exists()
    assert not Reaction.objects.filter(post__deleted_at__isnull=False).exists()
    hidden = Post.objects.filter(moderation_state=ModerationState.HIDDEN)
    assert hidden.exists()
    assert not hidden.filter(moderation_article=None).exists()
    assert Decision.objects.filter(action="hide").count() >= hidden.count()


def test_the_two_most_active_writers_of_the_largest_group_write_most_of_its_posts():
    _tiny()

    largest = Space.objects.groups().annotate(n=Count("memberships")).order_by("-n").first()
    posts = Post.objects.filter(thread__space=largest)
    by_author = posts.values("author").annotate(n=Count("pk")).order_by("-n")
    top_two = sum(row["n"] for row in by_author[:2])
    assert largest.n == SCALES["tiny"].largest_group
    assert top_two / posts.count() > 0.5
    # Most members never write there.
    assert by_author.count() < largest.n / 5


def test_no_two_people_share_an_email_or_a_handle():
    _tiny()

    people = User.objects.count()
    assert User.objects.values("email").distinct().count() == people
    assert User.objects.values("handle").distinct().count() == people
    emails = User.objects.values_list("email", flat=True)
    assert all(email == email.lower() for email in emails)


def test_a_database_with_people_beyond_the_demo_is_refused():
    User.objects.create_user(email="someone@example.org")

    with pytest.raises(
        CommandError, match=r"people beyond the demo's \(1, e.g. someone@example.org\)"
    ):
        call_command("generate_dataset", "--scale", "tiny", stdout=StringIO(), stderr=StringIO())
    assert User.objects.count() == 1
