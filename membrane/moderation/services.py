"""Writes of moderation: reports, decisions and their effects, appeals, the
posting guards of a space's policy. Every moderator action leaves an audit
entry; every decision is public (the log) and told to whom it concerns."""

import re
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from membrane.core.anonymous_cache import forget_anonymous_pages
from membrane.moderation.following import followers_to_carry, only_with_leader, state_with_leader
from membrane.moderation.kinds import kind_of
from membrane.moderation.models import (
    Action,
    Appeal,
    AuditEntry,
    Decision,
    ModerationState,
    Mute,
    Report,
    SpacePolicy,
)
from membrane.notifications.models import Kind
from membrane.notifications.services import notify
from membrane.security.models import AuditAction
from membrane.security.services import audit_record

REPORTS_PER_HOUR = 10
MAX_MUTE_DAYS = 365
# Guards of a space's policy.
NEWCOMER_DAYS = 7
NEWCOMER_POSTS = 3
LINKS_HELD_BEYOND = 3
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


class ModerationError(Exception):
    """A moderation request that cannot be done; the message says why."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def charter_articles() -> dict[int, str]:
    """The articles of the current charter: number → title."""
    from membrane.charter.services import current_charter

    charter = current_charter()
    if charter is None:
        return {}
    return dict(charter.articles.order_by("number").values_list("number", "title"))


def _check_article(article: Any, *, required: bool) -> int | None:
    if article in (None, ""):
        if required:
            raise ModerationError(_("Name the article of the charter concerned."))
        return None
    try:
        number = int(article)
    except (TypeError, ValueError):
        number = -1
    if number not in charter_articles():
        raise ModerationError(_("The charter has no article %(number)s.") % {"number": article})
    return number


def _ref(content: Any) -> dict[str, Any]:
    kind = kind_of(content)
    return {
        "content_type": ContentType.objects.get_for_model(content),
        "object_id": content.pk,
        "kind": kind.name,
        "space": kind.space_of(content),
    }


def audit(*, actor: Any, verb: str, content: Any = None, **details: Any) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        verb=verb,
        content_type=ContentType.objects.get_for_model(content) if content is not None else None,
        object_id=content.pk if content is not None else None,
        details=details,
    )


# Reports ----------------------------------------------------------------------


def report_create(*, reporter: Any, content: Any, article: Any, comment: str = "") -> Report:
    """Report a content under an article (the caller checked `can_report`).
    One open report per person and content; at most REPORTS_PER_HOUR an hour."""
    number = _check_article(article, required=True)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    if Report.objects.filter(reporter=reporter, created_at__gte=an_hour_ago).count() >= (
        REPORTS_PER_HOUR
    ):
        raise ModerationError(
            ngettext(
                "You can report at most %(limit)d content an hour: try again later.",
                "You can report at most %(limit)d contents an hour: try again later.",
                REPORTS_PER_HOUR,
            )
            % {"limit": REPORTS_PER_HOUR},
            status=429,
        )
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, article=number, comment=comment.strip(), **_ref(content)
            )
    except IntegrityError:
        raise ModerationError(
            _("You have already reported this; the moderators will look at it."), status=409
        ) from None


def _hold(content: Any, source: str) -> None:
    """Keep a content out of sight until a moderator approves it."""
    _set_state(content, ModerationState.HELD, None)
    Report.objects.create(source=source, **_ref(content))


def _set_state(content: Any, state: str, article: int | None) -> None:
    """Write the content's state, and its followers' (an idea's thread: see
    following.py)."""
    state, article = state_with_leader(content, state, article)
    _store_state(content, state, article)
    for follower in followers_to_carry(content, state):
        _store_state(follower, state, article)


def _store_state(content: Any, state: str, article: int | None) -> None:
    type(content)._default_manager.filter(pk=content.pk).update(
        moderation_state=state, moderation_article=article
    )
    content.moderation_state = state
    content.moderation_article = article
    # What moderation hides leaves anonymous visitors' cached pages at once.
    transaction.on_commit(forget_anonymous_pages)


# Posting guards ---------------------------------------------------------------


def policy_of(space: Any) -> SpacePolicy:
    """The space's policy, or the defaults (not saved) when it has none."""
    policy = SpacePolicy.objects.filter(space=space).first()
    return policy if policy is not None else SpacePolicy(space=space)


def active_mute(*, user: Any, space: Any) -> Mute | None:
    return (
        Mute.objects.filter(user=user, space=space, until__gt=timezone.now())
        .order_by("-until")
        .first()
    )


def posting_check(*, author: Any, space: Any) -> None:
    """Raise ModerationError (403 or 429) if the person may not post in the
    space now: muted, or over the space's rate. Called before anything is
    saved, so the form keeps the text."""
    from membrane.conversations.models import Post

    mute = active_mute(user=author, space=space)
    if mute is not None:
        raise ModerationError(
            _(
                "You are muted in this space until %(date)s by a moderation decision "
                "(article %(article)s of the charter). You can appeal it."
            )
            % {
                "date": timezone.localtime(mute.until).strftime("%d/%m/%Y %H:%M"),
                "article": mute.decision.article,
            },
            status=403,
        )
    policy = policy_of(space)
    if policy.posts_per_hour and not _moderates(author, space):
        an_hour_ago = timezone.now() - timedelta(hours=1)
        recent = Post.objects.filter(
            author=author, thread__space=space, created_at__gte=an_hour_ago
        ).count()
        if recent >= policy.posts_per_hour:
            raise ModerationError(
                ngettext(
                    "This space accepts %(limit)d message an hour from each person: "
                    "wait a little before posting again. Your text is kept below.",
                    "This space accepts %(limit)d messages an hour from each person: "
                    "wait a little before posting again. Your text is kept below.",
                    policy.posts_per_hour,
                )
                % {"limit": policy.posts_per_hour},
                status=429,
            )


def _moderates(user: Any, space: Any) -> bool:
    from membrane.moderation.permissions import can_moderate_in

    return can_moderate_in(user, space)


def guard_source(*, author: Any, space: Any, body: str) -> str | None:
    """Why a new content should wait for review (a Report.Source), or None.
    Moderators of the space are never held."""
    from membrane.conversations.models import Post

    if _moderates(author, space):
        return None
    policy = policy_of(space)
    if policy.premoderation:
        return Report.Source.PREMODERATION
    if policy.newcomer_guard and author.date_joined > timezone.now() - timedelta(
        days=NEWCOMER_DAYS
    ):
        published = Post.objects.filter(
            author=author, moderation_state=ModerationState.VISIBLE
        ).count()
        if published < NEWCOMER_POSTS:
            return Report.Source.NEWCOMER
    if policy.link_guard and len(_LINK.findall(body)) > LINKS_HELD_BEYOND:
        return Report.Source.LINKS
    return None


def hold_if_guarded(*, content: Any, author: Any, space: Any, body: str) -> bool:
    """After creating a content: hold it if a guard says so. True if held."""
    source = guard_source(author=author, space=space, body=body)
    if source is None:
        return False
    _hold(content, source)
    return True


# Decisions --------------------------------------------------------------------

# What each decision does to the content's state (None: leaves it).
_STATE_AFTER: dict[str, str] = {
    Action.HIDE: ModerationState.HIDDEN,
    Action.APPROVE: ModerationState.VISIBLE,
    Action.RESTORE: ModerationState.VISIBLE,
}
# Decisions that need an article of the charter.
_NEED_ARTICLE = {Action.HIDE, Action.WARN, Action.MUTE, Action.BAN}


def decide(
    *,
    moderator: Any,
    content: Any,
    action: str,
    article: Any,
    reason: str,
    mute_days: Any = None,
    revisits: Decision | None = None,
) -> Decision:
    """Take a decision on a content (the caller checked `can_take`), apply
    it, close the open reports, tell the author and the reporters."""
    if action not in Action.values:
        raise ModerationError(_("Choose a decision."))
    number = _check_article(article, required=action in _NEED_ARTICLE)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ModerationError(_("Give a short public reason: it is shown in the log."))
    kind = kind_of(content)
    space = kind.space_of(content)
    author = kind.author_of(content)
    if action in (Action.MUTE, Action.BAN, Action.WARN) and author is None:
        raise ModerationError(_("This content has no author any more."))
    _check_fits_state(content, action, space)
    until = None
    if action == Action.MUTE:
        until = timezone.now() + timedelta(days=_mute_days(mute_days))
    with transaction.atomic():
        decision = Decision.objects.create(
            action=action,
            article=number,
            reason=reason,
            moderator=moderator,
            author=author,
            until=until,
            revisits=revisits,
            **_ref(content),
        )
        state = _STATE_AFTER.get(action)
        was_held = getattr(content, "moderation_state", None) == ModerationState.HELD
        if state is not None:
            _set_state(content, state, number if state == ModerationState.HIDDEN else None)
        if was_held and state == ModerationState.VISIBLE:
            # Imported here: conversations imports moderation. It sends the
            # notifications it held back (mentions, replies, new thread).
            from membrane.conversations.services import content_published

            content_published(content)
        if action == Action.MUTE and until is not None:
            Mute.objects.create(user=author, space=space, until=until, decision=decision)
        if action == Action.BAN:
            # Imported here, as below: a banned person leaves their section's count.
            from membrane.territory.services import section_counts_kept

            with section_counts_kept(author):
                type(author)._default_manager.filter(pk=author.pk).update(is_active=False)
            # A banned person no longer counts among their groups' members.
            from membrane.spaces.services import member_counts_recount

            member_counts_recount(user=author)
        reporters = _close_reports(content, decision)
        audit(
            actor=moderator,
            verb=f"decision:{action}",
            content=content,
            decision=decision.pk,
            article=number,
            reason=reason,
        )
        audit_record(
            actor=moderator,
            action=AuditAction.MODERATION_DECISION,
            target=decision,
            summary=f"{action} (article {number}) on {kind.name} {content.pk}",
        )
        transaction.on_commit(lambda: _tell(decision, author=author, reporters=reporters))
    return decision


def _check_fits_state(content: Any, action: str, space: Any) -> None:
    """Refuse decisions that make no sense for the content as it is: a held
    message is approved or hidden (dismissing would leave it held for ever),
    only hidden content is restored, only held content approved."""
    state = getattr(content, "moderation_state", ModerationState.VISIBLE)
    if state != ModerationState.VISIBLE and only_with_leader(content):
        # Its state is its idea's: approving or restoring it alone would
        # change nothing; hiding it makes it stay hidden once the idea is back.
        if action in (Action.APPROVE, Action.RESTORE):
            raise ModerationError(
                _("This discussion is held or hidden with its idea: decide on the idea instead.")
            )
        if action == Action.HIDE:
            return
    if state == ModerationState.HELD and action not in (Action.APPROVE, Action.HIDE, Action.BAN):
        raise ModerationError(_("A held message is approved or hidden."))
    if action == Action.APPROVE and state != ModerationState.HELD:
        raise ModerationError(_("Only a held message can be approved."))
    if action == Action.RESTORE and state != ModerationState.HIDDEN:
        raise ModerationError(_("Only hidden content can be restored."))
    if action == Action.HIDE and state == ModerationState.HIDDEN:
        raise ModerationError(_("This content is already hidden."))
    if action == Action.MUTE and space is None:
        raise ModerationError(_("Muting applies in a space: this content has none."))


def _mute_days(value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_MUTE_DAYS:
        raise ModerationError(_("A mute lasts from 1 to %(max)d days.") % {"max": MAX_MUTE_DAYS})
    return days


def _close_reports(content: Any, decision: Decision) -> list[Any]:
    reports = Report.objects.filter(
        content_type=ContentType.objects.get_for_model(content),
        object_id=content.pk,
        status=Report.Status.OPEN,
    )
    reporters = [r.reporter for r in reports.select_related("reporter") if r.reporter_id]
    reports.update(status=Report.Status.CLOSED, decision=decision)
    return reporters


def _tell(decision: Decision, *, author: Any, reporters: list[Any]) -> None:
    if author is not None and decision.action != Action.DISMISS:
        notify(recipients=[author], kind=Kind.MODERATION, actor=None, decision=decision)
    notify(recipients=reporters, kind=Kind.REPORT_OUTCOME, actor=None, decision=decision)


# Appeals ----------------------------------------------------------------------


def appeal_create(*, author: Any, decision: Decision, text: str) -> Appeal:
    """Contest a decision (the caller checked `can_appeal`)."""
    from membrane.moderation.models import APPEAL_MAX_LENGTH

    text = (text or "").strip()
    if not text:
        raise ModerationError(_("Say in a few words why the decision should change."))
    if len(text) > APPEAL_MAX_LENGTH:
        raise ModerationError(
            _("At most %(limit)d characters, please: this text has %(length)d.")
            % {"limit": APPEAL_MAX_LENGTH, "length": len(text)}
        )
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(decision=decision, author=author, text=text)
    except IntegrityError:
        raise ModerationError(_("This decision has already been appealed."), status=409) from None
    deciders = appeal_deciders(appeal)
    transaction.on_commit(
        lambda: notify(recipients=deciders, kind=Kind.APPEAL, actor=author, decision=decision)
    )
    return appeal


def appeal_deciders(appeal: Appeal) -> list[Any]:
    """Who may decide an appeal: the moderators of the content's space (a
    group's moderators and animators, a territorial unit's animators and
    those above), or staff for what has no space and for bans — never the
    first moderator nor the author."""
    from membrane.accounts.models import User
    from membrane.moderation.permissions import can_decide_appeal
    from membrane.spaces.models import Membership, Role
    from membrane.territory.models import Animator

    decision = appeal.decision
    space = decision.space
    people = User.objects.filter(is_staff=True)
    if space is not None and decision.action != Action.BAN:
        if space.is_group:
            candidates = Membership.objects.filter(space=space, role__gte=Role.MODERATOR)
            people = people | User.objects.filter(pk__in=candidates.values("user_id"))
        elif space.unit is not None:
            unit = space.unit
            units = [unit.pk, unit.parent_id, getattr(unit.parent, "parent_id", None)]
            animators = Animator.objects.filter(unit_id__in=[u for u in units if u])
            people = people | User.objects.filter(pk__in=animators.values("user_id"))
    people = people.filter(is_active=True, erased_at=None).distinct()
    return [person for person in people if can_decide_appeal(person, appeal)]


def appeal_decide(*, moderator: Any, appeal: Appeal, overturn: bool, answer: str) -> Appeal:
    """Decide an appeal (the caller checked `can_decide_appeal`). Overturning
    undoes the decision with a new, public RESTORE decision; both the author
    and the first moderator are told."""
    answer = " ".join((answer or "").split())
    if not answer:
        raise ModerationError(_("Give a short public answer: it is shown in the log."))
    decision = appeal.decision
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != Appeal.Status.PENDING:
            raise ModerationError(_("This appeal has already been decided."), status=409)
        appeal.status = Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD
        appeal.decided_by = moderator
        appeal.decided_at = timezone.now()
        appeal.answer = answer
        appeal.save(update_fields=["status", "decided_by", "decided_at", "answer"])
        # The caller may have loaded the decision with its appeal still pending:
        # the notification (and its email, written at once) must see the outcome.
        decision.appeal = appeal
        if overturn:
            _undo(decision, moderator=moderator, answer=answer)
        audit(
            actor=moderator,
            verb="appeal:" + appeal.status,
            content=decision.content,
            decision=decision.pk,
            appeal=appeal.pk,
            answer=answer,
        )
        audit_record(
            actor=moderator,
            action=AuditAction.APPEAL_DECISION,
            target=appeal,
            summary=f"{appeal.status} (decision {decision.pk})",
        )
        recipients = [decision.author, decision.moderator]
        transaction.on_commit(
            lambda: notify(
                recipients=recipients,
                kind=Kind.APPEAL_DECIDED,
                actor=moderator,
                decision=decision,
            )
        )
    return appeal


def _undo(decision: Decision, *, moderator: Any, answer: str) -> None:
    content = decision.content
    if decision.action == Action.MUTE:
        Mute.objects.filter(decision=decision).delete()
    if decision.action == Action.BAN and decision.author_id is not None:
        from membrane.accounts.models import User

        User.objects.filter(pk=decision.author_id).update(is_active=True)
    restore = Decision.objects.create(
        action=Action.RESTORE,
        article=decision.article,
        reason=answer,
        moderator=moderator,
        author=decision.author,
        revisits=decision,
        content_type=decision.content_type,
        object_id=decision.object_id,
        kind=decision.kind,
        space=decision.space,
    )
    if content is not None and decision.action == Action.HIDE:
        _set_state(content, ModerationState.VISIBLE, None)
    audit(actor=moderator, verb="decision:restore", content=content, decision=restore.pk)


# Policies ---------------------------------------------------------------------


def policy_update(*, moderator: Any, space: Any, **fields: Any) -> SpacePolicy:
    policy, _created = SpacePolicy.objects.get_or_create(space=space)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()
    audit(actor=moderator, verb="policy:update", content=space, **{k: v for k, v in fields.items()})
    return policy
