"""One generation, part by part, each in its transaction, with its report."""

import platform
import resource
import time
from datetime import datetime
from typing import Any, TextIO

from django.core.management import call_command
from django.db import connection, transaction

from membrane.accounts.models import User
from membrane.charter.models import CharterVersion
from membrane.conversations.models import Post, Thread
from membrane.perf.dataset.conversations import generate_conversations
from membrane.perf.dataset.events import generate_events
from membrane.perf.dataset.groups import generate_groups
from membrane.perf.dataset.ideas import generate_ideas
from membrane.perf.dataset.moderation import generate_moderation
from membrane.perf.dataset.people import DOMAIN, generate_people
from membrane.perf.dataset.reactions import generate_reactions
from membrane.perf.dataset.scales import SCALES
from membrane.perf.dataset.world import World
from membrane.perf.dataset.writer import Loader

DEMO_DOMAIN = "demo.membrane.localhost"


class DatasetError(Exception):
    pass


def foreign_people() -> tuple[int, list[str]]:
    """How many people the database has beyond the demo's, and a few emails."""
    others = User.objects.exclude(email__endswith=f"@{DEMO_DOMAIN}")
    return others.count(), list(others.order_by("pk").values_list("email", flat=True)[:3])


def generate(*, scale: str, seed: int, now: datetime, stream: TextIO) -> dict[str, Any]:
    """Fill the database with a party of `scale`. Refuses a database that has
    people beyond the demo's (DatasetError)."""
    count, examples = foreign_people()
    if count:
        generated = User.objects.filter(email__endswith=f"@{DOMAIN}").exists()
        raise DatasetError(
            f"The database already has people beyond the demo's ({count:,}, e.g. "
            f"{', '.join(examples)})"
            + (": a dataset was already generated here." if generated else ".")
            + " Generate into an empty database, or one holding only the demo."
        )
    started = time.monotonic()
    world = World(scale=SCALES[scale], seed=seed, now=now)
    loader = Loader(stream=stream, now=now)
    call_command("load_territory", stdout=stream)
    charter = _charter()
    if charter is not None:
        world.charter_articles = max(1, charter.articles.count())
    loader.disable_triggers()
    try:
        for part in (
            lambda: generate_people(world, loader, charter),
            lambda: generate_groups(world, loader),
            lambda: generate_conversations(world, loader),
            lambda: generate_reactions(world, loader),
            lambda: generate_ideas(world, loader),
            lambda: generate_events(world, loader),
            lambda: generate_moderation(world, loader),
        ):
            with transaction.atomic():
                part()
        finishing = time.monotonic()
        broken = loader.check_foreign_keys() if loader.triggers_disabled else []
    finally:
        loader.enable_triggers()
    if broken:
        raise DatasetError("Foreign keys point nowhere: " + "; ".join(broken))
    loader.finish()
    stream.write(
        f"[finish] keys checked, sequences reset, ANALYZE: {time.monotonic() - finishing:.1f} s\n"
    )
    rows: dict[str, int] = {}
    for part_report in loader.parts:
        for label, n in part_report.rows.items():
            rows[label] = rows.get(label, 0) + n
    return {
        "scale": scale,
        "seed": seed,
        "now": now.isoformat(),
        "database": connection.vendor,
        "foreign_key_triggers": "skipped, keys checked after" if loader.triggers_disabled else "on",
        "machine": {"cores": _cores(), "python": platform.python_version()},
        "parts": [
            {"name": p.name, "seconds": p.seconds, "rows": sum(p.rows.values())}
            for p in loader.parts
        ],
        "finish_seconds": round(time.monotonic() - finishing, 2),
        "total_seconds": round(time.monotonic() - started, 2),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rows": rows,
        "total_rows": sum(rows.values()),
        "landmarks": world.landmarks,
    }


def counters_hold() -> bool:
    """Each thread's post_count and last_activity_at match its posts."""
    from django.db.models import Count, F, Max, Q

    mismatched = (
        Thread.objects.annotate(n=Count("posts"), last=Max("posts__created_at"))
        .filter(~Q(post_count=F("n")) | ~Q(last_activity_at=F("last")))
        .exists()
    )
    return not mismatched and not Post.objects.filter(thread__isnull=True).exists()


def _charter() -> CharterVersion | None:
    """The published charter, created as the demo's when there is none."""
    from membrane.charter.services import charter_create, charter_publish, current_charter
    from membrane.core.management.commands.load_demo import (
        CHARTER_ARTICLES,
        CHARTER_PREAMBLE,
        CHARTER_TITLE,
    )

    if not CharterVersion.objects.exists():
        version = charter_create(
            title=CHARTER_TITLE, preamble=CHARTER_PREAMBLE, articles=CHARTER_ARTICLES
        )
        charter_publish(version=version)
    return current_charter()


def _cores() -> int:
    import os

    return os.cpu_count() or 0
