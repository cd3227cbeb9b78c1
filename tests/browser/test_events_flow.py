"""An event in a real browser, in French: the section animator creates it
through the form, a member answers "going", the task worker sends the
reminder email to the mail folder, the event takes place, the organiser
checks attendance, and the member earns the "In the field" badge shown on
their profile. axe-core checks the pages visited."""

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from membrane.engagement.models import BadgeAward, PointAward
from membrane.events.models import Event, Rsvp
from membrane.spaces.services import territorial_space_ensure
from tests.browser.test_conversations_flow import fr, log_in
from tests.browser.test_signup_flow import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Porte-à-porte au marché de Bègles"
LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def space(section) -> Any:
    return territorial_space_ensure(section)


def test_an_event_is_created_answered_reminded_and_its_attendance_checked(
    page: Page,
    browser: Any,
    live_server,
    space,
    section_animator,
    member_named,
    mail_folder,
    axe_check,
):
    member = member_named("Amina", "Diallo")
    # Starting in 3 hours: its reminder is due at once.
    start = (timezone.now() + timedelta(hours=3)).astimezone(ZoneInfo("Europe/Paris"))
    start = start.replace(second=0, microsecond=0)

    # The section animator creates the event from the space's events.
    log_in(page, live_server, section_animator)
    page.goto(live_server.url + reverse("events:space", args=[space.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        fr("Events of %(name)s", name=space.name)
    )
    axe_check(page)
    page.get_by_role("link", name=fr("New event")).click()
    main = page.get_by_role("main")
    main.get_by_label(fr("Title")).fill(TITLE)
    main.get_by_label(fr("Starts")).fill(start.strftime(LOCAL))
    main.get_by_label(fr("Ends")).fill((start + timedelta(hours=2)).strftime(LOCAL))
    main.get_by_label(fr("Address")).fill("Place du marché")
    main.get_by_label(fr("Postcode")).fill("33130")
    main.get_by_label(fr("Commune")).fill("Bègles")
    main.get_by_label(fr("Capacity")).fill("10")
    axe_check(page)
    main.get_by_role("button", name=fr("Create the event")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    event = Event.objects.get(title=TITLE)
    assert event.starts_at == start and event.organiser == section_animator
    event_url = reverse("events:event", args=[event.pk])
    expect(page).to_have_url(re.compile(re.escape(event_url) + "$"))
    axe_check(page)

    # A member of the section answers "going".
    context = browser.new_context(locale="fr-FR")
    try:
        other = context.new_page()
        other.set_default_timeout(10_000)
        log_in(other, live_server, member)
        other.goto(live_server.url + event_url)
        other.get_by_role("button", name=fr("I'm going")).click()
        expect(other.get_by_role("main")).to_contain_text(fr("Your answer is saved."))
        axe_check(other)
    finally:
        context.close()
    assert Rsvp.objects.get(event=event, user=member).status == Rsvp.Status.GOING

    # The worker sends the reminder queued at creation, by email.
    run_worker()
    run_worker()  # the email the reminder queued, if the first batch did not take it
    emails = [m for m in mail_folder.messages() if member.email in str(m["To"])]
    assert len(emails) == 1, [m["Subject"] for m in mail_folder.messages()]
    assert TITLE in str(emails[0]["Subject"]) + mail_folder.text(emails[0])

    # The event takes place; the organiser checks who came.
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    page.goto(live_server.url + event_url)
    attendance = page.get_by_role("region", name=fr("Who attended"))
    box = attendance.get_by_label(re.compile(re.escape(member.public_name)))
    expect(box).to_be_checked()
    axe_check(page)
    attendance.get_by_role("button", name=fr("Save attendance")).click()
    expect(page.get_by_role("main")).to_contain_text(fr("Attendance is saved."))
    assert Rsvp.objects.get(event=event, user=member).attended is True
    assert PointAward.objects.filter(user=member, rule="event_attended").count() == 1
    assert BadgeAward.objects.filter(user=member, badge="sur_le_terrain", level=1).exists()

    # The member sees the badge on their profile.
    context = browser.new_context(locale="fr-FR")
    try:
        other = context.new_page()
        other.set_default_timeout(10_000)
        log_in(other, live_server, member)
        other.goto(live_server.url + reverse("accounts:profile", args=[member.pk]))
        badges = other.get_by_role("region", name=fr("Badges"))
        expect(badges).to_contain_text(fr("In the field"))
        axe_check(other)
    finally:
        context.close()
