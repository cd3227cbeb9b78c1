"""Who may open a box, submit, support, answer, send up and merge ideas.

Accountable people — who answer, send ideas up and merge — are the box's
space's animators (and those above them in the territory) and staff. The
platform has no "élu" role yet: an élu answers as an animator of the space.

Comments are the posts of the idea's thread (conversations): who may read
and write them is conversations' rule, on the idea's thread once it exists,
on its box's space before."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from membrane.conversations.moderated import cannot_reply_moderated
from membrane.conversations.permissions import can_reply, can_start_thread, can_view_thread
from membrane.ideas.models import Idea, IdeaBox, Status
from membrane.moderation.models import ModerationState
from membrane.spaces.permissions import (
    access_space,
    can_manage_space,
    can_post_in_space,
    can_view_space,
)

# Statuses in which supports still count: an idea declined, merged or done
# takes no more.
SUPPORTABLE = {Status.SUBMITTED, Status.UNDER_STUDY, Status.RETAINED}


def _is_active_person(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.erased_at is None)


def can_open_box(user: Any, space: Any) -> bool:
    return _is_active_person(user) and can_manage_space(user, space)


def can_submit(user: Any, box: IdeaBox) -> bool:
    return box.is_open and _is_active_person(user) and can_post_in_space(user, box.space)


def can_view_idea(user: Any, idea: Idea) -> bool:
    if not can_view_space(user, idea.box.space):
        return False
    if idea.moderation_state == ModerationState.HELD:
        return _is_active_person(user) and idea.author_id == user.pk
    return True


def support_refusal(user: Any, idea: Idea) -> str | None:
    """Why the person may not support the idea (a reason code), or None."""
    if not _is_active_person(user):
        return "signed_out"
    if idea.status not in SUPPORTABLE or idea.moderation_state != ModerationState.VISIBLE:
        return "closed"
    if not can_post_in_space(user, idea.box.space):
        return "outsider"
    if idea.box.members_only_support and not user.is_verified_member:
        return "members_only"
    if idea.author_id == user.pk and not idea.box.authors_may_support:
        return "own_idea"
    return None


def refusal_message(code: str) -> str:
    """The words for a reason code of `support_refusal`."""
    return {
        "signed_out": _("Log in to support this idea."),
        "closed": _("This idea no longer takes supports."),
        "outsider": _("Only the people of this space may support its ideas."),
        "members_only": _("In this box, only verified adhérent·es may support ideas."),
        "own_idea": _("This box does not let authors support their own idea."),
    }.get(code, _("You cannot support this idea."))


def can_support(user: Any, idea: Idea) -> bool:
    return support_refusal(user, idea) is None


def can_answer(user: Any, idea: Idea) -> bool:
    """Give the public answer that sets the idea's status at its box."""
    return _is_active_person(user) and can_manage_space(user, idea.box.space)


def can_forward(user: Any, idea: Idea) -> bool:
    return can_answer(user, idea) and idea.status == Status.RETAINED


def can_merge(user: Any, idea: Idea) -> bool:
    return can_answer(user, idea) and idea.status != Status.MERGED


# Comments


def can_view_comments(user: Any, idea: Idea) -> bool:
    """Read the idea's comments: its thread's rule (a thread held by
    moderation reaches its author alone). The thread may live in another
    space than the idea's box once the idea climbed: a private group's."""
    thread = idea.thread
    if thread is None:
        return True
    if not can_view_thread(user, thread):
        return False
    if thread.moderation_state == ModerationState.HELD:
        return bool(user.is_authenticated and thread.author_id == user.pk)
    return True


def comment_refusal(user: Any, idea: Idea) -> str | None:
    """Why the person may not comment on the idea (a reason code), or None.
    The first comment starts the thread (`can_start_thread` in the box's
    space), the next ones reply in it (`can_reply`)."""
    if not _is_active_person(user):
        return "signed_out"
    if idea.moderation_state != ModerationState.VISIBLE:
        # A held or hidden idea takes no comment: its thread would show its title.
        return "idea_moderated"
    thread = idea.thread
    if thread is None:
        return None if can_start_thread(user, idea.box.space) else "outsider"
    if can_reply(user, thread):
        return None
    if thread.moderation_state != ModerationState.VISIBLE:
        return "thread_moderated"
    if thread.locked and can_post_in_space(user, thread.space):
        return "locked"
    return "outsider"


def can_comment(user: Any, idea: Idea) -> bool:
    return comment_refusal(user, idea) is None


def comment_refusal_message(code: str, idea: Idea) -> str:
    """The words for a reason code of `comment_refusal`."""
    if code == "thread_moderated" and idea.thread is not None:
        return cannot_reply_moderated(idea.thread)
    space = idea.thread.space if idea.thread is not None else idea.box.space
    return {
        "signed_out": _("Log in to comment on this idea."),
        "idea_moderated": _("This idea is held or hidden by moderation: it takes no comment."),
        "locked": _("The discussion of this idea is locked: only its moderators can still reply."),
        "outsider": _("Only the people of “%(name)s” can comment on its ideas.")
        % {"name": space.name},
    }.get(code, _("You cannot comment on this idea."))


# Access: fetch and check


def access_box(slug: str) -> IdeaBox:
    """The box of the space at this address, or 404. Its rules and figures
    are public; its ideas are for those who may see the space's content."""
    space = access_space(slug)
    box = IdeaBox.objects.filter(space=space).first()
    if box is None:
        raise Http404("No idea box here.")
    box.space = space
    return box


def access_idea(user: Any, idea_id: int) -> Idea:
    """The idea, with its box's space, author, merge target and thread, if
    the person may see it, else 404."""
    idea = get_object_or_404(
        Idea.objects.select_related(
            "box__space__unit", "author", "merged_into", "thread__space__unit__parent"
        ),
        pk=idea_id,
    )
    if not can_view_idea(user, idea):
        raise Http404("No such idea.")
    return idea
