"""What the load test and the vote peak drive, prepared in the database,
and what the database holds afterwards.

The reads are the benchmark's targets (membrane.perf.bench.targets). The
writes are made by bench people (`@bench.membrane.localhost`) in the bench
group, as the benchmark prepares them, each with a key that can be counted
afterwards: a reply's text carries the run's id and a number, a reaction and
a report are one per person on the bench thread's opening post, a support and
an RSVP one per (item, person) pair.
"""

import re
from typing import Any

from django.db import transaction
from django.db.models import Count

from membrane.accounts.models import User
from membrane.conversations.models import Post, Reaction
from membrane.events.models import Rsvp
from membrane.ideas.models import Idea, IdeaBox, Support
from membrane.ideas.permissions import SUPPORTABLE
from membrane.ideas.services import idea_submit
from membrane.moderation.models import Report
from membrane.moderation.services import charter_articles
from membrane.perf.bench.endpoints import read_paths
from membrane.perf.bench.targets import (
    BENCH_DOMAIN,
    csrf_secret,
    pick_targets,
    prepare_writes,
)

REPLY_PREFIX = "Charge {run_id} n° "
_REPLY_NUMBER = re.compile(r"n° (\d+)\.")


def reply_text(run_id: str, number: int) -> str:
    return f"{REPLY_PREFIX.format(run_id=run_id)}{number}."


def bench_people_ids(count: int) -> list[int]:
    """The ids of the `count` bench people, in the order of
    `prepare_writes`' sessions (by email; the first one, the owner of the
    bench group and its ideas, has no session there)."""
    emails = [f"banc-{n:05d}@{BENCH_DOMAIN}" for n in range(count)]
    return list(
        User.objects.filter(email__in=emails).order_by("email").values_list("pk", flat=True)
    )


def prepare_load_plan(*, people: int, hosts: list[str], run_id: str) -> dict[str, Any]:
    """The plan the locustfile reads (JSON): hosts, read paths, the bench
    people's sessions and the write targets. Clears the bench people's
    earlier supports, RSVPs, replies (prepare_writes), reactions and reports."""
    targets = pick_targets()
    writes = prepare_writes(people=people)
    ids = bench_people_ids(people)[1:]
    opening = Post.objects.filter(thread_id=writes.thread_id).order_by("created_at", "pk").first()
    assert opening is not None  # prepare_writes made the thread with its first post
    with transaction.atomic():
        Reaction.objects.filter(post=opening, user_id__in=ids).delete()
        Report.objects.filter(kind="post", object_id=opening.pk, reporter_id__in=ids).delete()
    articles = list(charter_articles())
    anonymous = {name: path for name, path, _kind, anon in read_paths(targets) if anon}
    return {
        "run_id": run_id,
        "hosts": hosts,
        "csrf": csrf_secret(),
        "reads": {
            "home": anonymous["home"],
            "directory": anonymous["group directory"],
            "group": anonymous["largest group"],
            "thread": f"/discussions/{targets.thread_id}/",
            "idea box": anonymous["idea box"],
            "events near postcode": anonymous["events near postcode"],
            "search": anonymous["search"],
            "bench thread": f"/discussions/{writes.thread_id}/?page=last",
        },
        "people": [{"id": pk, "session": s} for pk, s in zip(ids, writes.sessions, strict=True)],
        "thread_id": writes.thread_id,
        "opening_post_id": opening.pk,
        "idea_ids": writes.idea_ids,
        "event_ids": writes.event_ids,
        "report_article": articles[0] if articles else None,
    }


def stored_writes(plan: dict[str, Any]) -> dict[str, list[str]]:
    """The keys of the bench people's writes the database holds, per kind,
    as the ledger writes them (one entry per row: a doubled row shows twice)."""
    ids = [person["id"] for person in plan["people"]]
    opening = plan["opening_post_id"]
    bodies = Post.objects.filter(
        thread_id=plan["thread_id"], body__startswith=REPLY_PREFIX.format(run_id=plan["run_id"])
    ).values_list("body", flat=True)
    replies = [m.group(1) for body in bodies if (m := _REPLY_NUMBER.search(body))]
    reactions = Reaction.objects.filter(post_id=opening, user_id__in=ids).values_list(
        "user_id", flat=True
    )
    reports = Report.objects.filter(
        kind="post", object_id=opening, reporter_id__in=ids
    ).values_list("reporter_id", flat=True)
    supports = Support.objects.filter(idea_id__in=plan["idea_ids"], user_id__in=ids).values_list(
        "idea_id", "user_id"
    )
    rsvps = Rsvp.objects.filter(event_id__in=plan["event_ids"], user_id__in=ids).values_list(
        "event_id", "user_id"
    )
    return {
        "reply": replies,
        "reaction": [str(pk) for pk in reactions],
        "report": [str(pk) for pk in reports],
        "support": [f"{a}:{b}" for a, b in supports],
        "rsvp": [f"{a}:{b}" for a, b in rsvps],
    }


# The vote peak -------------------------------------------------------------------


def prepare_vote_plan(*, count: int, ideas: int) -> dict[str, Any]:
    """Enough bench people and ideas in the bench group's box for `count`
    distinct (idea, person) pairs, none supported yet; a session for each
    person. Returns the ideas' ids and the people's (id, session)."""
    voters = -(-count // ideas)
    # prepare_writes makes the group, its box and the people (one more: the
    # owner, who wrote the ideas) and removes their earlier supports.
    writes = prepare_writes(people=voters + 1)
    ids = bench_people_ids(voters + 1)
    owner = User.objects.get(pk=ids[0])
    box = IdeaBox.objects.get(ideas__pk=writes.idea_ids[0])
    idea_ids = list(
        Idea.objects.filter(box=box, status__in=SUPPORTABLE)
        .order_by("pk")
        .values_list("pk", flat=True)[:ideas]
    )
    for n in range(len(idea_ids), ideas):
        idea = idea_submit(
            author=owner,
            box=box,
            title=f"Idée du pic de votes n° {n + 1}",
            description="Une idée pour mesurer un pic de soutiens.",
        )
        idea_ids.append(idea.pk)
    return {
        "idea_ids": idea_ids,
        "people": [
            {"id": pk, "session": session}
            for pk, session in zip(ids[1:], writes.sessions, strict=True)
        ],
        "csrf": csrf_secret(),
    }


def pair_of(index: int, plan: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The index-th (idea id, person) pair: person after person, so that
    consecutive requests are different people on the same idea."""
    people = plan["people"]
    return plan["idea_ids"][index // len(people)], people[index % len(people)]


def support_counts_off(plan: dict[str, Any]) -> dict[int, tuple[int, int]]:
    """The plan's ideas whose stored `support_count` is not their number of
    supports: {idea id: (stored, counted)}; empty when every count holds."""
    counted = dict(
        Support.objects.filter(idea_id__in=plan["idea_ids"])
        .values_list("idea_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    stored = Idea.objects.filter(pk__in=plan["idea_ids"]).values_list("pk", "support_count")
    return {pk: (count, counted.get(pk, 0)) for pk, count in stored if count != counted.get(pk, 0)}


def stored_supports(plan: dict[str, Any]) -> list[str]:
    ids = [person["id"] for person in plan["people"]]
    rows = Support.objects.filter(idea_id__in=plan["idea_ids"], user_id__in=ids).values_list(
        "idea_id", "user_id"
    )
    return [f"{a}:{b}" for a, b in rows]
