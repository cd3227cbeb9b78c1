"""Moderation history on the reported posts: one to three reports each, a
decision by the space's animator (dismissed, hidden, author warned), appeals
on some hidden posts (upheld, or overturned with a restoring decision), and
the audit entries the services write. Whether a post ends hidden is drawn
while the post is written (`draw_outcome`), so its state matches."""

import json
import random

from django.contrib.contenttypes.models import ContentType

from membrane.conversations.models import Post
from membrane.moderation.models import Action, Appeal, AuditEntry, Decision, Report
from membrane.perf.dataset.world import World
from membrane.perf.dataset.writer import Loader, as_datetime

OUTCOMES = (
    ("open", 0.15),
    ("dismiss", 0.30),
    ("hide", 0.30),
    ("warn", 0.05),
    ("appealed", 0.05),
    ("upheld", 0.08),
    ("overturned", 0.07),
)
# The outcomes that leave the post hidden.
HIDDEN_OUTCOMES = frozenset({"hide", "appealed", "upheld"})
REASONS = {
    Action.DISMISS: "Pas de manquement à la charte : le désaccord est légitime.",
    Action.HIDE: "Attaque personnelle envers un autre membre.",
    Action.WARN: "Ton agressif : merci de relire la charte.",
}
COMMENTS = ("", "Propos blessants.", "Hors sujet et insultant.", "Message répété partout.")


def draw_outcome(rng: random.Random, articles: int) -> tuple[str, int]:
    roll = rng.random()
    for outcome, share in OUTCOMES:
        if roll < share:
            return outcome, rng.randint(1, articles)
        roll -= share
    return OUTCOMES[-1][0], rng.randint(1, articles)


def generate_moderation(world: World, loader: Loader) -> None:
    loader.start_part("moderation")
    rng = world.rng("moderation")
    post_type = ContentType.objects.get_for_model(Post).pk
    decisions: list[tuple] = []
    reports: list[tuple] = []
    appeals: list[tuple] = []
    audits: list[tuple] = []
    first_decision = loader.reserve(Decision, 0)

    def decide(
        post: int,
        space_id: int,
        action: str,
        article,
        reason: str,
        moderator: int,
        author: int,
        at: float,
        revisits=None,
    ) -> int:
        decision_id = first_decision + len(decisions)
        decisions.append(
            (
                decision_id,
                post_type,
                post,
                "post",
                space_id,
                action,
                article,
                reason,
                moderator,
                author,
                as_datetime(at),
                revisits,
            )
        )
        details = {"decision": decision_id, "article": article, "reason": reason}
        if action == Action.RESTORE:
            details = {"decision": decision_id}
        audits.append((moderator, f"decision:{action}", post_type, post, json.dumps(details), at))
        return decision_id

    for post, space_index, author, created, outcome, article in world.reported:
        space = world.spaces[space_index]
        reporters: set[int] = set()
        wanted = min(rng.choice((1, 1, 1, 2, 3)), len(space.people) - 1)
        while len(reporters) < wanted:
            person = space.anyone(rng)
            if person != author:
                reporters.add(person)
        at = created
        planned = []
        for reporter in sorted(reporters):
            at = min(at + rng.expovariate(1 / 86_400), world.end)
            planned.append((reporter, at))
        decision_id = None
        decided = min(at + rng.expovariate(1 / 43_200), world.end)
        moderator = space.animator
        if outcome != "open":
            action = {"dismiss": Action.DISMISS, "warn": Action.WARN}.get(outcome, Action.HIDE)
            decision_id = decide(
                post,
                space.id,
                action,
                None if action == Action.DISMISS else article,
                REASONS[action],
                moderator,
                author,
                decided,
            )
        for reporter, when in planned:
            reports.append(
                (
                    post_type,
                    post,
                    "post",
                    space.id,
                    "person",
                    reporter,
                    article,
                    rng.choice(COMMENTS),
                    "open" if decision_id is None else "closed",
                    as_datetime(when),
                    decision_id,
                )
            )
        if outcome in ("appealed", "upheld", "overturned"):
            assert decision_id is not None
            appealed = min(decided + rng.uniform(1, 72) * 3600, world.end)
            decider = next((p for p in space.people[:3] if p not in (moderator, author)), None)
            if outcome == "appealed" or decider is None:
                appeals.append(
                    (
                        decision_id,
                        author,
                        "Je ne vois pas ce qui enfreint la charte.",
                        Appeal.Status.PENDING,
                        appealed,
                        None,
                        None,
                        "",
                    )
                )
                continue
            answered = min(appealed + rng.uniform(1, 96) * 3600, world.end)
            status = Appeal.Status.UPHELD if outcome == "upheld" else Appeal.Status.OVERTURNED
            answer = (
                "La décision est maintenue : le message vise une personne."
                if outcome == "upheld"
                else "Le message critique une position, pas une personne : il est rétabli."
            )
            appeals.append(
                (
                    decision_id,
                    author,
                    "Je conteste : c'était une critique politique.",
                    status,
                    appealed,
                    decider,
                    answered,
                    answer,
                )
            )
            if outcome == "overturned":
                decide(
                    post,
                    space.id,
                    Action.RESTORE,
                    None,
                    answer,
                    decider,
                    author,
                    answered,
                    revisits=decision_id,
                )
            audits.append(
                (
                    decider,
                    f"appeal:{status}",
                    post_type,
                    post,
                    json.dumps({"decision": decision_id, "answer": answer}),
                    answered,
                )
            )

    loader.reserve(Decision, len(decisions))
    loader.write(
        Decision,
        [
            "id",
            "content_type_id",
            "object_id",
            "kind",
            "space_id",
            "action",
            "article",
            "reason",
            "moderator_id",
            "author_id",
            "created_at",
            "revisits_id",
        ],
        decisions,
    )
    first = loader.reserve(Report, len(reports))
    loader.write(
        Report,
        [
            "id",
            "content_type_id",
            "object_id",
            "kind",
            "space_id",
            "source",
            "reporter_id",
            "article",
            "comment",
            "status",
            "created_at",
            "decision_id",
        ],
        ((first + i, *row) for i, row in enumerate(reports)),
    )
    first = loader.reserve(Appeal, len(appeals))
    loader.write(
        Appeal,
        [
            "id",
            "decision_id",
            "author_id",
            "text",
            "status",
            "created_at",
            "decided_by_id",
            "decided_at",
            "answer",
        ],
        (
            (
                first + i,
                d,
                a,
                text,
                status,
                as_datetime(at),
                by,
                as_datetime(when) if when is not None else None,
                answer,
            )
            for i, (d, a, text, status, at, by, when, answer) in enumerate(appeals)
        ),
    )
    audits.sort(key=lambda row: row[5])
    first = loader.reserve(AuditEntry, len(audits))
    loader.write(
        AuditEntry,
        ["id", "actor_id", "verb", "content_type_id", "object_id", "details", "created_at"],
        (
            (first + i, actor, verb, ct, obj, details, as_datetime(at))
            for i, (actor, verb, ct, obj, details, at) in enumerate(audits)
        ),
    )
    loader.end_part()
