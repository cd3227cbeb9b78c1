"""Invitations, points and rankings in a real browser (English, to read the
interface's own words): a member copies their invitation link, a visitor
follows it and joins, the member sees them counted, opts into the rankings
and finds themselves there. axe-core checks each page; a phone-sized screen
must not scroll sideways."""

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from membrane.engagement.models import PointAward, Referral
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375


def log_in_english(page: Page, live_server: Any, person: Any) -> None:
    page.goto(live_server.url + "/")
    page.locator(".lang a[hreflang='en']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(live_server.url + reverse("account_login"))
    main = page.get_by_role("main")
    main.get_by_label("Email").fill(person.email)
    main.get_by_label("Password").fill(TEST_PASSWORD)
    main.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_an_invitation_is_followed_counted_and_ranked(
    page: Page, browser: Browser, live_server, charter, member_named, axe_check
):
    inviter = member_named("Amina", "Diallo")
    PointAward.objects.create(
        user=inviter, rule="field_action", key="x", points=5, created_at=timezone.now()
    )
    log_in_english(page, live_server, inviter)

    page.goto(live_server.url + reverse("engagement:invitations"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My invitations")
    axe_check(page)
    link = page.get_by_label("Link to share").input_value()
    assert re.search(r"/invitation/[\w-]+/$", link)

    # A visitor, in another browser, follows the link and joins. Their
    # context is closed here: left open, its connections would outlive the
    # live server (tests/browser/conftest.py, _no_context_left_open).
    context = browser.new_context()
    try:
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        visitor = context.new_page()
        visitor.goto(link)
        expect(visitor).to_have_url(re.compile(r"/accounts/signup/$"))
        visitor.get_by_label("First name").fill("Camille")
        visitor.get_by_label("Last name").fill("Durand")
        visitor.get_by_label("Email").fill("camille.durand@example.org")
        visitor.get_by_label("Password").fill("une-phrase-de-passe-solide-42")
        visitor.get_by_label("I have read and I accept the charter").check()
        visitor.get_by_role("checkbox", name=re.compile("I explicitly consent")).check()
        visitor.get_by_role("main").get_by_role("button", name="Join", exact=True).click()
        expect(visitor).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    finally:
        context.close()
    assert Referral.objects.get(invitee__email="camille.durand@example.org").inviter == inviter

    page.reload()
    expect(page.get_by_text("1 person joined through your link")).to_be_visible()

    # Points, then opting into the rankings.
    page.get_by_role("link", name="My points and badges").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My points and badges")
    axe_check(page)
    page.get_by_role("button", name="Appear in the rankings").click()
    expect(page.get_by_role("button", name="Stop appearing in the rankings")).to_be_visible()

    page.get_by_role("link", name="See the rankings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rankings")
    people = page.get_by_role("region", name="People")
    expect(people.get_by_role("link", name=inviter.public_name)).to_be_visible()
    axe_check(page)

    # On a phone, nothing scrolls sideways.
    for name in ("engagement:rankings", "engagement:points", "engagement:invitations"):
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
        page.goto(live_server.url + reverse(name))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, (name, width)
