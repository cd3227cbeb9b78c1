"""Tasks of polls: the notifications of their opening and of their closing,
run by the task worker at the poll's dates (services.poll_notifications_schedule).
Each carries the date it was scheduled for and does nothing if the poll
has moved or gone, or was already announced."""

from django.tasks import task

from membrane.polls.services import poll_closed_notify, poll_opened_notify


@task()
def notify_poll_opened(poll_id: int, opens_at: str) -> str:
    return poll_opened_notify(poll_id=poll_id, opens_at=opens_at)


@task()
def notify_poll_closed(poll_id: int, closes_at: str) -> str:
    return poll_closed_notify(poll_id=poll_id, closes_at=closes_at)
