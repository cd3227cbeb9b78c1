"""Following people: one cannot follow oneself or a hidden profile; following
twice changes nothing; two people who follow each other are contacts
(coopains); the person followed is told once."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membrane.accounts.follows import (
    FollowError,
    can_follow,
    contacts_of,
    follow,
    follow_counts,
    unfollow,
)
from membrane.accounts.models import Follow, ProfileVisibility
from membrane.notifications.models import Kind, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# The rule, over the personas ----------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "visibility", "allowed"),
    [
        ("anonymous", ProfileVisibility.PUBLIC, False),
        ("supporter", ProfileVisibility.PUBLIC, True),
        ("supporter", ProfileVisibility.SIGNED_IN, True),
        ("supporter", ProfileVisibility.STAFF, False),
        ("member_to_verify", ProfileVisibility.SIGNED_IN, True),
        ("member", ProfileVisibility.SIGNED_IN, True),
        ("section_animator", ProfileVisibility.STAFF, False),
        ("federation_animator", ProfileVisibility.SIGNED_IN, True),
        ("outsider_animator", ProfileVisibility.SIGNED_IN, True),
        ("staff", ProfileVisibility.STAFF, True),
    ],
)
def test_who_may_follow_whom(request, persona, visibility, allowed):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    person = UserFactory(profile_visibility=visibility)

    assert can_follow(user, person) is allowed


def test_nobody_may_follow_themselves_nor_an_erased_or_inactive_person(staff):
    assert not can_follow(staff, staff)
    assert not can_follow(staff, UserFactory(is_active=False))


# Services -----------------------------------------------------------------------


def test_following_oneself_is_refused_with_a_message(supporter):
    with pytest.raises(FollowError, match="You cannot follow yourself"):
        follow(follower=supporter, followed=supporter)

    assert not Follow.objects.exists()


def test_following_a_hidden_profile_is_refused(supporter):
    hidden = UserFactory(profile_visibility=ProfileVisibility.STAFF)

    with pytest.raises(FollowError):
        follow(follower=supporter, followed=hidden)


def test_following_twice_is_one_follow_and_one_notification(
    supporter, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        follow(follower=supporter, followed=member)
    with django_capture_on_commit_callbacks(execute=True):
        follow(follower=supporter, followed=member)

    assert Follow.objects.filter(follower=supporter, followed=member).count() == 1
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == Kind.NEW_FOLLOWER
    assert notification.actor == supporter


def test_the_person_followed_is_told_only_once_the_follow_commits(
    supporter, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        follow(follower=supporter, followed=member)

    assert not Notification.objects.exists()
    assert len(callbacks) == 1


def test_unfollow_then_follow_again_does_not_notify_twice_while_unread(
    supporter, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        follow(follower=supporter, followed=member)
    assert unfollow(follower=supporter, followed=member) is True
    with django_capture_on_commit_callbacks(execute=True):
        follow(follower=supporter, followed=member)

    assert Notification.objects.filter(recipient=member).count() == 1


def test_unfollowing_someone_not_followed_is_harmless(supporter, member):
    assert unfollow(follower=supporter, followed=member) is False


def test_contacts_are_mutual_follows(supporter, member, member_to_verify):
    follow(follower=supporter, followed=member)
    follow(follower=member, followed=supporter)
    follow(follower=supporter, followed=member_to_verify)  # not followed back

    assert list(contacts_of(supporter)) == [member]
    assert list(contacts_of(member)) == [supporter]
    assert list(contacts_of(member_to_verify)) == []


def test_follow_counts_in_one_query(supporter, member, member_to_verify, section_animator):
    follow(follower=supporter, followed=member)
    follow(follower=member, followed=supporter)
    follow(follower=supporter, followed=member_to_verify)
    follow(follower=section_animator, followed=supporter)

    with CaptureQueriesContext(connection) as queries:
        counts = follow_counts(supporter)

    assert counts == {"followers": 2, "following": 2, "contacts": 1}
    assert len(queries) == 1


def test_deactivated_people_do_not_count(supporter, member):
    follow(follower=supporter, followed=member)
    follow(follower=member, followed=supporter)
    member.is_active = False
    member.save()

    assert follow_counts(supporter) == {"followers": 0, "following": 0, "contacts": 0}
    assert list(contacts_of(supporter)) == []


# Pages --------------------------------------------------------------------------


def test_the_follow_button_follows_and_comes_back_to_the_profile(client, supporter, member):
    client.force_login(supporter)

    response = client.post(reverse("accounts:follow", args=[member.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:profile", args=[member.pk])
    assert f"You now follow {member.public_name}." in response.content.decode()
    assert Follow.objects.filter(follower=supporter, followed=member).exists()


def test_following_oneself_through_the_page_is_a_400_with_a_message(client, supporter):
    client.force_login(supporter)

    response = client.post(reverse("accounts:follow", args=[supporter.pk]))

    assert response.status_code == 400
    assert "You cannot follow yourself." in response.content.decode()


def test_following_a_hidden_profile_through_the_page_is_a_404(client, supporter):
    hidden = UserFactory(profile_visibility=ProfileVisibility.STAFF)
    client.force_login(supporter)

    response = client.post(reverse("accounts:follow", args=[hidden.pk]))

    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_following_needs_a_sign_in_and_a_post(client, supporter, member):
    url = reverse("accounts:follow", args=[member.pk])

    assert client.post(url).status_code == 302
    client.force_login(supporter)
    assert client.get(url).status_code == 405
    assert not Follow.objects.exists()


def test_the_unfollow_button_unfollows(client, supporter, member):
    follow(follower=supporter, followed=member)
    client.force_login(supporter)

    response = client.post(reverse("accounts:unfollow", args=[member.pk]))

    assert response.status_code == 302
    assert not Follow.objects.exists()


def test_with_htmx_the_button_and_counts_are_swapped_in_place(client, supporter, member):
    client.force_login(supporter)

    response = client.post(reverse("accounts:follow", args=[member.pk]), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="follow-box"')
    assert "1 follower" in html
    assert reverse("accounts:unfollow", args=[member.pk]) in html
    assert "<html" not in html


def test_the_contacts_page_shows_the_coopains_the_viewer_may_see(
    client, supporter, member, member_to_verify
):
    hidden = UserFactory(profile_visibility=ProfileVisibility.STAFF, first_name="Cachée")
    for contact in (member, hidden):
        Follow.objects.create(follower=supporter, followed=contact)
        Follow.objects.create(follower=contact, followed=supporter)
    client.force_login(member_to_verify)

    response = client.get(reverse("accounts:contacts", args=[supporter.pk]))

    assert response.status_code == 200
    assert [person.pk for person in response.context["page"]] == [member.pk]
    assert "Cachée" not in response.content.decode()


def test_the_contacts_of_a_hidden_profile_are_a_404(client, supporter):
    hidden = UserFactory(profile_visibility=ProfileVisibility.STAFF)

    client.force_login(supporter)

    assert client.get(reverse("accounts:contacts", args=[hidden.pk])).status_code == 404


def test_the_contacts_page_costs_the_same_queries_for_3_or_30_contacts(client, supporter, member):
    def befriend(count):
        for person in UserFactory.create_batch(count):
            Follow.objects.create(follower=supporter, followed=person)
            Follow.objects.create(follower=person, followed=supporter)

    client.force_login(member)
    url = reverse("accounts:contacts", args=[supporter.pk])
    befriend(3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    befriend(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.context["page"]) == 30
    assert len(many) == len(few)
