"""Points that the engagement app notices by itself.

Events and campaigns call `award()` where attendance and field actions are
recorded. Replies, ideas and answers are older apps that know nothing of
points, and should not have to: the engagement app *observes* them through
`post_save` receivers (connected in EngagementConfig.ready), so removing
points would remove this module and nothing else. The receivers only add
points in the same transaction as what earned them (a rolled-back reply
earns nothing); their side effects (badge notifications) wait for the commit.

Bulk inserts (the demo data, imports) send no signal and earn no points."""

from datetime import timedelta
from typing import Any

from django.db.models import Max, OuterRef, Subquery

from membrane.engagement.models import PointAward, Referral
from membrane.engagement.services import SESSION_KEY, award, referral_record

# A reply welcomes a newcomer whose first-ever message, in the same thread,
# is at most this old.
WELCOME_WINDOW = timedelta(days=14)
# A reply welcomes at most this many newcomers (the most recent ones): the
# work of a reply stays small in a crowded thread, and volume earns little.
WELCOMES_PER_REPLY = 3


def post_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """first_reply, welcome_newcomer and invitee_contributed, for a new post."""
    if not created or raw or instance.author_id is None:
        return
    from membrane.conversations.models import Post

    post = instance
    author = post.author
    at = post.created_at
    is_reply = Post.objects.filter(thread_id=post.thread_id, pk__lt=post.pk).exists()
    if is_reply:
        if not PointAward.objects.filter(user=author, rule="first_reply").exists():
            award(author, "first_reply", "first", at=at)
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
            Post.objects.filter(thread_id=post.thread_id, created_at__gte=at - WELCOME_WINDOW)
            .exclude(author=None)
            .exclude(author_id=author.pk)
            .annotate(first_thread=Subquery(first_thread_of))
            .filter(first_thread=post.thread_id)
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
    invitee_contributed(author, at=at)


def idea_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw and instance.author_id is not None:
        invitee_contributed(instance.author, at=instance.created_at)


def answer_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """idea_retained: the author of an idea the organisation retains."""
    if not created or raw or instance.to_status != "retained":
        return
    idea = instance.idea
    if idea.author_id is not None:
        award(idea.author, "idea_retained", f"idea:{idea.pk}", at=instance.created_at)


def invitee_contributed(author: Any, *, at: Any) -> None:
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


def user_signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A person who followed someone's invitation link, then signed up."""
    session = getattr(request, "session", None)
    code = session.pop(SESSION_KEY, None) if session is not None else None
    if isinstance(code, str) and code:
        referral_record(invitee=user, code=code)


def connect() -> None:
    from allauth.account.signals import user_signed_up as signed_up
    from django.db.models.signals import post_save

    from membrane.conversations.models import Post
    from membrane.ideas.models import Answer, Idea

    post_save.connect(post_saved, sender=Post, dispatch_uid="engagement.post_saved")
    post_save.connect(idea_saved, sender=Idea, dispatch_uid="engagement.idea_saved")
    post_save.connect(answer_saved, sender=Answer, dispatch_uid="engagement.answer_saved")
    signed_up.connect(user_signed_up, dispatch_uid="engagement.user_signed_up")
