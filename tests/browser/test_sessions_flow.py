"""Sessions in a real browser, in French: a member signed in on two browsers
sees both on « Mes sessions », logs out everywhere else from the first one,
and the second is signed out at its next page. axe-core checks the page."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.test_conversations_flow import fr, header, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_out_everywhere_else_from_the_sessions_page(
    page: Page, browser: Any, live_server: Any, member_named: Any, axe_check: Any
) -> None:
    person = member_named("Ines", "Garnier")
    other_context = browser.new_context(locale="fr-FR")
    try:
        other = other_context.new_page()
        other.set_default_timeout(10_000)
        log_in(other, live_server, person)
        log_in(page, live_server, person)

        sessions_url = live_server.url + reverse("security:sessions")
        page.goto(sessions_url)
        expect(page.get_by_role("heading", level=1)).to_have_text(fr("My sessions"))
        rows = page.get_by_role("main").locator("tbody tr")
        expect(rows).to_have_count(2)
        expect(page.locator("tr[aria-current='true']")).to_contain_text(fr("this session"))
        axe_check(page)

        page.get_by_role("button", name=fr("Log out everywhere else")).click()
        expect(rows).to_have_count(1)
        expect(header(page).get_by_role("button", name=fr("Log out"))).to_be_visible()

        # The other browser is signed out at its next page.
        other.goto(live_server.url + reverse("accounts:home"))
        expect(other.get_by_role("main").get_by_label(fr("Password"))).to_be_visible()
        expect(header(other).get_by_role("button", name=fr("Log out"))).to_have_count(0)
    finally:
        other_context.close()
