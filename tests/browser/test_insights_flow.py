"""Participation insights in a real browser, in French, on the demo data: the
national team opens the insights page of the demo's most talkative group and
reads the number of messages and the two most active people's share, which
this test computes again on its own from the database (a plain count and a
Counter, not the insights code). axe-core checks the page."""

import re
from collections import Counter
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from membrane.accounts.models import User
from membrane.conversations.models import Post
from membrane.core.management.commands.load_demo import STAFF_EMAIL
from membrane.spaces.models import Space
from tests.browser.test_conversations_flow import fr, log_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_insights_of_a_demo_group_match_the_database(
    page: Page, live_server: Any, axe_check: Any
) -> None:
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    staff = User.objects.get(email=STAFF_EMAIL)
    staff.set_password(TEST_PASSWORD)
    staff.save(update_fields=["password"])
    group = (
        Space.objects.filter(kind=Space.Kind.GROUP)
        .annotate(n=Count("threads__posts"))
        .order_by("-n")
        .first()
    )
    assert group is not None

    # The same period as the page's "last 12 months", counted independently.
    today = timezone.localdate()
    since = timezone.make_aware(
        timezone.datetime.combine(today - timedelta(days=364), timezone.datetime.min.time())
    )
    authors = Counter(
        Post.objects.filter(
            thread__space=group, deleted_at=None, author__isnull=False, created_at__gte=since
        ).values_list("author_id", flat=True)
    )
    total = sum(authors.values())
    top_two = sum(count for _author, count in authors.most_common(2))
    assert total > 0

    log_in(page, live_server, staff)
    page.goto(live_server.url + reverse("insights:space", args=[group.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        fr("Participation in %(name)s", name=group.name)
    )
    axe_check(page)
    main = page.get_by_role("main")
    main.get_by_label(fr("Period"), exact=True).select_option("365")
    main.get_by_role("button", name=fr("Show")).click()
    expect(page).to_have_url(re.compile(r"days=365"))
    expect(main.locator("#figure-posts")).to_have_text(str(total))
    shown = re.sub(r"\D", "", main.locator("#figure-top2").inner_text())
    assert abs(int(shown) - 100 * top_two / total) <= 0.5
    # The chart is an image with its table next to it.
    expect(main.locator("figure img").first).to_have_attribute("alt", re.compile(".+"))
    axe_check(page)
