"""Two-factor authentication in a real browser, in French: a group moderator
signs in, is held at the activation page, confirms their password, scans
(reads) the secret, activates TOTP with a code from it, signs out, and signs
in again with their password and a fresh code. axe-core checks each page."""

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.test_conversations_flow import fr, header, log_in
from tests.factories import TEST_PASSWORD
from tests.moderation_factories import group_with
from tests.test_mfa import totp_code

MUST_ACTIVATE = (
    "As a moderator, you must protect your account with two-factor "
    "authentication before going on: set up an authenticator app below."
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _mfa_required(settings: Any) -> None:
    settings.MFA_REQUIRED_FOR_MODERATORS = True


def test_a_moderator_enables_totp_and_signs_in_with_it(
    page: Page, live_server: Any, member_named: Any, axe_check: Any
) -> None:
    moderator = member_named("Nadia", "Lefort")
    group_with(moderator=moderator)

    # Signed in with the password, then held: allauth first asks for it again.
    log_in(page, live_server, moderator)
    main = page.get_by_role("main")
    expect(page).to_have_url(re.compile(re.escape(reverse("account_reauthenticate"))))
    expect(page.get_by_text(fr(MUST_ACTIVATE))).to_be_visible()
    axe_check(page)
    main.get_by_label(fr("Password")).fill(TEST_PASSWORD)
    main.get_by_role("button", name=fr("Confirm")).click()

    # The activation page: the message, the QR code and the secret.
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Activate Authenticator App"))
    expect(
        main.get_by_role("img", name=fr("QR code to scan with your authenticator app"))
    ).to_be_visible()
    axe_check(page)
    secret = main.get_by_label(fr("Authenticator secret")).input_value()
    main.get_by_label(fr("Authenticator code")).fill(totp_code(secret))
    main.get_by_role("button", name=fr("Activate")).click()

    # Recovery codes are shown; other pages open again.
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Recovery Codes"))
    axe_check(page)
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists()
    page.goto(live_server.url + reverse("accounts:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("My account"))

    # Out, and in again: the password, then a code.
    header(page).get_by_role("button", name=fr("Log out")).click()
    page.goto(live_server.url + reverse("account_login"))
    main.get_by_label(fr("Email")).fill(moderator.email)
    main.get_by_label(fr("Password")).fill(TEST_PASSWORD)
    main.get_by_role("button", name=fr("Sign In")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Two-Factor Authentication"))
    axe_check(page)
    expect(header(page).get_by_role("button", name=fr("Log out"))).to_have_count(0)

    # A wrong code is refused with a message; the right one signs in.
    code_field = main.get_by_role("textbox")
    code_field.fill("000000" if totp_code(secret) != "000000" else "111111")
    main.get_by_role("button", name=fr("Sign In")).click()
    expect(main.get_by_role("alert")).to_contain_text(fr("Incorrect code."))
    main.get_by_role("textbox").fill(totp_code(secret))
    main.get_by_role("button", name=fr("Sign In")).click()
    expect(header(page).get_by_role("button", name=fr("Log out"))).to_be_visible()
    page.goto(live_server.url + reverse("accounts:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("My account"))
