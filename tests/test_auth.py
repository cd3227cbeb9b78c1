"""Login, reset and confirmation: clear messages, no account enumeration,
rate limits."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.test_mfa import reauthenticate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies.load({"django_language": "en"})


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)


def test_a_confirmed_person_logs_in_with_email_and_password(client, supporter):
    response = client.post(
        reverse("account_login"),
        {"login": supporter.email, "password": "une-phrase-de-passe-solide-42"},
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(client, supporter):
    wrong = client.post(
        reverse("account_login"), {"login": supporter.email, "password": "nope-nope-nope"}
    )
    unknown = client.post(
        reverse("account_login"),
        {"login": "personne@nowhere.example", "password": "nope-nope-nope"},
    )
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert "The email address and/or password you specified are not correct." in str(
        wrong.context["form"].non_field_errors()
    )


def test_login_attempts_are_rate_limited(client, supporter):
    for _ in range(6):
        client.post(
            reverse("account_login"), {"login": supporter.email, "password": "bad-password-x"}
        )

    # Even the right password is refused until the limit expires.
    response = client.post(
        reverse("account_login"),
        {"login": supporter.email, "password": "une-phrase-de-passe-solide-42"},
    )
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302


def test_password_reset_does_not_reveal_who_has_an_account(client, supporter, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    known = client.post(reverse("account_reset_password"), {"email": supporter.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "inconnu@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]

    run_worker()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert supporter.email in recipients


def test_password_reset_is_rate_limited(client, supporter):
    statuses = [
        client.post(reverse("account_reset_password"), {"email": supporter.email}).status_code
        for _ in range(8)
    ]
    assert 429 in statuses


def test_a_bad_confirmation_link_says_so(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code in (200, 404)
    assert "expired or is invalid" in response.content.decode()


def test_a_bad_reset_link_says_so(client):
    response = client.get("/accounts/password/reset/key/1-not-a-key/")
    assert response.status_code in (200, 400, 404)
    assert "invalid" in response.content.decode().lower()


def test_a_person_changes_their_password(client, supporter):
    client.force_login(supporter)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "une-phrase-de-passe-solide-42",
            "password1": "encore-une-autre-phrase-99",
            "password2": "encore-une-autre-phrase-99",
        },
    )
    assert response.status_code == 302
    supporter.refresh_from_db()
    assert supporter.check_password("encore-une-autre-phrase-99")


def test_a_person_changes_their_email_after_confirming_the_new_one(client, supporter, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    client.force_login(supporter)
    reauthenticate(client)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "nouvelle@example.org"}
    )
    assert response.status_code == 302
    run_worker()
    assert any("nouvelle@example.org" in m.to for m in mail.outbox)
