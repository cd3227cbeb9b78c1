"""Personal access tokens: created and shown once, stored as a hash, revoked
by their owner only."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.models import PersonalAccessToken
from membrane.accounts.tokens import (
    access_token_authenticate,
    access_token_create,
    access_token_revoke,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(client, supporter):
    client.force_login(supporter)

    response = client.post(reverse("accounts:tokens"), {"name": "Mon script"})

    assert response.status_code == 200
    raw = response.context["raw_token"]
    assert raw.startswith("mbr_")
    assert f'<p class="token" id="new-token">{raw}</p>' in response.text
    token = PersonalAccessToken.objects.get(user=supporter)
    assert token.name == "Mon script"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    assert raw not in {token.name, token.prefix, token.token_hash}
    again = client.get(reverse("accounts:tokens"))
    assert raw not in again.text
    assert 'class="token"' not in again.text
    assert "Mon script" in again.text
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_empty_name_is_a_form_error_and_creates_no_token(client, supporter):
    client.force_login(supporter)

    response = client.post(reverse("accounts:tokens"), {"name": "   "})

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert response.context["raw_token"] is None
    assert 'class="token"' not in response.text
    assert not PersonalAccessToken.objects.exists()


def test_a_name_longer_than_80_characters_is_refused(client, supporter):
    client.force_login(supporter)

    response = client.post(reverse("accounts:tokens"), {"name": "x" * 81})

    assert response.status_code == 400
    assert not PersonalAccessToken.objects.exists()


def test_the_tokens_page_needs_a_signed_in_person(client, db):
    response = client.get(reverse("accounts:tokens"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_list_shows_only_my_tokens(client, supporter, member):
    access_token_create(user=supporter, name="Le mien")
    access_token_create(user=member, name="Celui des autres")
    client.force_login(supporter)

    response = client.get(reverse("accounts:tokens"))

    assert list(response.context["tokens"].values_list("name", flat=True)) == ["Le mien"]
    assert "Celui des autres" not in response.text


def test_the_owner_revokes_a_token(client, supporter):
    token, raw = access_token_create(user=supporter, name="Script")
    client.force_login(supporter)

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert access_token_authenticate(raw) is None


def test_revoking_needs_a_post(client, supporter):
    token, _raw = access_token_create(user=supporter, name="Script")
    client.force_login(supporter)

    response = client.get(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_someone_elses_token_answers_404_and_stays_active(client, supporter, member):
    token, raw = access_token_create(user=member, name="Script")
    client.force_login(supporter)

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert access_token_authenticate(raw) == member


def test_a_missing_token_id_answers_404(client, supporter):
    client.force_login(supporter)

    response = client.post(reverse("accounts:token_revoke", args=[999_999]))

    assert response.status_code == 404


def test_revoking_twice_keeps_the_first_revocation_time(supporter):
    token, _raw = access_token_create(user=supporter, name="Script")
    access_token_revoke(token=token)
    first = token.revoked_at

    access_token_revoke(token=token)

    token.refresh_from_db()
    assert token.revoked_at == first


def test_authenticate_refuses_unknown_revoked_and_inactive(supporter):
    _token, raw = access_token_create(user=supporter, name="Script")

    assert access_token_authenticate(raw) == supporter
    assert access_token_authenticate(raw + "x") is None
    assert access_token_authenticate("") is None
    assert access_token_authenticate("not-a-token") is None
    supporter.is_active = False
    supporter.save()
    assert access_token_authenticate(raw) is None


def test_authenticate_records_the_use_at_most_once_a_minute(supporter, django_assert_num_queries):
    token, raw = access_token_create(user=supporter, name="Script")

    access_token_authenticate(raw)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    with django_assert_num_queries(1):  # the lookup, no write
        access_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == first_use

    PersonalAccessToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - timedelta(minutes=2)
    )
    access_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_two_tokens_never_share_a_value(db):
    person = UserFactory()
    raws = {access_token_create(user=person, name=f"t{i}")[1] for i in range(20)}

    assert len(raws) == 20
