"""Writes of ideas: opening a box, submitting, supporting, answering,
sending an idea up the tree, merging duplicates and commenting. Each takes
`now` so that thresholds and delays can be tested with a controlled clock."""

import math
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from membrane.conversations.models import TITLE_MAX_LENGTH as THREAD_TITLE_MAX_LENGTH
from membrane.conversations.models import Post, Thread
from membrane.conversations.services import post_create_once, thread_create
from membrane.core.markdown import render_markdown
from membrane.core.queries import count_for_outer_row
from membrane.core.text import normalize_for_search
from membrane.engagement.services import answer_given, idea_submitted
from membrane.ideas.models import NEXT_STATUSES, Answer, Idea, IdeaBox, Status, Step, Support
from membrane.spaces.models import Space


class IdeaError(Exception):
    """A request on ideas that cannot be done; the message says why."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def box_open(*, space: Space, by: Any, **rules: Any) -> IdeaBox:
    """Open the space's box (or change its rules if it exists)."""
    if rules.get("threshold_supports") is None and rules.get("threshold_percent") is None:
        rules["threshold_supports"] = 10
    box, _created = IdeaBox.objects.update_or_create(
        space=space, defaults={"opened_by": by, **rules}
    )
    return box


def threshold_of(box: IdeaBox) -> int:
    """Supports an idea needs before an answer is owed: the box's number, or
    its share of the space's members (rounded up, at least 1)."""
    if box.threshold_supports is not None:
        return max(1, box.threshold_supports)
    from membrane.spaces.selectors import space_member_count

    members = space_member_count(box.space)
    return max(1, math.ceil(members * (box.threshold_percent or 0) / 100))


def idea_submit(
    *,
    author: Any,
    box: IdeaBox,
    title: str,
    description: str,
    themes: Any = (),
    now: datetime | None = None,
) -> Idea:
    """Submit an idea (the caller checked `can_submit`); it may earn its
    author's inviter points (`engagement.services.idea_submitted`)."""
    when = _now(now)
    title = " ".join(title.split())
    with transaction.atomic():
        idea = Idea.objects.create(
            box=box,
            author=author,
            title=title,
            description=description.strip(),
            description_html=render_markdown(description),
            search_key=normalize_for_search(f"{title} {description}"),
            created_at=when,
        )
        if themes:
            idea.themes.set(themes)
        Step.objects.create(idea=idea, box=box, entered_at=when)
        idea_submitted(idea=idea)
    return idea


def current_step(idea: Idea) -> Step:
    return Step.objects.get(idea=idea, box_id=idea.box_id)


def support_add(*, user: Any, idea: Idea, now: datetime | None = None) -> Support:
    """Support an idea (the caller checked `can_support`). Twice, even at the
    same instant, is refused by the database's unique constraint.

    Every write of supports locks their idea's row first (here the count's
    UPDATE does), then touches the supports: counts stay exact under
    concurrency and the writers never deadlock. A refused support rolls its
    increment back."""
    when = _now(now)
    try:
        with transaction.atomic():
            _count_supports([idea.pk], delta=1)
            support = Support.objects.create(idea=idea, user=user, created_at=when)
    except IntegrityError:
        raise IdeaError(_("You already support this idea."), status=409) from None
    _note_threshold(idea, when)
    return support


def support_withdraw(*, user: Any, idea: Idea) -> bool:
    """Withdraw one's support; True if there was one. A threshold once
    reached stays reached: the answer is owed."""
    with transaction.atomic():
        _lock_ideas([idea.pk])
        deleted, _rows = Support.objects.filter(idea=idea, user=user).delete()
        if deleted:
            _count_supports([idea.pk], delta=-deleted)
    return bool(deleted)


def supports_delete(supports: QuerySet[Support]) -> int:
    """Delete these supports (an account's erasure, a clean-up) and lower
    their ideas' stored counts in the same transaction, their ideas locked
    first as every write of supports does; returns how many went."""
    with transaction.atomic():
        idea_ids = _lock_ideas(supports.values("idea_id"))
        rows = list(supports.filter(idea_id__in=idea_ids).values_list("pk", "idea_id"))
        if not rows:
            return 0
        Support.objects.filter(pk__in=[pk for pk, _idea in rows]).delete()
        # One UPDATE per distinct number removed (a single one for a person's
        # supports: one per idea).
        by_delta: dict[int, list[int]] = defaultdict(list)
        for idea_id, removed in Counter(idea_id for _pk, idea_id in rows).items():
            by_delta[removed].append(idea_id)
        for removed, ids in by_delta.items():
            _count_supports(ids, delta=-removed)
    return len(rows)


def _lock_ideas(ids: Any) -> list[int]:
    """Lock these ideas' rows (ids, or a query of ids) until commit, in the
    order of their ids; returns the ids locked."""
    locked = (
        Idea.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(locked)


def _count_supports(idea_ids: list[int], *, delta: int) -> None:
    """Move the stored support count of these ideas by `delta`; call inside
    the transaction that adds or deletes the supports."""
    Idea.objects.filter(pk__in=idea_ids).update(support_count=F("support_count") + delta)


def support_counts_recount(*, ideas: QuerySet[Idea] | None = None) -> int:
    """Count again the stored supports of `ideas` (default: every idea), from
    the supports themselves: after rows written in bulk (dataset, admin, a
    script). One UPDATE; returns the number of ideas. Not for concurrent use
    with supports being added: the services keep the counts exact."""
    if ideas is None:
        ideas = Idea.objects.all()
    supports = Support.objects.filter(idea=OuterRef("pk"))
    return ideas.update(support_count=count_for_outer_row(supports, by="idea"))


def _note_threshold(idea: Idea, when: datetime) -> None:
    step = current_step(idea)
    if step.threshold_reached_at is not None:
        return
    supports = Idea.objects.filter(pk=idea.pk).values_list("support_count", flat=True).get()
    if supports >= threshold_of(idea.box):
        Step.objects.filter(pk=step.pk, threshold_reached_at=None).update(threshold_reached_at=when)


def idea_answer(
    *, by: Any, idea: Idea, status: str, text: str, now: datetime | None = None
) -> Answer:
    """A public answer that moves the idea along the pipeline (the caller
    checked `can_answer`). The author and the supporters are told; an idea
    retained earns its author points (`engagement.services.answer_given`)."""
    text = text.strip()
    if not text:
        raise IdeaError(_("Write the public answer: it is shown with the idea."))
    if status not in NEXT_STATUSES.get(idea.status, set()):
        raise IdeaError(
            _("An idea %(current)s cannot become %(next)s.")
            % {"current": Status(idea.status).label, "next": _status_label(status)}
        )
    when = _now(now)
    with transaction.atomic():
        step = current_step(idea)
        answer = Answer.objects.create(
            idea=idea,
            step=step,
            author=by,
            from_status=idea.status,
            to_status=status,
            text=text,
            created_at=when,
        )
        Idea.objects.filter(pk=idea.pk).update(status=status)
        Step.objects.filter(pk=step.pk).update(status=status)
        Step.objects.filter(pk=step.pk, answered_at=None).update(answered_at=when)
        idea.status = status
        answer_given(answer=answer)
        transaction.on_commit(lambda: _tell_answer(idea, answer))
    return answer


def _status_label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


def _tell_answer(idea: Idea, answer: Answer) -> None:
    from membrane.notifications.models import Kind
    from membrane.notifications.services import notify

    supporters = [s.user for s in Support.objects.filter(idea=idea).select_related("user")]
    notify(
        recipients=[idea.author, *supporters], kind=Kind.IDEA_ANSWER, actor=answer.author, idea=idea
    )


def parent_box(idea: Idea) -> IdeaBox | None:
    """Where an idea retained here climbs: a section's goes to its
    federation's box, a federation's or a group's to the national box."""
    space = idea.box.space
    if space.kind == Space.Kind.NATIONAL:
        return None
    if space.kind == Space.Kind.SECTION and space.unit is not None and space.unit.parent_id:
        target = Space.objects.filter(unit_id=space.unit.parent_id).first()
    else:
        target = Space.objects.filter(kind=Space.Kind.NATIONAL).first()
    if target is None:
        return None
    return IdeaBox.objects.filter(space=target).first()


def idea_forward(*, by: Any, idea: Idea, now: datetime | None = None) -> Step:
    """Send a retained idea up to the next level's box, with its history and
    its supports; it starts there as submitted, owed its own answer."""
    if idea.status != Status.RETAINED:
        raise IdeaError(_("Only a retained idea is sent up."))
    target = parent_box(idea)
    if target is None:
        raise IdeaError(_("There is no idea box above this one to send it to."), status=409)
    if not target.is_open:
        raise IdeaError(_("The box above is closed to new ideas for now."), status=409)
    when = _now(now)
    with transaction.atomic():
        Step.objects.filter(idea=idea, box_id=idea.box_id).update(forwarded_at=when)
        try:
            step = Step.objects.create(idea=idea, box=target, entered_at=when)
        except IntegrityError:
            raise IdeaError(_("This idea already went through that box."), status=409) from None
        Idea.objects.filter(pk=idea.pk).update(box=target, status=Status.SUBMITTED)
        idea.box = target
        idea.status = Status.SUBMITTED
        _note_threshold(idea, when)
    return step


def idea_merge(
    *, by: Any, idea: Idea, into: Idea, text: str, now: datetime | None = None
) -> Answer:
    """Merge a duplicate into another idea of the same box: its supporters
    support the other one (never twice), and the answer says so."""
    if into.pk == idea.pk:
        raise IdeaError(_("An idea cannot be merged into itself."))
    if into.box_id != idea.box_id:
        raise IdeaError(_("Merge only ideas of the same box."))
    if into.status == Status.MERGED or _merges_into(into, idea):
        raise IdeaError(_("That idea is itself merged: merge into the idea it joined."))
    text = text.strip() or _("Merged into “%(title)s”.") % {"title": into.title}
    when = _now(now)
    with transaction.atomic():
        # Lock the idea merged into, as every write of supports does first:
        # its supports stay as read here until commit, and its count is
        # recounted exactly below.
        _lock_ideas([into.pk])
        already = set(Support.objects.filter(idea=into).values_list("user_id", flat=True))
        carried = [
            Support(idea=into, user_id=user_id, created_at=when)
            for user_id in Support.objects.filter(idea=idea).values_list("user_id", flat=True)
            if user_id not in already
            and (user_id != into.author_id or into.box.authors_may_support)
        ]
        Support.objects.bulk_create(carried, ignore_conflicts=True)
        support_counts_recount(ideas=Idea.objects.filter(pk=into.pk))
        step = current_step(idea)
        answer = Answer.objects.create(
            idea=idea,
            step=step,
            author=by,
            from_status=idea.status,
            to_status=Status.MERGED,
            text=text,
            created_at=when,
        )
        Idea.objects.filter(pk=idea.pk).update(status=Status.MERGED, merged_into=into)
        Step.objects.filter(pk=step.pk).update(status=Status.MERGED)
        Step.objects.filter(pk=step.pk, answered_at=None).update(answered_at=when)
        idea.status = Status.MERGED
        idea.merged_into = into
        _note_threshold(into, when)
        transaction.on_commit(lambda: _tell_answer(idea, answer))
    return answer


def _merges_into(idea: Idea, target: Idea) -> bool:
    """True if `idea` is (transitively) merged into `target`: merging the
    target into it would make a loop."""
    seen = set()
    current: Idea | None = idea
    while current is not None and current.pk not in seen:
        if current.pk == target.pk:
            return True
        seen.add(current.pk)
        current = current.merged_into
    return False


# Comments: the posts of the idea's thread


def idea_thread_title(idea: Idea) -> str:
    """The title of the idea's thread, in the platform's language (the
    thread is listed in its space for everyone, whoever commented first)."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Idea: %(title)s") % {"title": idea.title}
    return Truncator(title).chars(THREAD_TITLE_MAX_LENGTH)


def idea_comment(*, author: Any, idea: Idea, body: str) -> tuple[Post, bool]:
    """Comment on an idea (the caller checked `can_comment`): the first
    comment starts the idea's thread in its box's space, as its opening post;
    the next ones reply in it — through the conversations services, so
    mentions, notifications, the space's moderation policy (ModerationError:
    403 muted, 429 over the rate, nothing saved) and guards apply unchanged.

    Returns the post and whether it was created (False: the same comment sent
    again within seconds, see `post_create_once`). Locks the idea's row, so
    that two first comments at the same instant make one thread."""
    with transaction.atomic():
        thread_id = (
            Idea.objects.select_for_update()
            .filter(pk=idea.pk)
            .values_list("thread_id", flat=True)
            .get()
        )
        if thread_id is None:
            thread = thread_create(
                author=author, space=idea.box.space, title=idea_thread_title(idea), body=body
            )
            Idea.objects.filter(pk=idea.pk).update(thread=thread)
            idea.thread = thread
            return Post.objects.filter(thread=thread).get(), True
        if idea.thread is None or idea.thread.pk != thread_id:
            idea.thread = Thread.objects.select_related("space").get(pk=thread_id)
        return post_create_once(author=author, thread=idea.thread, body=body)
