from django.tasks import task

from membrane.events.services import reminder_send


@task()
def send_event_reminder(event_id: int, expected_starts_at: str) -> str:
    """The reminder queued for 24 hours before an event: skipped if the
    event was cancelled or moved since it was queued."""
    return reminder_send(event_id=event_id, expected_starts_at=expected_starts_at)
