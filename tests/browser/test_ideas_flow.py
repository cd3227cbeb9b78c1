"""An idea in a real browser, in French: a member submits it in the section's
box, two others support it, the section animator answers it publicly
("retained"); the author sees the notification and, once the worker ran, the
email; the idea shows among the retained ones on "Que sont devenues vos
idées ?". axe-core checks the box, the idea and the report pages."""

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from membrane.ideas.models import Idea, Status, Support
from membrane.ideas.services import box_open
from membrane.spaces.services import territorial_space_ensure
from tests.browser.test_conversations_flow import fr, fr_plural, header, log_in
from tests.browser.test_signup_flow import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDEA_TITLE = "Des fontaines d'eau potable sur les places"
IDEA_DESCRIPTION = "Installer des **fontaines** sur chaque place de la commune."
ANSWER_TEXT = "Retenue : la section portera cette proposition au conseil municipal."


@pytest.fixture
def space(section, section_animator) -> Any:
    space = territorial_space_ensure(section)
    box_open(space=space, by=section_animator, threshold_supports=2, answer_delay_days=15)
    return space


def test_an_idea_is_submitted_supported_answered_and_reported(
    page: Page,
    browser: Any,
    live_server,
    space,
    member_named,
    section_animator,
    mail_folder,
    axe_check,
):
    author = member_named("Amina", "Diallo")
    supporters = [member_named("Bastien", "Morel"), member_named("Chloe", "Petit")]

    # The author submits an idea through the box's form.
    log_in(page, live_server, author)
    page.goto(live_server.url + reverse("ideas:box", args=[space.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        fr("Ideas of %(name)s", name=space.name)
    )
    axe_check(page)
    main = page.get_by_role("main")
    main.get_by_label(fr("Title")).fill(IDEA_TITLE)
    main.get_by_label(fr("Description")).fill(IDEA_DESCRIPTION)
    main.get_by_role("button", name=fr("Submit the idea")).click()
    anyway = main.get_by_role("button", name=fr("Submit it anyway"))
    heading = page.get_by_role("heading", level=1)
    expect(heading.or_(anyway).first).to_be_visible()
    if anyway.is_visible():
        anyway.click()
    expect(heading).to_have_text(IDEA_TITLE)
    idea = Idea.objects.get(title=IDEA_TITLE)
    assert idea.author == author and idea.status == Status.SUBMITTED
    idea_url = reverse("ideas:idea", args=[idea.pk])
    expect(page).to_have_url(re.compile(re.escape(idea_url) + "$"))
    expect(page.get_by_role("main").locator(".prose strong")).to_have_text("fontaines")
    axe_check(page)

    # Two other members support it, each in a browser of their own.
    for count, supporter in enumerate(supporters, start=1):
        context = browser.new_context(locale="fr-FR")
        try:
            other = context.new_page()
            other.set_default_timeout(10_000)
            log_in(other, live_server, supporter)
            other.goto(live_server.url + idea_url)
            other.get_by_role("button", name=fr("Support this idea")).click()
            expect(other.get_by_role("button", name=fr("Withdraw my support"))).to_be_visible()
            expect(
                other.get_by_role(
                    "heading",
                    level=2,
                    name=fr_plural("%(counter)s support", "%(counter)s supports", count),
                )
            ).to_be_visible()
        finally:
            context.close()
    assert Support.objects.filter(idea=idea).count() == 2

    # The section animator answers publicly: retained.
    context = browser.new_context(locale="fr-FR")
    try:
        animator_page = context.new_page()
        animator_page.set_default_timeout(10_000)
        log_in(animator_page, live_server, section_animator)
        animator_page.goto(live_server.url + idea_url)
        answer = animator_page.get_by_role("region", name=fr("Answer publicly"))
        answer.get_by_label(fr("New status")).select_option(Status.RETAINED.value)
        answer.get_by_label(fr("Public answer")).fill(ANSWER_TEXT)
        answer.get_by_role("button", name=fr("Publish the answer")).click()
        expect(animator_page.locator("blockquote.answer")).to_contain_text(ANSWER_TEXT)
        axe_check(animator_page)
    finally:
        context.close()
    idea.refresh_from_db()
    assert idea.status == Status.RETAINED

    # The author sees the notification in the header and the centre (with
    # the "First steps" badge that a retained idea earns).
    page.goto(live_server.url + idea_url)
    expect(page.locator("blockquote.answer")).to_contain_text(ANSWER_TEXT)
    two_unread = fr_plural("(%(counter)s unread)", "(%(counter)s unread)", 2)
    notifications_link = header(page).get_by_role(
        "link", name=f"{fr('Notifications')} {two_unread}"
    )
    expect(notifications_link).to_be_visible()
    notifications_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Notifications"))
    expect(page.get_by_role("main")).to_contain_text(IDEA_TITLE)

    # The worker emails the answer to the author.
    run_worker()
    emails = [m for m in mail_folder.messages() if author.email in str(m["To"])]
    assert len(emails) == 1, [m["Subject"] for m in mail_folder.messages()]
    assert IDEA_TITLE in str(emails[0]["Subject"]) + mail_folder.text(emails[0])

    # "Que sont devenues vos idées ?", seen by a member of the section.
    context = browser.new_context(locale="fr-FR")
    try:
        visitor = context.new_page()
        visitor.set_default_timeout(10_000)
        log_in(visitor, live_server, supporters[0])
        visitor.goto(live_server.url + reverse("ideas:report"))
        expect(visitor.get_by_role("heading", level=1)).to_have_text(
            fr("What became of your ideas?")
        )
        retained = visitor.get_by_role("region", name=fr("Retained and implemented ideas"))
        expect(retained.get_by_role("link", name=IDEA_TITLE)).to_have_attribute("href", idea_url)
        axe_check(visitor)
    finally:
        context.close()
