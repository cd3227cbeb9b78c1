from django.tasks import task
from django.utils import timezone

from membrane.core.mail import email_deliver, retry_delay
from membrane.core.models import OutgoingEmail


@task()
def deliver_email(email_id: int) -> str:
    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None or email.status != OutgoingEmail.Status.QUEUED:
        return "skipped"
    if email_deliver(email):
        return "sent"
    if email.status == OutgoingEmail.Status.QUEUED:
        deliver_email.using(run_after=timezone.now() + retry_delay(email.attempts)).enqueue(
            email_id
        )
        return "retry"
    return "failed"
