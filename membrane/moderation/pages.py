"""What the pages of moderation share: refusals that say why and keep what
was typed, access to a content or a decision, and what the templates need
to show a content in full."""

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from membrane.core.http import HtmxHttpRequest
from membrane.moderation.kinds import KINDS, ContentKind, find_content
from membrane.moderation.models import Appeal, Decision


def refused(
    request: HtmxHttpRequest,
    *,
    message: str,
    title: str = "",
    status: int = 403,
    field: str = "",
    back: str = "",
    back_label: str = "",
) -> HttpResponse:
    """A refusal with its reason, and what the person typed (the POST field
    `field`) so that it is not lost."""
    context = {
        "title": title or _("Not allowed"),
        "message": message,
        "text": request.POST.get(field, "") if field else "",
        "back": back,
        "back_label": back_label,
    }
    return render(request, "moderation/refused.html", context, status=status)


def access_content(user: Any, kind_name: str, object_id: int) -> tuple[ContentKind, Any]:
    """The content of that kind and id, or 404 (unknown kind, forged id, or
    content the person may not see: its existence is not revealed)."""
    content = find_content(kind_name, object_id)
    if content is None or not KINDS[kind_name].can_view(user, content):
        raise Http404("No such content.")
    return KINDS[kind_name], content


def content_context(kind: ContentKind, content: Any) -> dict[str, Any]:
    """What the templates need to show a content in full (moderators, and
    its author)."""
    first_post = None
    if kind.name == "thread":
        first_post = content.posts.order_by("created_at", "pk").first()
    return {
        "kind": kind,
        "content": content,
        "content_url": kind.url_of(content),
        "content_space": kind.space_of(content),
        "content_author": kind.author_of(content),
        "excerpt": kind.excerpt_of(content),
        "first_post": first_post,
    }


def form_status(form: Any, status: int) -> int:
    return status if status != 200 else (400 if form.errors else 200)


def appeal_of(decision: Decision) -> Appeal | None:
    try:
        return decision.appeal
    except Appeal.DoesNotExist:
        return None


def access_decision(decision_id: int) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("space", "appeal", "revisits"), pk=decision_id
    )
