"""Notifications are created as each person chose (on the site, by email at
once, or off), never for the person who acted, never about what the
recipient cannot read; emails go out through the task worker with a link."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membrane.conversations.services import post_create, thread_create
from membrane.core.models import OutgoingEmail
from membrane.notifications.context_processors import unread_notifications
from membrane.notifications.models import Channel, Kind, Notification
from membrane.notifications.services import notify, preference_set, preferences_save
from membrane.spaces.models import Space
from membrane.spaces.services import group_create, group_join, invitation_create

pytestmark = pytest.mark.django_db


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)


@pytest.fixture
def public_group(member):
    return group_create(creator=member, name="Services publics")


@pytest.fixture
def private_group(member):
    return group_create(
        creator=member, name="Cercle restreint", visibility=Space.Visibility.PRIVATE
    )


def test_a_kind_left_at_its_default_notifies_on_the_site_without_email(member, supporter):
    created = notify(recipients=[member], kind=Kind.NEW_FOLLOWER, actor=supporter)

    assert [n.recipient for n in created] == [member]
    assert created[0].emailed_at is None
    assert not OutgoingEmail.objects.exists()


def test_a_kind_turned_off_creates_no_notification(member, supporter):
    preference_set(user=member, kind=Kind.NEW_FOLLOWER, channel=Channel.OFF)

    created = notify(recipients=[member], kind=Kind.NEW_FOLLOWER, actor=supporter)

    assert created == []
    assert not Notification.objects.filter(recipient=member).exists()


def test_turning_one_kind_off_leaves_the_others_on(member, supporter, public_group):
    preferences_save(user=member, channels={Kind.NEW_FOLLOWER: Channel.OFF})

    notify(recipients=[member], kind=Kind.JOIN_REQUEST, actor=supporter, space=public_group)

    assert list(Notification.objects.values_list("kind", flat=True)) == [Kind.JOIN_REQUEST]


def test_email_at_once_queues_an_email_with_the_notification(member, supporter, public_group):
    preference_set(user=member, kind=Kind.JOIN_REQUEST, channel=Channel.EMAIL)

    [notification] = notify(
        recipients=[member], kind=Kind.JOIN_REQUEST, actor=supporter, space=public_group
    )

    email = OutgoingEmail.objects.get()
    assert email.to == member.email
    assert email.purpose == "notification:join_request"
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_person_who_acts_is_never_notified(member, supporter):
    created = notify(recipients=[member, supporter, member], kind=Kind.NEW_FOLLOWER, actor=member)

    assert [n.recipient for n in created] == [supporter]


def test_nobody_is_notified_about_a_thread_they_cannot_read(member, supporter, private_group):
    thread = thread_create(author=member, space=private_group, title="Entre nous", body="Chut.")

    created = notify(
        recipients=[supporter], kind=Kind.MENTION, actor=member, space=private_group, thread=thread
    )

    assert created == []


def test_a_private_group_member_is_notified_about_its_threads(member, supporter, private_group):
    group_join(group=private_group, user=supporter)
    thread = thread_create(author=member, space=private_group, title="Entre nous", body="Chut.")

    created = notify(
        recipients=[supporter], kind=Kind.REPLY, actor=member, space=private_group, thread=thread
    )

    assert [n.recipient for n in created] == [supporter]


def test_an_invitation_to_a_private_group_reaches_the_person_invited(
    member, supporter, private_group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(group=private_group, user=supporter, invited_by=member)

    notification = Notification.objects.get(recipient=supporter)
    assert notification.kind == Kind.INVITATION
    assert notification.space == private_group


def test_a_mention_in_a_private_group_does_not_notify_an_outsider(
    member, supporter, private_group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_create(author=member, space=private_group, title="Entre nous", body="Chut.")
        post_create(author=member, thread=thread, body=f"Qu'en penses-tu @{supporter.handle} ?")

    assert not Notification.objects.filter(recipient=supporter).exists()


@pytest.mark.django_db(transaction=True)
def test_a_mention_by_email_reaches_the_mail_folder_with_a_link_to_the_message(
    settings, member, supporter, public_group
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    supporter.language = "en"
    supporter.save(update_fields=["language"])
    preference_set(user=supporter, kind=Kind.MENTION, channel=Channel.EMAIL)
    thread = thread_create(
        author=member, space=public_group, title="La Poste", body="Défendons-la."
    )

    post = post_create(author=member, thread=thread, body=f"Tu viens samedi, @{supporter.handle} ?")
    run_worker()

    [message] = mail.outbox
    assert message.to == [supporter.email]
    assert "mentioned you in “La Poste”" in message.subject
    post_link = django_settings.SITE_URL + reverse("conversations:post", args=[post.pk])
    assert post_link in message.body
    assert reverse("notifications:preferences") in message.body
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


# The header's unread count ----------------------------------------------------


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_an_anonymous_visitor_has_no_unread_count_and_costs_no_query():
    with CaptureQueriesContext(connection) as queries:
        context = unread_notifications(request_for(AnonymousUser()))

    assert context == {"unread_notification_count": 0}
    assert len(queries) == 0


def test_the_unread_count_is_one_count_query(member, supporter):
    notify(recipients=[member], kind=Kind.NEW_FOLLOWER, actor=supporter)
    for notification in notify(recipients=[member], kind=Kind.NEW_FOLLOWER, actor=None):
        notification.read_at = notification.created_at
        notification.save()
    notify(recipients=[member], kind=Kind.NEW_FOLLOWER, actor=supporter)

    with CaptureQueriesContext(connection) as queries:
        context = unread_notifications(request_for(member))

    assert context == {"unread_notification_count": 2}
    assert len(queries) == 1
    assert "COUNT" in queries[0]["sql"].upper()


def test_emails_are_plain_text_not_html_escaped(
    member, supporter, public_group, django_capture_on_commit_callbacks
):
    """A title with an apostrophe reads as written in the subject and body of
    the email (text emails are not HTML), with no stray line after the sentence."""
    preference_set(user=supporter, kind=Kind.MENTION, channel=Channel.EMAIL)
    thread = thread_create(
        author=member, space=public_group, title="L'école d'à côté", body="Elle ferme."
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=member, thread=thread, body=f"@{supporter.handle} tu en penses quoi ?")

    email = OutgoingEmail.objects.get(to=supporter.email)

    assert "L'école d'à côté" in email.subject
    assert "L'école d'à côté" in email.body_text
    assert "&#x27;" not in email.subject + email.body_text
    assert "\n.\n" not in email.body_text
