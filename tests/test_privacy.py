"""A person's data: the export of all of it, and the deletion of the account,
keeping the contributions as "ancien membre" or removing the row."""

import io
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from membrane.accounts.models import PersonalAccessToken, PoliticalOpinionConsent, User
from membrane.accounts.services import (
    CONSENT_WORDING_VERSION,
    consent_record,
    profile_update,
)
from membrane.accounts.tokens import access_token_authenticate, access_token_create
from membrane.charter.models import CharterAcceptance
from membrane.charter.services import charter_accept
from membrane.territory.models import Animator
from tests.export_helpers import export_downloaded
from tests.factories import TEST_PASSWORD
from tests.test_mfa import reauthenticate

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("accounts:data_export")
DELETE_URL = reverse("accounts:delete")


def jpeg():
    output = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 120, 40)).save(output, format="JPEG")
    return ContentFile(output.getvalue(), name="photo.jpg")


@pytest.fixture
def person(section_animator, charter):
    """An animator of their section with everything a person can leave behind:
    a consent, a charter acceptance, a photo, a bio, an API token."""
    consent_record(user=section_animator)
    charter_accept(user=section_animator, version=charter)
    profile_update(
        user=section_animator,
        photo=jpeg(),
        display_name="Camille la Rouge",
        bio="Militante depuis 2010.",
        commune="Bègles",
    )
    return section_animator


@pytest.fixture
def token(person):
    _token, raw = access_token_create(user=person, name="Mon script")
    return raw


# The export ------------------------------------------------------------------------


def test_the_export_needs_a_sign_in(client):
    response = client.get(EXPORT_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_export_is_a_json_file_with_every_part_of_the_persons_data(
    client, person, token, section, charter
):
    response = export_downloaded(client, person)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".json" in response["Content-Disposition"]
    data = json.loads(response.content.decode("utf-8"))
    assert data["format"] == "membrane-personal-data"
    assert {"accounts", "territory", "charter"} <= set(data)

    accounts = data["accounts"]
    assert accounts["email"] == person.email
    assert accounts["display_name"] == "Camille la Rouge"
    assert accounts["bio"] == "Militante depuis 2010."
    assert accounts["membership"]["status"] == "member"
    assert accounts["membership"]["number"] == person.membership_number
    assert accounts["photo"]
    assert [address["email"] for address in accounts["email_addresses"]] == [person.email]
    (consent,) = accounts["political_opinion_consents"]
    assert consent["wording_version"] == CONSENT_WORDING_VERSION
    assert consent["given_at"]
    (exported_token,) = accounts["access_tokens"]
    assert exported_token["name"] == "Mon script"
    assert token not in response.content.decode()  # never the secret itself

    territory = data["territory"]
    assert territory["section"] == {"id": section.pk, "name": section.name, "slug": section.slug}
    assert [role["slug"] for role in territory["animator_of"]] == [section.slug]

    (acceptance,) = data["charter"]["acceptances"]
    assert acceptance["version"] == charter.number
    assert acceptance["accepted_at"]


def test_the_export_holds_only_the_persons_own_data(client, person, supporter):
    data = json.loads(export_downloaded(client, supporter).content)

    assert data["accounts"]["email"] == supporter.email
    assert person.email not in json.dumps(data)
    assert data["accounts"]["political_opinion_consents"] == []
    assert data["territory"]["animator_of"] == []


# Deleting one's account --------------------------------------------------------------


def test_the_deletion_page_asks_for_the_password_and_the_choice(client, person):
    client.force_login(person)
    reauthenticate(client)

    response = client.get(DELETE_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="password"' in content
    assert 'value="keep"' in content and 'value="remove"' in content


def test_the_deletion_page_needs_a_sign_in(client):
    response = client.post(DELETE_URL, {"password": "x", "contributions": "remove"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("password", ["not-my-password", ""])
def test_a_wrong_password_deletes_nothing(client, person, token, password):
    client.force_login(person)
    reauthenticate(client)

    response = client.post(DELETE_URL, {"password": password, "contributions": "remove"})

    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["password"])
    assert errors in response.content.decode()
    if password:
        assert "This password is not correct." in errors
    person.refresh_from_db()
    assert person.is_active and person.erased_at is None
    assert person.display_name == "Camille la Rouge"
    assert EmailAddress.objects.filter(user=person).exists()
    assert access_token_authenticate(token) == person
    assert client.session.get(SESSION_KEY) == str(person.pk)  # still signed in


def test_a_missing_choice_deletes_nothing(client, person):
    client.force_login(person)
    reauthenticate(client)

    response = client.post(DELETE_URL, {"password": TEST_PASSWORD, "contributions": "both"})

    assert response.status_code == 400
    assert response.context["form"].errors["contributions"]
    assert User.objects.filter(pk=person.pk, is_active=True).exists()


def assert_personal_data_gone(person_pk, *, email, photo_name, storage):
    assert not EmailAddress.objects.filter(user_id=person_pk).exists()
    assert not EmailAddress.objects.filter(email__iexact=email).exists()
    assert not PersonalAccessToken.objects.filter(user_id=person_pk).exists()
    assert not PoliticalOpinionConsent.objects.filter(user_id=person_pk).exists()
    assert not CharterAcceptance.objects.filter(user_id=person_pk).exists()
    assert not Animator.objects.filter(user_id=person_pk).exists()
    assert not User.objects.filter(email__iexact=email).exists()
    assert not storage.exists(photo_name)


def test_keeping_contributions_leaves_an_anonymous_inactive_ancien_membre(
    client, person, token, django_capture_on_commit_callbacks
):
    email, photo_name, storage = person.email, person.photo.name, person.photo.storage
    assert storage.exists(photo_name)
    client.force_login(person)
    reauthenticate(client)

    # The photo file goes once the erasure commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"password": TEST_PASSWORD, "contributions": "keep"})

    assert response.status_code == 302
    assert SESSION_KEY not in client.session  # signed out
    former = User.objects.get(pk=person.pk)
    assert not former.is_active
    assert former.erased_at is not None
    with translation.override("fr"):
        assert former.public_name == "ancien membre"
        assert str(former) == "ancien membre"
    assert email not in former.email
    assert (former.first_name, former.last_name, former.display_name) == ("", "", "")
    assert (former.bio, former.commune, former.membership_number) == ("", "", "")
    assert not former.photo
    assert former.section is None
    assert not former.membership_claimed and former.membership_verified_at is None
    assert not former.has_usable_password()
    assert_personal_data_gone(person.pk, email=email, photo_name=photo_name, storage=storage)
    assert access_token_authenticate(token) is None


def test_removing_contributions_deletes_the_row(
    client, person, token, django_capture_on_commit_callbacks
):
    email, photo_name, storage = person.email, person.photo.name, person.photo.storage
    client.force_login(person)
    reauthenticate(client)

    # The photo file goes once the erasure commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"password": TEST_PASSWORD, "contributions": "remove"})

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(pk=person.pk).exists()
    assert_personal_data_gone(person.pk, email=email, photo_name=photo_name, storage=storage)
    assert access_token_authenticate(token) is None


@pytest.mark.parametrize("choice", ["keep", "remove"])
def test_after_deletion_the_person_is_signed_out_and_cannot_sign_in(client, person, choice):
    email = person.email
    client.force_login(person)
    reauthenticate(client)
    client.post(DELETE_URL, {"password": TEST_PASSWORD, "contributions": choice})

    assert client.get(reverse("accounts:home")).status_code == 302
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert SESSION_KEY not in client.session
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("choice", ["keep", "remove"])
def test_the_email_is_free_again_after_deletion(client, person, choice):
    email = person.email
    client.force_login(person)
    reauthenticate(client)
    client.post(DELETE_URL, {"password": TEST_PASSWORD, "contributions": choice})

    again = User.objects.create_user(email=email, password=TEST_PASSWORD)

    assert again.pk != person.pk


def test_a_kept_former_member_no_longer_shows_on_their_section_page(client, person, section):
    client.force_login(person)
    reauthenticate(client)
    client.post(DELETE_URL, {"password": TEST_PASSWORD, "contributions": "keep"})

    response = client.get(reverse("territory:section", args=[section.slug]))

    assert "Camille la Rouge" not in response.content.decode()
    assert person not in response.context["members"]
    assert client.get(reverse("accounts:profile", args=[person.pk])).status_code == 404
