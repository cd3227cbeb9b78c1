"""The notification centre: newest first, unread ones marked, opening one
reads it and leads to what it is about, "mark all as read"; only the
recipient sees or touches theirs; what became hidden is never shown. And
the preferences page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.conversations.services import thread_create
from membrane.notifications.models import DEFAULT_CHANNELS, Channel, Kind, Notification, Preference
from membrane.spaces.models import Space
from membrane.spaces.services import group_create, group_join, group_leave
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:list")
PREFERENCES_URL = reverse("notifications:preferences")


@pytest.fixture
def signed_in(client, supporter):
    client.force_login(supporter)
    return client


@pytest.fixture
def group(member):
    return group_create(creator=member, name="Écologie populaire")


@pytest.fixture
def private_group(member, supporter):
    group = group_create(creator=member, name="Cercle restreint", visibility="private")
    group_join(group=group, user=supporter)
    return group


def notification(recipient, **fields):
    return Notification.objects.create(recipient=recipient, **fields)


# The centre ---------------------------------------------------------------------


def test_the_centre_needs_a_sign_in(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_centre_lists_my_notifications_newest_first_with_unread_ones_marked_new(
    signed_in, supporter, member, group
):
    older = notification(supporter, kind=Kind.NEW_FOLLOWER, actor=member)
    older.read_at = timezone.now()
    older.save()
    notification(supporter, kind=Kind.REQUEST_ACCEPTED, actor=member, space=group)

    response = signed_in.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    accepted = html.index("You are now a member of Écologie populaire")
    follows = html.index(f"{member.public_name} follows you")
    assert accepted < follows
    assert html.count('<span class="badge">new</span>') == 1
    assert html.index('<span class="badge">new</span>') < accepted
    assert reverse("notifications:mark_all_read") in html


def test_the_centre_does_not_show_other_peoples_notifications(signed_in, member, group):
    notification(member, kind=Kind.REQUEST_ACCEPTED, space=group)

    response = signed_in.get(LIST_URL)

    assert "Écologie populaire" not in response.content.decode()


def test_a_notification_about_a_group_i_left_is_no_longer_shown_nor_counted(
    signed_in, supporter, member, private_group
):
    thread = thread_create(author=member, space=private_group, title="Plan secret", body="…")
    item = notification(
        supporter, kind=Kind.REPLY, actor=member, space=private_group, thread=thread
    )
    group_leave(group=private_group, user=supporter)

    response = signed_in.get(LIST_URL)

    assert "Plan secret" not in response.content.decode()
    assert not Notification.objects.filter(recipient=supporter, read_at=None).exists()
    opened = signed_in.get(reverse("notifications:open", args=[item.pk]))
    assert opened.status_code == 404


def test_the_centre_is_paginated_by_thirty(signed_in, supporter, member):
    Notification.objects.bulk_create(
        Notification(recipient=supporter, kind=Kind.NEW_FOLLOWER, actor=member) for _ in range(31)
    )

    first = signed_in.get(LIST_URL)
    second = signed_in.get(LIST_URL, {"page": 2})

    assert len(first.context["page"].object_list) == 30
    assert len(second.context["page"].object_list) == 1


def test_the_centre_costs_the_same_queries_for_3_or_30_notifications(signed_in, supporter, group):
    def make(count):
        actors = UserFactory.create_batch(count)
        thread = thread_create(author=actors[0], space=group, title="Services publics", body="…")
        Notification.objects.bulk_create(
            Notification(
                recipient=supporter, kind=Kind.REPLY, actor=actor, space=group, thread=thread
            )
            for actor in actors
        )

    make(3)
    signed_in.get(LIST_URL)  # warm up: session, instance settings, marking hidden ones
    with CaptureQueriesContext(connection) as few:
        assert signed_in.get(LIST_URL).status_code == 200
    make(27)
    with CaptureQueriesContext(connection) as many:
        response = signed_in.get(LIST_URL)

    assert len(response.context["page"].object_list) == 30
    assert len(many) == len(few)


# Opening one ----------------------------------------------------------------------


def test_opening_a_notification_reads_it_and_leads_to_its_group(signed_in, supporter, group):
    item = notification(supporter, kind=Kind.REQUEST_ACCEPTED, space=group)

    response = signed_in.get(reverse("notifications:open", args=[item.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("spaces:group", args=[group.slug])
    item.refresh_from_db()
    assert item.read_at is not None


def test_opening_a_new_follower_notification_leads_to_their_profile(signed_in, supporter, member):
    item = notification(supporter, kind=Kind.NEW_FOLLOWER, actor=member)

    response = signed_in.get(reverse("notifications:open", args=[item.pk]))

    assert response["Location"] == reverse("accounts:profile", args=[member.pk])


def test_opening_a_reply_leads_to_the_message(signed_in, supporter, member, group):
    thread = thread_create(author=supporter, space=group, title="Mon fil", body="…")
    post = thread.posts.get()
    item = notification(
        supporter, kind=Kind.REPLY, actor=member, space=group, thread=thread, post=post
    )

    response = signed_in.get(reverse("notifications:open", args=[item.pk]))

    assert response["Location"] == reverse("conversations:post", args=[post.pk])


def test_nobody_but_the_recipient_opens_a_notification(client, member, supporter, group):
    item = notification(member, kind=Kind.REQUEST_ACCEPTED, space=group)
    client.force_login(supporter)

    response = client.get(reverse("notifications:open", args=[item.pk]))

    assert response.status_code == 404
    item.refresh_from_db()
    assert item.read_at is None


# Mark all as read -----------------------------------------------------------------


def test_mark_all_as_read_reads_mine_only(signed_in, supporter, member, group):
    mine = [notification(supporter, kind=Kind.NEW_FOLLOWER, actor=member) for _ in range(2)]
    theirs = notification(member, kind=Kind.REQUEST_ACCEPTED, space=group)

    response = signed_in.post(reverse("notifications:mark_all_read"))

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_is_a_post(signed_in):
    assert signed_in.get(reverse("notifications:mark_all_read")).status_code == 405


def test_mark_all_as_read_never_redirects_off_site(signed_in, supporter, member):
    notification(supporter, kind=Kind.NEW_FOLLOWER, actor=member)

    response = signed_in.post(
        reverse("notifications:mark_all_read"), {"next": "https://evil.example/"}
    )

    assert response["Location"] == LIST_URL


# Preferences --------------------------------------------------------------------


def test_the_preferences_show_each_kind_with_its_default(signed_in):
    response = signed_in.get(PREFERENCES_URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == set(Kind.values)
    for kind, channel in DEFAULT_CHANNELS.items():
        assert form[kind.value].value() == channel.value
    html = response.content.decode()
    assert "<legend>Someone mentions me</legend>" in html
    assert 'value="off"' in html


def test_a_person_saves_their_preferences(signed_in, supporter):
    choices = {kind.value: Channel.IN_APP.value for kind in Kind}
    choices[Kind.MENTION.value] = Channel.OFF.value

    response = signed_in.post(PREFERENCES_URL, choices)

    assert response.status_code == 302
    saved = dict(Preference.objects.filter(user=supporter).values_list("kind", "channel"))
    assert saved == choices
    again = signed_in.get(PREFERENCES_URL)
    assert again.context["form"][Kind.MENTION.value].value() == Channel.OFF.value


def test_an_unknown_channel_is_refused_and_the_other_choices_are_kept(signed_in, supporter):
    choices = {kind.value: Channel.OFF.value for kind in Kind}
    choices[Kind.REPLY.value] = "pigeon"

    response = signed_in.post(PREFERENCES_URL, choices)

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[Kind.REPLY.value]
    assert form[Kind.MENTION.value].value() == Channel.OFF.value
    assert not Preference.objects.filter(user=supporter).exists()


def test_the_account_page_links_to_the_preferences(signed_in):
    response = signed_in.get(reverse("accounts:home"))

    assert PREFERENCES_URL in response.content.decode()


def test_a_private_group_invitation_shows_its_name_to_the_person_invited(
    signed_in, supporter, member
):
    group = group_create(
        creator=member,
        name="Comité de campagne",
        visibility=Space.Visibility.PRIVATE,
        joining=Space.Joining.INVITATION,
    )
    notification(supporter, kind=Kind.INVITATION, actor=member, space=group)

    response = signed_in.get(LIST_URL)

    assert f"{member.public_name} invites you to join Comité de campagne" in (
        response.content.decode()
    )
