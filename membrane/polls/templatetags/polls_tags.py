"""`{% thread_polls thread %}`: the thread page's block of its polls (one
query) and, for those who may create one, a link to a new poll on it."""

from typing import Any

from django import template
from django.utils import timezone

from membrane.polls.permissions import can_create_poll
from membrane.polls.selectors import poll_state, polls_of_thread

register = template.Library()


@register.inclusion_tag("polls/_thread_polls.html", takes_context=True)
def thread_polls(context: template.Context, thread: Any) -> dict[str, Any]:
    user = context.get("user")
    now = timezone.now()
    polls = polls_of_thread(thread=thread)
    for poll in polls:
        poll.state = poll_state(poll, now)  # type: ignore[attr-defined]
    may_create = user is not None and can_create_poll(user, thread.space)
    return {"thread": thread, "polls": polls, "can_create": may_create}
