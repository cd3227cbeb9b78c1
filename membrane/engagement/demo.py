"""Demo engagement: invitation codes and referrals, points earned over the
last two months (through `award`, so diminishing returns and badges apply),
and some people who chose to appear in the rankings.

Called by load_demo after the conversations and ideas (their bulk inserts
sent no signals, so the points of replies are given here). Idempotent:
`engagement_loaded(domain)` says whether it already ran."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from membrane.accounts.models import User
from membrane.engagement.models import BadgeAward, PointAward, RankingOptIn, Referral
from membrane.engagement.services import award, badges_evaluate, invite_code_for

INVITERS = 12
INVITEES = 45
OPTED_IN = 30
ACTIVE = 90
DAYS = 60


@dataclass
class Summary:
    referrals: int
    points: int
    badges: int
    opted_in: int

    def line(self) -> str:
        return (
            f"Engagement: {self.referrals} referrals, {self.points} points awarded, "
            f"{self.badges} badge levels, {self.opted_in} people in the rankings."
        )


def engagement_loaded(domain: str) -> bool:
    return RankingOptIn.objects.filter(user__email__endswith=f"@{domain}").exists()


def load_engagement(*, domain: str, seed: int = 6) -> Summary | None:
    from membrane.conversations.models import Post

    people = list(
        User.objects.filter(email__endswith=f"@{domain}", is_active=True, erased_at=None).order_by(
            "pk"
        )
    )
    if len(people) < INVITERS + INVITEES:
        return None
    rng = random.Random(seed)
    now = timezone.now()

    def when() -> timedelta:
        return timedelta(days=rng.uniform(0, DAYS), minutes=rng.randint(0, 600))

    with transaction.atomic():
        inviters = rng.sample(people[: len(people) // 2], INVITERS)
        already = set(Referral.objects.values_list("invitee_id", flat=True))
        newer = [p for p in people[len(people) // 2 :] if p.pk not in already]
        invitees = rng.sample(newer, min(INVITEES, len(newer)))
        for inviter in inviters:
            invite_code_for(inviter)
        Referral.objects.bulk_create(
            [Referral(inviter=rng.choice(inviters), invitee=invitee) for invitee in invitees],
            ignore_conflicts=True,
        )
        invited_by = dict(
            Referral.objects.filter(invitee__in=invitees).values_list("invitee_id", "inviter_id")
        )
        # First replies: the demo's replies were bulk-inserted.
        first_posts: dict[int, tuple[int, object]] = {}
        for author_id, thread_id, created_at in (
            Post.objects.filter(author__in=people)
            .order_by("created_at", "pk")
            .values_list("author_id", "thread_id", "created_at")
        ):
            first_posts.setdefault(author_id, (thread_id, created_at))
        by_id = {p.pk: p for p in people}
        for person in rng.sample(people, min(ACTIVE, len(people))):
            for n in range(rng.randint(0, 3)):
                award(person, "event_attended", f"demo-event:{n}", at=now - when())
            for n in range(rng.randint(0, 8)):
                award(person, "field_action", f"demo-report:{person.pk}:{n}", at=now - when())
            if person.pk in first_posts:
                award(person, "first_reply", "first", at=now - when())
            if rng.random() < 0.2:
                newcomer = rng.choice(invitees)
                if newcomer.pk != person.pk:
                    award(person, "welcome_newcomer", f"newcomer:{newcomer.pk}", at=now - when())
        for invitee_id, inviter_id in invited_by.items():
            if invitee_id in first_posts and inviter_id in by_id:
                award(by_id[inviter_id], "invitee_contributed", f"invitee:{invitee_id}", at=now)
        for inviter in inviters:
            badges_evaluate(inviter, at=now)
        for person in rng.sample(people, OPTED_IN):
            RankingOptIn.objects.get_or_create(user=person)
    return Summary(
        referrals=Referral.objects.filter(invitee__in=people).count(),
        points=PointAward.objects.filter(user__in=people).count(),
        badges=BadgeAward.objects.filter(user__in=people).count(),
        opted_in=RankingOptIn.objects.filter(user__in=people).count(),
    )
