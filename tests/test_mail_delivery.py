"""Emails are stored, then delivered by the worker with retries; a failing
mail server loses neither the account nor the message."""

import pytest
from django.core import mail
from django.core.management import call_command

from membrane.core.mail import email_queue, retry_delay
from membrane.core.models import OutgoingEmail
from membrane.core.tasks import deliver_email

pytestmark = pytest.mark.django_db(transaction=True)


class BrokenBackend:
    """A mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)


def test_a_queued_email_is_sent_by_the_worker(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    email = email_queue(to="a@example.org", subject="Bonjour", body_text="Corps")

    run_worker()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Bonjour"]


def test_the_file_backend_writes_real_messages(settings, tmp_path):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    email_queue(to="a@example.org", subject="Fichier", body_text="Écrit sur disque")
    run_worker()

    written = "".join(path.read_text() for path in tmp_path.iterdir())
    assert "Subject: Fichier" in written


def test_a_failing_server_keeps_the_message_and_retries_later(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_mail_delivery.BrokenBackend"}}
    email = email_queue(to="a@example.org", subject="Bonjour", body_text="Corps")

    run_worker()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.attempts == 1
    assert "SMTP server unreachable" in email.last_error
    # The retry is scheduled in the future, so this batch did not loop on it.
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(status="READY", run_after__isnull=False).count() == 1


def test_after_the_last_attempt_the_failure_is_visible_to_staff(settings, admin_client):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_mail_delivery.BrokenBackend"}}
    settings.EMAIL_MAX_ATTEMPTS = 2
    email = email_queue(to="a@example.org", subject="Bonjour", body_text="Corps")
    email.attempts = 1
    email.save()

    assert deliver_email.call(email.pk) == "failed"

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    page = admin_client.get("/admin/core/outgoingemail/?status__exact=failed")
    assert "a@example.org" in page.content.decode()


def test_retry_delays_grow():
    assert retry_delay(1) < retry_delay(2) < retry_delay(3)
