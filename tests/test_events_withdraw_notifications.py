"""The organiser is told when someone gives up a seat or a place in line
(withdrawing their answer, or answering "not going" after "going" or
waiting), after commit, never of their own answer, never for an answer that
held no place, and never once the event is cancelled or started."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from membrane.core.models import OutgoingEmail
from membrane.events.services import event_cancel, rsvp_set, rsvp_withdraw
from membrane.moderation.models import ModerationState
from membrane.notifications.models import Channel, Kind, Notification
from membrane.notifications.selectors import notifications_of
from membrane.notifications.services import notify, preference_set
from tests.factories import MemberFactory
from tests.test_events_fixtures import (  # noqa: F401
    event_fixture,
    make_event_fixture,
)

pytestmark = pytest.mark.django_db


def people(section, charter, n):
    return [
        MemberFactory(section=section, charter_version_accepted=charter.number) for _ in range(n)
    ]


def kinds_told(person):
    return list(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def test_withdrawing_a_going_answer_tells_the_organiser(
    event, member, section_animator, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        assert rsvp_withdraw(user=member, event=event)
    notification = Notification.objects.get(kind=Kind.EVENT_RSVP_WITHDRAWN)
    assert notification.recipient == section_animator and notification.actor == member
    assert notification.event == event
    assert kinds_told(section_animator) == [Kind.EVENT_RSVP_WITHDRAWN]


def test_withdrawing_from_the_waiting_list_tells_the_organiser(
    make_event, section, charter, section_animator, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    going, waiting = people(section, charter, 2)
    rsvp_set(user=going, event=event, status="going")
    assert rsvp_set(user=waiting, event=event, status="going").waitlisted
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_withdraw(user=waiting, event=event)
    notification = Notification.objects.get(kind=Kind.EVENT_RSVP_WITHDRAWN)
    assert notification.recipient == section_animator and notification.actor == waiting


def test_answering_not_going_after_going_tells_the_organiser_once_of_a_place_given_up(
    event, member, section_animator, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_set(user=member, event=event, status="not_going")
    assert kinds_told(section_animator) == [Kind.EVENT_RSVP_WITHDRAWN]


def test_answering_not_going_from_the_waiting_list_tells_the_organiser(
    make_event, section, charter, section_animator, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    going, waiting = people(section, charter, 2)
    rsvp_set(user=going, event=event, status="going")
    rsvp_set(user=waiting, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_set(user=waiting, event=event, status="not_going")
    notification = Notification.objects.get(recipient=section_animator)
    assert notification.kind == Kind.EVENT_RSVP_WITHDRAWN and notification.actor == waiting


def test_a_going_answer_freed_lets_the_first_waiting_in_and_tells_both(
    make_event, section, charter, section_animator, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    going, waiting = people(section, charter, 2)
    rsvp_set(user=going, event=event, status="going")
    rsvp_set(user=waiting, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_withdraw(user=going, event=event)
    assert kinds_told(section_animator) == [Kind.EVENT_RSVP_WITHDRAWN]
    assert kinds_told(waiting) == [Kind.WAITLIST_PROMOTED]


def test_the_organiser_is_told_only_after_commit(
    event, member, section_animator, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rsvp_withdraw(user=member, event=event)
    assert not Notification.objects.exists()
    for callback in callbacks:
        callback()
    assert kinds_told(section_animator) == [Kind.EVENT_RSVP_WITHDRAWN]


def test_withdrawing_an_interested_answer_tells_nobody(
    event, member, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="interested")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_withdraw(user=member, event=event)
    assert not Notification.objects.exists()


def test_interested_then_not_going_is_an_answer_not_a_place_given_up(
    event, member, section_animator, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="interested")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_set(user=member, event=event, status="not_going")
    assert kinds_told(section_animator) == [Kind.EVENT_RSVP]


def test_withdrawing_a_not_going_answer_tells_nobody(
    event, member, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="not_going")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_withdraw(user=member, event=event)
    assert not Notification.objects.exists()


def test_the_organiser_is_not_told_of_their_own_withdrawal(
    event, section_animator, django_capture_on_commit_callbacks
):
    rsvp_set(user=section_animator, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_withdraw(user=section_animator, event=event)
    rsvp_set(user=section_animator, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_set(user=section_animator, event=event, status="not_going")
    assert not Notification.objects.exists()


def test_withdrawing_from_a_cancelled_event_tells_nobody(
    event, member, section_animator, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="going")
    event_cancel(by=section_animator, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert rsvp_withdraw(user=member, event=event)
    assert not Notification.objects.filter(kind=Kind.EVENT_RSVP_WITHDRAWN).exists()


def test_withdrawing_once_the_event_started_tells_nobody(
    event, member, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        assert rsvp_withdraw(user=member, event=event, now=event.starts_at + timedelta(minutes=5))
    assert not Notification.objects.exists()


def test_an_organiser_who_turned_it_off_is_not_told(
    event, member, section_animator, django_capture_on_commit_callbacks
):
    preference_set(user=section_animator, kind=Kind.EVENT_RSVP_WITHDRAWN, channel=Channel.OFF)
    rsvp_set(user=member, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_withdraw(user=member, event=event)
    assert not Notification.objects.exists()


def test_withdrawing_on_the_event_page_tells_the_organiser(
    client, event, member, section_animator, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="going")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:rsvp", args=[event.pk]), {"action": "withdraw"})
    assert kinds_told(section_animator) == [Kind.EVENT_RSVP_WITHDRAWN]


def test_the_sentence_names_the_person_and_the_event(
    event, member, section_animator, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_withdraw(user=member, event=event)
    notification = Notification.objects.get()
    with translation.override("en"):
        text = render_to_string("notifications/_sentence.html", {"notification": notification})
    assert text.strip() == (
        f"{member.public_name} gave up their place at your event “{event.title}”"
    )


def test_by_email_the_organiser_gets_the_sentence_and_a_link_to_the_event(
    event, member, section_animator, django_capture_on_commit_callbacks
):
    section_animator.language = "en"
    section_animator.save(update_fields=["language"])
    preference_set(user=section_animator, kind=Kind.EVENT_RSVP_WITHDRAWN, channel=Channel.EMAIL)
    rsvp_set(user=member, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_withdraw(user=member, event=event)
    email = OutgoingEmail.objects.get()
    assert email.to == section_animator.email
    assert email.purpose == "notification:event_rsvp_withdrawn"
    assert "gave up their place" in email.subject and event.title in email.subject
    assert reverse("events:event", args=[event.pk]) in email.body_text


def test_notifications_about_a_hidden_event_vanish_for_others_not_for_its_organiser(
    event, member, section_animator
):
    """A reminder quotes the event's title: hidden by moderation, it leaves
    the attendees' notifications; the organiser keeps theirs."""
    notify(recipients=[member], kind=Kind.EVENT_REMINDER, event=event)
    notify(recipients=[section_animator], kind=Kind.EVENT_RSVP, actor=member, event=event)
    assert notifications_of(member).filter(event=event).exists()

    type(event).objects.filter(pk=event.pk).update(moderation_state=ModerationState.HIDDEN)

    assert not notifications_of(member).filter(event=event).exists()
    assert notifications_of(section_animator).filter(event=event).exists()
