"""A person's ideas, supports and answers in their export; on deletion,
supports go (counts drop), ideas and answers stay signed "ancien membre" or go.
Comments are posts: conversations/privacy.py handles them."""

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from membrane.conversations.models import Thread
from membrane.core.text import normalize_for_search
from membrane.ideas.models import Answer, Idea, Support
from membrane.ideas.services import supports_delete


def export_personal_data(user: Any) -> dict[str, Any]:
    return {
        "ideas": [
            {
                "id": idea.pk,
                "title": idea.title,
                "description": idea.description,
                "status": idea.status,
                "created_at": idea.created_at.isoformat(),
            }
            for idea in Idea.objects.filter(author=user).order_by("created_at")
        ],
        "supports": [
            {"idea": idea_id, "created_at": created.isoformat()}
            for idea_id, created in Support.objects.filter(user=user)
            .order_by("created_at")
            .values_list("idea_id", "created_at")
        ],
        "answers_given": [
            {
                "idea": answer.idea_id,
                "status": answer.to_status,
                "text": answer.text,
                "created_at": answer.created_at.isoformat(),
            }
            for answer in Answer.objects.filter(author=user).order_by("created_at")
        ],
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    # Through the service: the supported ideas' stored counts go down too.
    supports_delete(Support.objects.filter(user=user))
    if not keep_contributions:
        ideas = Idea.objects.filter(author=user)
        # Their discussions stay (others wrote there) but no longer carry the
        # deleted idea's title.
        with translation.override(settings.LANGUAGE_CODE):
            title = gettext("Discussion of a deleted idea")
        Thread.objects.filter(idea__in=ideas).update(
            title=title, search_key=normalize_for_search(title)
        )
        ideas.delete()
