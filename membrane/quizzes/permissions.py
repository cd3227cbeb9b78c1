"""Who may take and who may write quizzes. Plain predicates, plus the access
helper of the pages and the API."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from membrane.quizzes.models import Quiz
from membrane.spaces.models import Space
from membrane.spaces.permissions import can_manage_space, can_view_space


def _is_active_person(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.erased_at is None)


def can_take_quiz(user: Any, quiz: Quiz) -> bool:
    """A published quiz, taken by a signed-in person who may read its space
    (everyone signed in for a national quiz)."""
    if not (quiz.is_published and _is_active_person(user)):
        return False
    return quiz.space is None or can_view_space(user, quiz.space)


def can_author_quiz(user: Any, space: Space | None) -> bool:
    """Write the quizzes of a space: its animators; national ones: staff."""
    if not _is_active_person(user):
        return False
    if space is None:
        return bool(user.is_staff)
    return can_manage_space(user, space)


def can_edit_quiz(user: Any, quiz: Quiz) -> bool:
    """Change a quiz (its questions, publishing it): whoever may author its
    space's quizzes, published or not."""
    return can_author_quiz(user, quiz.space)


def can_delete_question(user: Any, quiz: Quiz, *, attempted: bool) -> bool:
    """Remove a question: its editors, while nobody has taken the quiz (the
    scores already given would no longer match the questions)."""
    return can_edit_quiz(user, quiz) and not attempted


def access_quiz_to_edit(user: Any, quiz_id: int) -> Quiz:
    """The quiz if the person may edit it. A quiz they may take but not edit
    is a 403; any other, a 404 (drafts and private spaces do not reveal
    themselves). An id the database cannot hold is none."""
    quiz = None
    if 0 < quiz_id < 2**63:
        quiz = Quiz.objects.select_related("space__unit__parent").filter(pk=quiz_id).first()
    if quiz is None:
        raise Http404("No such quiz.")
    if can_edit_quiz(user, quiz):
        return quiz
    if can_take_quiz(user, quiz):
        raise PermissionDenied(_("Only the space's animators change its quizzes."))
    raise Http404("No such quiz.")


def access_quiz(user: Any, quiz_id: int) -> Quiz:
    """The quiz, if the person may take it; else 404, so that neither an
    unpublished quiz nor a quiz of a private space reveals itself."""
    quiz = Quiz.objects.select_related("space__unit__parent").filter(pk=quiz_id).first()
    if quiz is None or not can_take_quiz(user, quiz):
        raise Http404("No such quiz.")
    return quiz
