"""The Content Security Policy in a real browser: Chromium loads a set of
representative pages (the API docs' Swagger UI included, which runs its
scripts) and refuses nothing."""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import Page

from tests.test_events_fixtures import make_event_fixture  # noqa: F401
from tests.test_security_headers import pages  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_real_browser_reports_no_policy_violation(
    page: Page,
    live_server: Any,
    pages: dict[str, Any],  # noqa: F811
    settings: Any,
) -> None:
    settings.DEBUG = False  # django-htmx adds its debug script otherwise
    refused: list[str] = []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}"))
    for person, url in pages.values():
        page.context.clear_cookies()
        if person is not None:
            client = Client()
            client.force_login(person)
            cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            page.context.add_cookies(
                [{"name": "sessionid", "value": cookie, "url": live_server.url}]
            )
        page.goto(live_server.url + url)
        if url == "/api/v1/docs":
            page.wait_for_selector(".opblock", timeout=10_000)
        else:
            page.wait_for_load_state("load")
    assert [line for line in refused if "Content Security Policy" in line] == []
