"""Points for what broadens participation.

Other apps call `award(user, rule, key)` when something worth points happens
(an event attended, a field action reported…), or, for contributions, one of
`contribution_recorded`, `idea_submitted` and `answer_given`, which apply the
rules of replies, ideas and answers. The same (rule, key) counts once per
person; within a week, repeating the same rule earns less and less, so volume
alone never climbs a ranking."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from membrane.conversations.models import Post
from membrane.engagement.badges import BADGES, badge_counts
from membrane.engagement.models import BadgeAward, InviteCode, PointAward, RankingOptIn, Referral
from membrane.ideas.models import Answer, Idea, Status
from membrane.notifications.models import Kind

WEEK = timedelta(days=7)
# The k-th award of a rule within a week earns its points while k <= FULL,
# half of them while k <= HALF, nothing after (the award is still recorded:
# badges count actions, rankings count points).
FULL = 3
HALF = 6


@dataclass(frozen=True)
class Rule:
    points: int
    label: str | Promise = ""


RULES: dict[str, Rule] = {
    "first_reply": Rule(10, _("Your first reply in a conversation")),
    "event_attended": Rule(20, _("An event attended")),
    "field_action": Rule(5, _("A field action reported")),
    "idea_retained": Rule(30, _("An idea of yours retained")),
    "welcome_newcomer": Rule(10, _("A newcomer welcomed")),
    "invitee_contributed": Rule(15, _("A person you invited contributed")),
}


def points_for(rule: str, earlier_this_week: int) -> int:
    base = RULES[rule].points
    rank = earlier_this_week + 1
    if rank <= FULL:
        return base
    if rank <= HALF:
        return base // 2
    return 0


def award(user: Any, rule: str, key: str, *, at: datetime | None = None) -> PointAward | None:
    """Record that `user` earned `rule` for `key`; None if they already had."""
    if rule not in RULES:
        raise ValueError(f"Unknown points rule: {rule}")
    at = at or timezone.now()
    earlier = PointAward.objects.filter(
        user=user, rule=rule, created_at__gt=at - WEEK, created_at__lte=at
    ).count()
    try:
        with transaction.atomic():
            awarded = PointAward.objects.create(
                user=user, rule=rule, key=key, points=points_for(rule, earlier), created_at=at
            )
    except IntegrityError:  # the same thing, already counted (maybe at the same instant)
        return None
    badges_evaluate(user, at=at)
    return awarded


def badges_evaluate(user: Any, *, at: datetime | None = None) -> list[BadgeAward]:
    """Grant the badge levels `user` has newly reached (a few aggregate
    queries) and notify them, after commit, of the highest new level of each
    badge. Returns the BadgeAward rows created."""
    at = at or timezone.now()
    counts = badge_counts(user)
    held = set(BadgeAward.objects.filter(user=user).values_list("badge", "level"))
    new = [
        BadgeAward(user=user, badge=code, level=level, earned_at=at)
        for code, badge in BADGES.items()
        for level in range(1, badge.level_for(counts[code]) + 1)
        if (code, level) not in held
    ]
    if not new:
        return []
    # ignore_conflicts: a concurrent award may have granted the same level.
    BadgeAward.objects.bulk_create(new, ignore_conflicts=True)
    highest: dict[str, int] = {}
    for row in new:
        highest[row.badge] = max(highest.get(row.badge, 0), row.level)

    def send() -> None:
        from membrane.notifications.services import notify

        for code, level in highest.items():
            notify(recipients=[user], kind=Kind.BADGE, badge=f"{code}:{level}")

    transaction.on_commit(send)
    return new


# -- Contributions -----------------------------------------------------------
# The services that save a post, an idea or an answer call these inside their
# transaction: a rolled-back contribution earns nothing, and the only side
# effect (a badge notification) waits for the commit. Bulk inserts (the demo
# data, imports) call nothing and earn nothing.

# A reply welcomes a newcomer whose first-ever message, in the same thread,
# is at most this old.
WELCOME_WINDOW = timedelta(days=14)
# A reply welcomes at most this many newcomers (the most recent ones): the
# work of a reply stays small in a crowded thread, and volume earns little.
WELCOMES_PER_REPLY = 3


def contribution_recorded(*, post: Post) -> None:
    """Points for a new post: `first_reply` and `welcome_newcomer` to its
    author if it is a reply, `invitee_contributed` to whoever invited them.
    Call inside the transaction that saves the post; a fixed number of
    queries, whatever the size of the thread."""
    if post.author_id is None:
        return
    author = post.author
    at = post.created_at
    is_reply = Post.objects.filter(thread_id=post.thread_id, pk__lt=post.pk).exists()
    if is_reply:
        if not PointAward.objects.filter(user=author, rule="first_reply").exists():
            award(author, "first_reply", "first", at=at)
        _welcome_newcomers(post, author=author)
    _invitee_contributed(author, at=at)


def _welcome_newcomers(reply: Post, *, author: Any) -> None:
    """welcome_newcomer: the reply's author welcomes the most recent people
    whose first-ever post is in this thread and recent, once each."""
    at = reply.created_at
    first_thread_of = (
        Post.objects.filter(author=OuterRef("author"))
        .order_by("created_at", "pk")
        .values("thread_id")[:1]
    )
    already = set(
        PointAward.objects.filter(user=author, rule="welcome_newcomer").values_list(
            "key", flat=True
        )
    )
    newcomers = (
        Post.objects.filter(thread_id=reply.thread_id, created_at__gte=at - WELCOME_WINDOW)
        .exclude(author=None)
        .exclude(author_id=author.pk)
        .annotate(first_thread=Subquery(first_thread_of))
        .filter(first_thread=reply.thread_id)
        .values("author_id")
        .annotate(last=Max("created_at"))
        .order_by("-last", "-author_id")
        .values_list("author_id", flat=True)
    )
    # Enough rows to find the few not welcomed yet, and no more.
    newcomers = newcomers[: WELCOMES_PER_REPLY + len(already)]
    chosen = [i for i in newcomers if f"newcomer:{i}" not in already][:WELCOMES_PER_REPLY]
    for newcomer_id in chosen:
        award(author, "welcome_newcomer", f"newcomer:{newcomer_id}", at=at)


def idea_submitted(*, idea: Idea) -> None:
    """Points for a new idea: `invitee_contributed` to whoever invited its
    author. Call inside the transaction that saves the idea."""
    if idea.author_id is not None:
        _invitee_contributed(idea.author, at=idea.created_at)


def answer_given(*, answer: Answer) -> None:
    """Points for an answer: `idea_retained` to the idea's author when the
    answer retains it. Call inside the transaction that saves the answer."""
    if answer.to_status != Status.RETAINED:
        return
    idea = answer.idea
    if idea.author_id is not None:
        award(idea.author, "idea_retained", f"idea:{idea.pk}", at=answer.created_at)


def _invitee_contributed(author: Any, *, at: datetime) -> None:
    """The inviter of `author` earns points for their first contribution."""
    inviter_id = (
        Referral.objects.filter(invitee=author, inviter__isnull=False)
        .values_list("inviter_id", flat=True)
        .first()
    )
    if inviter_id is None:
        return
    key = f"invitee:{author.pk}"
    if PointAward.objects.filter(user_id=inviter_id, rule="invitee_contributed", key=key).exists():
        return
    from membrane.accounts.models import User

    inviter = User.objects.get(pk=inviter_id)
    award(inviter, "invitee_contributed", key, at=at)


# -- Invitations -------------------------------------------------------------

SESSION_KEY = "invitation_code"


def invite_code_for(user: Any) -> str:
    """The person's invitation code, made on first need (stable after)."""
    existing = InviteCode.objects.filter(user=user).values_list("code", flat=True).first()
    if existing:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return InviteCode.objects.create(user=user, code=secrets.token_urlsafe(9)).code
        except IntegrityError:  # made meanwhile by another request, or (rarely) a clash
            existing = InviteCode.objects.filter(user=user).values_list("code", flat=True).first()
            if existing:
                return existing
    raise RuntimeError("Could not make an invitation code.")


def invite_url(user: Any, path: str = "") -> str:
    """A link that credits `user` with whoever signs up after following it:
    their invitation page, which remembers the code and then leads to `path`
    (a page of this site: an event, a campaign) or, without one, to sign-up."""
    url = reverse("engagement:invitation", args=[invite_code_for(user)])
    if path:
        url += "?" + urlencode({"next": path})
    return url


def referral_record(*, invitee: Any, code: str) -> Referral | None:
    """Record that `invitee` joined through the link `code`; nothing for an
    unknown code, one's own code or a person already counted."""
    inviter_id = InviteCode.objects.filter(code=code).values_list("user_id", flat=True).first()
    if inviter_id is None or inviter_id == invitee.pk:
        return None
    try:
        with transaction.atomic():
            referral = Referral.objects.create(invitee=invitee, inviter_id=inviter_id)
    except IntegrityError:
        return None
    inviter = referral.inviter
    if inviter is not None:
        badges_evaluate(inviter)
    return referral


# -- Rankings ----------------------------------------------------------------


def ranking_opt_in_set(*, user: Any, opted_in: bool) -> None:
    """Appear in the person rankings, or stop appearing (at once)."""
    if opted_in:
        RankingOptIn.objects.get_or_create(user=user)
    else:
        RankingOptIn.objects.filter(user=user).delete()
