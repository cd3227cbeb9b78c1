"""Two-factor authentication (TOTP) and re-authentication.

TOTP is required of whoever moderates (staff, animators, group moderators),
optional for everyone else; deleting the account and changing one's email
ask for the password again when the last proof is a few minutes old."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from membrane.accounts.models import User
from tests.factories import TEST_PASSWORD
from tests.moderation_factories import group_with, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.MFA_REQUIRED_FOR_MODERATORS = True


def totp_code(secret: str, *, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), written here so the test does not
    trust the code under test."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def reauthenticate(client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def log_in(client, user) -> object:
    return client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def activate_totp(client) -> str:
    """Through the activation page (after re-entering the password, as allauth
    asks); returns the secret shown on the page."""
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret in page.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


@pytest.fixture
def group_moderator(charter):
    moderator = person(charter)
    group_with(moderator=moderator)
    return moderator


def test_a_moderator_without_totp_is_sent_to_its_activation_with_a_message(client, group_moderator):
    client.force_login(group_moderator)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    text = response.content.decode()
    assert "must protect your account with two-factor authentication" in text


@pytest.mark.parametrize("persona", ["staff", "section_animator", "federation_animator"])
def test_staff_and_animators_are_required_to_activate_totp(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_the_api_refuses_a_moderator_without_totp(client, staff):
    client.force_login(staff)
    response = client.get("/api/v1/me")
    assert response.status_code == 403


def test_signing_out_and_the_two_factor_pages_stay_reachable_before_activation(client, staff):
    client.force_login(staff)
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_what_every_page_loads_is_not_redirected_before_activation(client, staff):
    # A redirect of the stylesheet to the activation page would draw a new
    # secret behind the form the person is filling in.
    client.force_login(staff)
    assert client.get("/theme.css").status_code == 200
    assert client.get("/langue/en/", {"next": "/"})["Location"] == "/"
    assert client.get("/").status_code == 302  # a page still is


def test_a_supporter_is_not_forced_and_may_turn_totp_on_from_the_account_page(client, supporter):
    client.force_login(supporter)
    page = client.get(reverse("accounts:home"))
    assert page.status_code == 200
    assert reverse("mfa_index") in page.content.decode()
    assert not Authenticator.objects.filter(user=supporter).exists()


def test_a_moderator_activates_totp_then_signs_in_with_password_and_code(client, group_moderator):
    log_in(client, group_moderator)
    # Signed in, but held at the activation page.
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")

    secret = activate_totp(client)
    assert Authenticator.objects.filter(user=group_moderator, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("account_logout"))

    # The password alone does not sign in: the code is asked for.
    response = log_in(client, group_moderator)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    # A code from another time window is refused, with a message.
    wrong = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, at=1e9)})
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert right.status_code == 302
    assert int(client.session["_auth_user_id"]) == group_moderator.pk
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_does_not_activate_totp(client, staff):
    client.force_login(staff)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    # 000000 could, once in a million, be right: then this test says so.
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=staff).exists()


def test_a_moderator_cannot_turn_totp_off(client, staff):
    client.force_login(staff)
    activate_totp(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "it cannot be turned off" in response.content.decode()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_a_supporter_may_turn_totp_on_and_off(client, supporter):
    client.force_login(supporter)
    activate_totp(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=supporter, type=Authenticator.Type.TOTP).exists()


def test_the_activation_page_shows_the_qr_code_as_an_image_without_inline_script(client, staff):
    client.force_login(staff)
    reauthenticate(client)
    response = client.get(reverse("mfa_activate_totp"))
    html = response.content.decode()
    assert re.search(r'<img[^>]+src="data:image/svg\+xml;base64,[^"]+"[^>]+alt="', html)
    # Every script carries the page's nonce (the CSP refuses the others).
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all("nonce=" in tag or "src=" in tag for tag in scripts)
    assert "otpauth://totp/" in html


@pytest.mark.parametrize("required", [True, False])
def test_admin_login_goes_through_our_login_page(client, settings, required):
    """Even where 2FA is not required: the admin's own form would skip the code."""
    settings.MFA_REQUIRED_FOR_MODERATORS = required
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_deleting_the_account_asks_for_the_password_again(client, supporter):
    client.force_login(supporter)
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))

    response = client.post(
        reverse("account_reauthenticate") + "?next=" + reverse("accounts:delete"),
        {"password": "pas-le-bon-mot-de-passe"},
    )
    assert response.status_code == 200
    assert client.get(reverse("accounts:delete")).status_code == 302

    reauthenticate(client)
    assert client.get(reverse("accounts:delete")).status_code == 200
    assert User.objects.filter(pk=supporter.pk).exists()


def test_re_authentication_lapses_after_the_timeout(client, supporter, settings):
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    client.force_login(supporter)
    reauthenticate(client)
    assert client.get(reverse("accounts:delete")).status_code == 302


def test_changing_ones_email_asks_for_the_password_again(client, supporter):
    client.force_login(supporter)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "nouvelle@example.org"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not supporter.emailaddress_set.filter(email="nouvelle@example.org").exists()

    reauthenticate(client)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "nouvelle@example.org"}
    )
    assert response.status_code == 302
    assert supporter.emailaddress_set.filter(email="nouvelle@example.org").exists()


def test_the_export_lists_second_factors_without_secrets_and_erasure_removes_them(
    client, supporter
):
    from membrane.accounts.services import account_delete
    from membrane.core.privacy import export_personal_data

    client.force_login(supporter)
    secret = activate_totp(client)
    data = export_personal_data(supporter)
    assert [entry["type"] for entry in data["mfa"]["two_factor"]] == ["totp", "recovery_codes"]
    assert secret not in str(data)
    assert data["accounts"]["email"] == supporter.email

    account_delete(user=supporter, keep_contributions=True)
    assert not Authenticator.objects.filter(user_id=supporter.pk).exists()


def test_a_code_of_the_step_before_is_accepted_but_not_one_of_two_steps_before(client, supporter):
    """One 30-second step of tolerance (settings.MFA_TOTP_TOLERANCE): a code
    typed as its step ends still works; an older one does not."""
    client.force_login(supporter)
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret

    stale = client.post(
        reverse("mfa_activate_totp"), {"code": totp_code(secret, at=time.time() - 65)}
    )
    late = client.post(
        reverse("mfa_activate_totp"), {"code": totp_code(secret, at=time.time() - 30)}
    )

    assert stale.status_code == 200
    assert late.status_code == 302
