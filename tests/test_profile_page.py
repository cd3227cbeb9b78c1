"""A profile shows the person's follow counts, a follow button, their
groups, their section and their recent contributions — only what the viewer
may read: a private group's name and a post in it never show to an outsider."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membrane.accounts.follows import follow
from membrane.accounts.models import ProfileVisibility
from membrane.conversations.services import post_create, post_delete, thread_create
from membrane.spaces.models import Role, Space
from membrane.spaces.services import (
    group_create,
    group_join,
    membership_set_role,
    territorial_space_ensure,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(member):
    """The person whose profile we look at, public so anyone may see it."""
    member.profile_visibility = ProfileVisibility.PUBLIC
    member.save(update_fields=["profile_visibility"])
    return member


@pytest.fixture
def public_group(person):
    return group_create(creator=person, name="Pour le droit de vote des étrangers")


@pytest.fixture
def private_group(person):
    return group_create(
        creator=person, name="Cellule de riposte", visibility=Space.Visibility.PRIVATE
    )


def profile_url(person):
    return reverse("accounts:profile", args=[person.pk])


def page_of(client, person):
    response = client.get(profile_url(person))
    assert response.status_code == 200
    return response.content.decode()


# Counts and the follow button ---------------------------------------------------


def test_the_profile_shows_followers_following_and_coopains(client, person, supporter, staff):
    follow(follower=supporter, followed=person)
    follow(follower=person, followed=supporter)
    follow(follower=staff, followed=person)

    html = page_of(client, person)

    assert "2 followers" in html
    assert "follows 1 person" in html
    assert "1 coopain" in html
    assert reverse("accounts:contacts", args=[person.pk]) in html


def test_a_signed_in_visitor_gets_a_follow_button(client, person, supporter):
    client.force_login(supporter)

    html = page_of(client, person)

    assert reverse("accounts:follow", args=[person.pk]) in html
    assert reverse("accounts:unfollow", args=[person.pk]) not in html


def test_a_follower_gets_a_stop_following_button(client, person, supporter):
    follow(follower=supporter, followed=person)
    client.force_login(supporter)

    html = page_of(client, person)

    assert reverse("accounts:unfollow", args=[person.pk]) in html
    assert reverse("accounts:follow", args=[person.pk]) not in html


def test_no_follow_button_on_ones_own_profile(client, person):
    client.force_login(person)

    html = page_of(client, person)

    assert reverse("accounts:follow", args=[person.pk]) not in html


def test_an_anonymous_visitor_is_invited_to_log_in_to_follow(client, person):
    html = page_of(client, person)

    assert reverse("accounts:follow", args=[person.pk]) not in html
    assert "Log in to follow this person" in html


# Groups and section -----------------------------------------------------------------


def test_the_profile_shows_the_section_and_public_groups(client, person, public_group):
    html = page_of(client, person)

    assert "Section de Bègles" in html
    assert "Pour le droit de vote des étrangers" in html
    assert reverse("spaces:group", args=[public_group.slug]) in html


def test_a_private_group_is_not_named_to_an_outsider(
    client, person, private_group, outsider_animator
):
    client.force_login(outsider_animator)

    html = page_of(client, person)

    assert "Cellule de riposte" not in html
    assert private_group.slug not in html


def test_a_private_group_is_not_named_to_an_anonymous_visitor(client, person, private_group):
    assert "Cellule de riposte" not in page_of(client, person)


def test_a_private_group_is_named_to_its_own_members(client, person, private_group, supporter):
    group_join(group=private_group, user=supporter)
    client.force_login(supporter)

    assert "Cellule de riposte" in page_of(client, person)


# Recent contributions -------------------------------------------------------------


def test_recent_contributions_link_to_their_threads(client, person, public_group):
    thread = thread_create(
        author=person, space=public_group, title="Pétition municipale", body="Signez !"
    )

    html = page_of(client, person)

    assert "Pétition municipale" in html
    assert reverse("conversations:thread", args=[thread.pk]) in html


def test_a_post_in_a_private_group_never_shows_to_an_outsider(
    client, person, private_group, outsider_animator
):
    thread = thread_create(
        author=person, space=private_group, title="Stratégie secrète", body="Le plan est…"
    )
    client.force_login(outsider_animator)

    html = page_of(client, person)

    assert "Stratégie secrète" not in html
    assert "Le plan est" not in html
    assert reverse("conversations:thread", args=[thread.pk]) not in html


def test_a_post_in_the_section_space_shows_to_the_section_but_not_to_outsiders(
    client, person, section, supporter, outsider_animator
):
    space = territorial_space_ensure(section)
    thread_create(author=person, space=space, title="Réunion de section", body="Jeudi 20h.")

    client.force_login(supporter)
    assert "Réunion de section" in page_of(client, person)
    client.force_login(outsider_animator)
    assert "Réunion de section" not in page_of(client, person)


def test_deleted_posts_are_not_contributions(client, person, public_group):
    thread = thread_create(author=person, space=public_group, title="Fil", body="Ouverture")
    reply = post_create(author=person, thread=thread, body="Message regretté")
    post_delete(post=reply)

    assert "Message regretté" not in page_of(client, person)


def test_only_the_ten_latest_contributions_are_shown(client, person, public_group):
    thread = thread_create(author=person, space=public_group, title="Fil", body="Message 0")
    for number in range(1, 12):
        post_create(author=person, thread=thread, body=f"Message {number}")

    response = client.get(profile_url(person))

    bodies = [post.body for post in response.context["contributions"]]
    assert bodies == [f"Message {number}" for number in range(11, 1, -1)]


# Cost -----------------------------------------------------------------------------


def test_the_profile_costs_the_same_queries_for_3_or_30_groups_and_posts(client, person, supporter):
    def take_part(count):
        for _ in range(count):
            group = group_create(creator=UserFactory(), name="Groupe")
            group_join(group=group, user=person)
            membership_set_role(group=group, user=person, role=Role.MODERATOR)
            thread = thread_create(author=person, space=group, title="Un fil", body="Bonjour")
            follow(follower=UserFactory(), followed=person)
            post_create(author=person, thread=thread, body="Et aussi")

    client.force_login(supporter)
    take_part(3)
    client.get(profile_url(person))
    with CaptureQueriesContext(connection) as few:
        client.get(profile_url(person))
    take_part(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(profile_url(person))

    assert len(response.context["memberships"]) == 30
    assert len(response.context["contributions"]) == 10
    assert len(many) == len(few)
