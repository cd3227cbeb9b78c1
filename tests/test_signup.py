"""Sign-up in two clicks: the form, the consent, the charter, the section, the
confirmation email and the welcome email sent by the worker."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from membrane.accounts.models import MembershipStatus, PoliticalOpinionConsent, User
from membrane.accounts.services import CONSENT_WORDING_VERSION
from membrane.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)


def signup_data(**overrides):
    data = {
        "first_name": "Camille",
        "last_name": "Durand",
        "email": "camille.durand@example.org",
        "password1": "une-phrase-de-passe-solide-42",
        "status": "supporter",
        "membership_number": "",
        "section_query": "",
        "accept_charter": "on",
        "political_consent": "on",
    }
    data.update(overrides)
    return data


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)


def test_a_person_signs_up_as_a_supporter_and_consents(client, charter, section):
    response = client.post(reverse("account_signup"), signup_data(section_query="33130"))

    assert response.status_code == 302
    person = User.objects.get(email="camille.durand@example.org")
    assert person.first_name == "Camille"
    assert person.membership_status == MembershipStatus.SUPPORTER
    assert person.section == section
    assert person.charter_version_accepted == charter.number
    consent = PoliticalOpinionConsent.objects.get(user=person)
    assert consent.wording_version == CONSENT_WORDING_VERSION
    assert consent.given_at is not None


def test_a_member_claim_stays_to_verify(client, charter):
    client.post(reverse("account_signup"), signup_data(status="member", membership_number=" A123 "))

    person = User.objects.get(email="camille.durand@example.org")
    assert person.membership_status == MembershipStatus.TO_VERIFY
    assert person.membership_number == "A123"


def test_the_confirmation_then_the_welcome_email_go_through_the_worker(
    client, charter, settings, tmp_path
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    }
    client.cookies.load({"django_language": "fr"})
    client.post(reverse("account_signup"), signup_data())
    assert OutgoingEmail.objects.filter(to="camille.durand@example.org").count() == 1
    assert len(mail.outbox) == 0  # nothing is sent inside the request

    run_worker()

    assert len(mail.outbox) == 1
    assert "example.com" not in mail.outbox[0].body
    assert "Membrane" in mail.outbox[0].body  # the instance's name greets
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="camille.durand@example.org").verified

    run_worker()

    welcome = mail.outbox[-1]
    assert "Bienvenue" in welcome.subject
    assert "Ton adresse est confirmée" in welcome.body  # tutoiement, as La Coopol did
    assert User.objects.get(email="camille.durand@example.org").welcomed_at is not None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"accept_charter": ""}, "accept_charter", "You must accept the charter"),
        ({"political_consent": ""}, "political_consent", "This consent is required"),
        ({"password1": "azerty"}, "password1", "too short"),
        ({"section_query": "Zzyzx-sur-Mer"}, "section_query", "No section matches"),
        ({"section": "999999"}, "section", "This section does not exist"),
        ({"email": "not-an-email"}, "email", "valid email"),
    ],
)
def test_bad_sign_up_input_gets_a_clear_message_and_keeps_what_was_typed(
    client, charter, section, overrides, field, message
):
    response = client.post(reverse("account_signup"), signup_data(**overrides))

    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert message in errors
    assert 'value="Camille"' in response.content.decode()
    assert not User.objects.filter(email="camille.durand@example.org").exists()


def test_several_matching_sections_are_offered_as_a_choice(client, charter, section, federation):
    from tests.factories import SectionFactory

    SectionFactory(
        parent=federation,
        name="Section de Bègles-Terres-Neuves",
        commune="Bègles",
        postcode="33130",
    )
    response = client.post(reverse("account_signup"), signup_data(section_query="Bègles"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Bègles-Terres-Neuves" in content
    assert 'name="section"' in content


def test_a_duplicate_email_does_not_reveal_the_account(client, charter, supporter, settings):
    response = client.post(reverse("account_signup"), signup_data(email=supporter.email))

    # allauth answers as for a new account and emails the owner instead.
    assert response.status_code == 302
    assert User.objects.filter(email=supporter.email).count() == 1


def test_an_english_speaker_gets_the_welcome_email_in_english(client, charter, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    client.post(reverse("account_signup"), signup_data())
    person = User.objects.get(email="camille.durand@example.org")
    assert person.language == "en"

    from membrane.accounts.services import welcome_email_send

    assert welcome_email_send(user=person) is True
    assert welcome_email_send(user=person) is False  # once only
    run_worker()
    welcome = [m for m in mail.outbox if "Welcome" in m.subject]
    assert len(welcome) == 1
    assert "Your address is confirmed" in welcome[0].body


def test_the_sign_up_page_speaks_french_by_default(client, charter, settings):
    settings.LANGUAGE_CODE = "fr"
    page = client.get(reverse("account_signup")).content.decode()

    assert "Je consens explicitement" in page
    assert "Je suis sympathisant·e" in page
    assert "tu participes à égalité" in page  # tutoiement, as La Coopol did
