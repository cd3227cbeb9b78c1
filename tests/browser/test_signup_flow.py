"""A person joins in a real browser: home page, sign-up form, confirmation
email delivered by the task worker to the mail folder, confirmation, choice of
a section, and the section page that lists them. axe-core checks every page;
the keyboard and a phone-sized screen get their own checks."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from membrane.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "camille.durand@example.org"
PHONE_WIDTH = 375


def run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)


def test_a_person_joins_confirms_and_finds_their_section(
    page: Page, live_server, charter, section, mail_folder, axe_check
):
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_be_visible()
    axe_check(page)

    # The site speaks French first; this visitor prefers English.
    page.locator(".lang a[hreflang='en']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    header = page.get_by_role("navigation", name="Main navigation")
    header.get_by_role("link", name="Join", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Join")
    axe_check(page)

    page.get_by_label("First name").fill("Camille")
    page.get_by_label("Last name").fill("Durand")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("une-phrase-de-passe-solide-42")
    page.get_by_label("I have read and I accept the charter").check()
    page.get_by_role("checkbox", name=re.compile("I explicitly consent")).check()
    page.get_by_role("main").get_by_role("button", name="Join", exact=True).click()

    # "Check your inbox": nothing was sent inside the request.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    axe_check(page)
    assert mail_folder.messages() == []
    assert User.objects.filter(email=EMAIL, first_name="Camille").exists()

    run_worker()

    messages = [m for m in mail_folder.messages() if EMAIL in str(m["To"])]
    assert len(messages) == 1, [m["Subject"] for m in mail_folder.messages()]
    match = re.search(
        r"https?://\S+?(/accounts/confirm-email/[^\s/]+/)", mail_folder.text(messages[0])
    )
    assert match, mail_folder.text(messages[0])
    page.goto(live_server.url + match.group(1))
    axe_check(page)
    # Confirming is a POST (a mail scanner following links confirms nothing).
    page.get_by_role("main").get_by_role("button").click()

    # Logged in by the confirmation; no section yet.
    page.get_by_role("link", name="Find my local section").click()
    expect(page).to_have_url(re.compile(r"/sections/choisir/$"))
    axe_check(page)

    page.get_by_label("My section").fill("33130")
    page.get_by_role("button", name="Choose this section").click()
    if page.get_by_role("radio", name=re.compile("Section de Bègles")).count():
        # Several sections matched: pick ours.
        page.get_by_role("radio", name=re.compile(r"^Section de Bègles \(33130\)")).check()
        page.get_by_role("button", name="Choose this section").click()

    expect(page).to_have_url(re.compile(rf"/sections/{section.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Section de Bègles")
    expect(page.get_by_role("main").get_by_role("link", name="Camille Durand")).to_be_visible()
    axe_check(page)
    person = User.objects.get(email=EMAIL)
    assert person.section == section

    # The worker then sends the welcome email.
    run_worker()
    assert len([m for m in mail_folder.messages() if EMAIL in str(m["To"])]) == 2

    # Signed in, the header holds more links: still no sideways scrolling on a phone.
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.reload()
    assert_fits_width(page)


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(
    page: Page, live_server, charter, axe_check
):
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # hidden until focused, then seen
    axe_check(page)

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def assert_fits_width(page: Page, width: int = PHONE_WIDTH) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        culprits = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width)
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                     + (el.className && typeof el.className === 'string'
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                     + ' right=' + Math.round(el.getBoundingClientRect().right))""",
            width,
        )
        pytest.fail(
            f"{page.url} is {scroll_width}px wide on a {width}px screen "
            f"(horizontal scrolling). Widest elements: {culprits}"
        )


@pytest.mark.parametrize(
    "path", ["/", "/accounts/signup/", "/sections/", "/sections/begles/", "/federations/"]
)
def test_on_a_phone_nothing_overflows_sideways(
    page: Page, live_server, charter, section, tmp_path, path
):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.goto(live_server.url + path)
    expect(page.locator("main")).to_be_visible()

    screenshot = tmp_path / "phone.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 0
    assert_fits_width(page)
