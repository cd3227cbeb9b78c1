"""Outgoing email: stored first, delivered by the task worker with retries."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from membrane.core.models import OutgoingEmail


def email_queue(
    *, to: str, subject: str, body_text: str, body_html: str = "", purpose: str = ""
) -> OutgoingEmail:
    """Store an email and have the worker deliver it once the current
    transaction commits (so a rolled-back sign-up sends nothing)."""
    from membrane.core.tasks import deliver_email

    email = OutgoingEmail.objects.create(
        to=to, subject=subject, body_text=body_text, body_html=body_html, purpose=purpose
    )
    transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return email


def email_queue_from_templates(
    *, to: str, template_prefix: str, context: dict[str, object], language: str, purpose: str
) -> OutgoingEmail:
    """Render `<prefix>_subject.txt`, `<prefix>_message.txt` and, if present,
    `<prefix>_message.html` in the recipient's language, then queue them."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body_text = render_to_string(f"{template_prefix}_message.txt", context).strip()
    return email_queue(to=to, subject=subject, body_text=body_text, purpose=purpose)


def email_deliver(email: OutgoingEmail) -> bool:
    """Try to send one stored email. Returns True when sent. On failure the
    error is recorded; the caller decides whether to retry."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    email.attempts += 1
    try:
        message.send()
    except Exception as error:  # any transport error: keep the message, record why
        email.last_error = f"{type(error).__name__}: {error}"
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            email.status = OutgoingEmail.Status.FAILED
        email.save(update_fields=["attempts", "last_error", "status"])
        return False
    email.status = OutgoingEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return True


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: 30 s, 1 min, 2 min, 4 min…"""
    return timedelta(seconds=30 * 2 ** max(attempts - 1, 0))
