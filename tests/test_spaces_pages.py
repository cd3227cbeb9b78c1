"""The pages of groups and spaces: the directory, creating and editing a
group, joining, asking, leaving, members and invitations, requests, the
thread list, and their pinned numbers of queries."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image

from membrane.accounts.models import ProfileVisibility
from membrane.conversations.models import Thread
from membrane.notifications.models import Kind, Notification
from membrane.spaces.models import Invitation, JoinRequest, Membership, Role, Space
from membrane.spaces.services import territorial_space_ensure
from membrane.spaces.views import initials
from tests.factories import UserFactory
from tests.spaces_factories import (
    GroupFactory,
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
    PostFactory,
    ReadStateFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db

GROUPS_URL = reverse("spaces:groups")
CREATE_URL = reverse("spaces:group_create")


def group_url(group, name="spaces:group"):
    return reverse(name, args=[group.slug])


def png_upload(name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def group_data(**overrides):
    return {
        "name": "Services publics partout",
        "description": "Défendons La Poste, l'école et l'hôpital.",
        "visibility": "public",
        "joining": "open",
        **overrides,
    }


@pytest.fixture
def animated_group(section_animator):
    """A public group animated by the section animator."""
    group = GroupFactory(name="Écologie populaire", slug="ecologie-populaire")
    MembershipFactory(space=group, user=section_animator, role=Role.ANIMATOR)
    return group


def count_queries(client, url, **kwargs):
    client.get(url, **kwargs)  # warm the caches (session, charter)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(context.captured_queries)


# The directory


def test_the_directory_lists_groups_with_their_member_count_and_badges(client, member):
    open_group = GroupFactory(name="Jeunes et engagés")
    MembershipFactory.create_batch(2, space=open_group)
    MembershipFactory(space=open_group, user=member)
    GroupFactory(
        name="Cercle des élus",
        visibility=Space.Visibility.PRIVATE,
        joining=Space.Joining.INVITATION,
    )
    client.force_login(member)

    response = client.get(GROUPS_URL)

    assert response.status_code == 200
    text = response.text
    assert "Jeunes et engagés" in text and "Cercle des élus" in text
    assert "3 members" in text
    assert "Private" in text and "On invitation" in text
    assert text.count("You are a member") == 1
    assert "Create a group" in text


def test_anonymous_visitors_see_the_directory_without_the_create_button(client):
    GroupFactory(name="Ruralité")

    response = client.get(GROUPS_URL)

    assert "Ruralité" in response.text
    assert "Create a group" not in response.text


def test_a_group_without_image_shows_its_initials(client):
    GroupFactory(name="Pour le droit de vote des étrangers")

    response = client.get(GROUPS_URL)

    assert initials("Pour le droit de vote des étrangers") == "PD"
    assert ">PD</span>" in response.text


def test_the_directory_search_ignores_accents_and_case(client):
    GroupFactory(name="Écologie et climat")
    GroupFactory(name="Services publics", description="La Poste, l'hôpital")

    assert "Écologie et climat" in client.get(GROUPS_URL, {"q": "ECOLOGIE"}).text
    found = client.get(GROUPS_URL, {"q": "hopital"}).text
    assert "Services publics" in found and "1 group matches" in found
    nothing = client.get(GROUPS_URL, {"q": "astronomie"})
    assert nothing.status_code == 200
    assert "No group matches" in nothing.text


def test_the_directory_search_answers_htmx_with_the_results_only(client):
    GroupFactory(name="Ruralité vivante")

    response = client.get(GROUPS_URL, {"q": "rural"}, headers={"HX-Request": "true"})

    assert "Ruralité vivante" in response.text
    assert "<html" not in response.text
    assert "The most populated" not in response.text


def test_the_directory_puts_the_most_populated_groups_first(client):
    small = GroupFactory(name="Petit groupe")
    big = GroupFactory(name="Grand groupe")
    MembershipFactory.create_batch(3, space=big)
    MembershipFactory(space=small)

    page = client.get(GROUPS_URL).context["page"]

    assert [group.name for group in page] == ["Grand groupe", "Petit groupe"]
    ranking = client.get(GROUPS_URL).context["most_populated"]
    assert ranking[0].name == "Grand groupe"


def test_the_most_active_ranking_counts_the_public_posts_of_the_last_30_days(client):
    lively = GroupFactory(name="Groupe vivant")
    quiet = GroupFactory(name="Groupe calme")
    secret = GroupFactory(name="Groupe secret", visibility=Space.Visibility.PRIVATE)
    PostFactory.create_batch(3, thread=ThreadFactory(space=lively))
    old = PostFactory(thread=ThreadFactory(space=quiet))
    PostFactory(thread__space=secret)
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    response = client.get(GROUPS_URL)

    names = [group.name for group in response.context["most_active"]]
    assert names == ["Groupe vivant"]
    assert "3 messages in 30 days" in response.text


def test_the_directory_is_paginated(client):
    GroupFactory.create_batch(25)

    first = client.get(GROUPS_URL)
    second = client.get(GROUPS_URL, {"page": 2})

    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 5
    assert "Page 2 of 2" in second.text
    assert client.get(GROUPS_URL, {"page": "n'importe quoi"}).status_code == 200


def make_groups(count, start):
    for index in range(start, start + count):
        group = GroupFactory(
            name=f"Groupe {index}",
            visibility=[Space.Visibility.PUBLIC, Space.Visibility.PRIVATE][index % 2],
        )
        MembershipFactory(space=group)
        PostFactory(thread=ThreadFactory(space=group))


def test_the_directory_makes_as_many_queries_for_30_groups_as_for_3(client, member):
    client.force_login(member)
    make_groups(3, start=0)
    few = count_queries(client, GROUPS_URL)
    make_groups(27, start=3)
    many = count_queries(client, GROUPS_URL)
    assert many == few


# Creating and editing a group


def test_a_signed_in_person_creates_a_group_and_becomes_its_animator(client, supporter):
    client.force_login(supporter)

    response = client.post(CREATE_URL, group_data(image=png_upload()))

    group = Space.objects.get(name="Services publics partout")
    assert response.status_code == 302
    assert response["Location"] == group_url(group)
    assert group.kind == Space.Kind.GROUP
    assert group.created_by == supporter
    assert Membership.objects.get(space=group, user=supporter).role == Role.ANIMATOR
    image = client.get(group_url(group, "spaces:image"))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"


def test_a_group_named_like_the_create_page_gets_another_address(client, supporter):
    client.force_login(supporter)

    client.post(CREATE_URL, group_data(name="Nouveau"))

    assert Space.objects.get(name="Nouveau").slug == "nouveau-2"


def test_anonymous_visitors_are_sent_to_log_in_to_create_a_group(client):
    response = client.get(CREATE_URL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_group_needs_a_name_and_keeps_what_was_typed(client, supporter):
    client.force_login(supporter)

    response = client.post(CREATE_URL, group_data(name="   "))

    assert response.status_code == 400
    assert "Give the group a name." in response.text
    assert "Défendons La Poste" in response.text
    assert not Space.objects.groups().exists()


def test_a_name_of_121_characters_is_refused_with_the_limit_stated(client, supporter):
    client.force_login(supporter)
    long_name = "n" * 121

    response = client.post(CREATE_URL, group_data(name=long_name))

    assert response.status_code == 400
    assert "at most 120 characters (it has 121)" in response.text
    assert long_name in response.text
    assert not Space.objects.groups().exists()


def test_a_description_over_2000_characters_is_refused(client, supporter):
    client.force_login(supporter)

    response = client.post(CREATE_URL, group_data(description="d" * 2001))

    assert response.status_code == 400
    assert "at most 2000 characters" in response.text


def test_a_text_file_is_refused_as_an_image_and_the_form_keeps_the_name(client, supporter):
    client.force_login(supporter)
    text_file = SimpleUploadedFile("notes.png", b"pas une image", content_type="image/png")

    response = client.post(CREATE_URL, group_data(image=text_file))

    assert response.status_code == 400
    assert "This file is not an image we can read" in response.text
    assert "Services publics partout" in response.text
    assert not Space.objects.groups().exists()


def test_unknown_visibility_or_joining_is_refused(client, supporter):
    client.force_login(supporter)

    response = client.post(CREATE_URL, group_data(visibility="secret", joining="lottery"))

    assert response.status_code == 400
    assert response.text.count("Select a valid choice") == 2


def test_an_animator_edits_the_group(client, section_animator, animated_group):
    client.force_login(section_animator)
    form = client.get(group_url(animated_group, "spaces:group_edit"))
    assert "Écologie populaire" in form.text

    response = client.post(
        group_url(animated_group, "spaces:group_edit"),
        group_data(name="Écologie sociale", visibility="private", joining="request"),
    )

    animated_group.refresh_from_db()
    assert response.status_code == 302
    assert animated_group.name == "Écologie sociale"
    assert animated_group.visibility == Space.Visibility.PRIVATE
    assert animated_group.joining == Space.Joining.REQUEST
    assert animated_group.slug == "ecologie-populaire"  # addresses do not move


def test_a_bad_edit_keeps_what_was_typed_and_changes_nothing(
    client, section_animator, animated_group
):
    client.force_login(section_animator)

    response = client.post(
        group_url(animated_group, "spaces:group_edit"),
        group_data(name="", description="Une nouvelle description", image=png_upload("x.txt")),
    )
    bad_image = client.post(
        group_url(animated_group, "spaces:group_edit"),
        group_data(image=SimpleUploadedFile("a.jpg", b"GIF89a nope")),
    )

    animated_group.refresh_from_db()
    assert response.status_code == 400
    assert "Une nouvelle description" in response.text
    assert bad_image.status_code == 400
    assert animated_group.name == "Écologie populaire"
    assert not animated_group.image


def test_a_territorial_space_cannot_be_edited_as_a_group(client, staff, section):
    space = territorial_space_ensure(section)
    client.force_login(staff)

    assert client.get(reverse("spaces:group_edit", args=[space.slug])).status_code == 404


# Joining, asking, leaving


def test_joining_an_open_group(client, supporter, animated_group):
    client.force_login(supporter)
    page = client.get(group_url(animated_group))
    assert "Join the group" in page.text

    response = client.post(group_url(animated_group, "spaces:join"), follow=True)

    assert Membership.objects.get(space=animated_group, user=supporter).role == Role.MEMBER
    assert "Welcome to Écologie populaire!" in response.text
    assert "Leave the group" in response.text
    assert "Your role: member" in response.text


def test_joining_twice_is_harmless(client, supporter, animated_group):
    client.force_login(supporter)
    client.post(group_url(animated_group, "spaces:join"))

    response = client.post(group_url(animated_group, "spaces:join"), follow=True)

    assert "You are already a member of this group." in response.text
    assert Membership.objects.filter(space=animated_group, user=supporter).count() == 1


def test_leaving_a_group(client, supporter, animated_group):
    MembershipFactory(space=animated_group, user=supporter)
    client.force_login(supporter)

    response = client.post(group_url(animated_group, "spaces:leave"), follow=True)

    assert not Membership.objects.filter(space=animated_group, user=supporter).exists()
    assert "You have left Écologie populaire." in response.text


def test_the_last_animator_cannot_leave_a_group_that_has_members(
    client, section_animator, supporter, animated_group
):
    MembershipFactory(space=animated_group, user=supporter)
    client.force_login(section_animator)

    response = client.post(group_url(animated_group, "spaces:leave"))

    assert response.status_code == 409
    assert "Name another animator before leaving: the group needs one." in response.text
    assert Membership.objects.filter(space=animated_group, user=section_animator).exists()


def test_the_last_animator_may_leave_a_group_with_nobody_else(
    client, section_animator, animated_group
):
    client.force_login(section_animator)

    response = client.post(group_url(animated_group, "spaces:leave"))

    assert response.status_code == 302
    assert not Membership.objects.filter(space=animated_group).exists()


def test_a_request_with_a_message_reaches_the_animators(
    client, supporter, section_animator, animated_group, django_capture_on_commit_callbacks
):
    Space.objects.filter(pk=animated_group.pk).update(joining=Space.Joining.REQUEST)
    client.force_login(supporter)
    page = client.get(group_url(animated_group))
    assert "Ask to join" in page.text and "Join the group" not in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            group_url(animated_group, "spaces:request"), {"message": "J'habite à la campagne."}
        )

    join_request = JoinRequest.objects.get(space=animated_group, user=supporter)
    assert response.status_code == 302
    assert join_request.message == "J'habite à la campagne."
    assert Notification.objects.filter(recipient=section_animator, kind=Kind.JOIN_REQUEST).exists()
    waiting = client.get(group_url(animated_group))
    assert "Your request to join is waiting" in waiting.text
    assert "Ask to join" not in waiting.text


def test_asking_twice_says_the_request_is_already_waiting(client, supporter, animated_group):
    Space.objects.filter(pk=animated_group.pk).update(joining=Space.Joining.REQUEST)
    JoinRequestFactory(space=animated_group, user=supporter)
    client.force_login(supporter)

    response = client.post(group_url(animated_group, "spaces:request"), {"message": "Encore"})

    assert response.status_code == 409
    assert "Your request is already waiting for an answer." in response.text
    assert JoinRequest.objects.filter(space=animated_group, user=supporter).count() == 1


def test_a_too_long_request_message_is_refused_and_kept(client, supporter, animated_group):
    Space.objects.filter(pk=animated_group.pk).update(joining=Space.Joining.REQUEST)
    client.force_login(supporter)
    message = "m" * 1001

    response = client.post(group_url(animated_group, "spaces:request"), {"message": message})

    assert response.status_code == 400
    assert "at most 1000 characters" in response.text
    assert message in response.text
    assert not JoinRequest.objects.exists()


def test_asking_to_join_an_open_group_is_refused(client, supporter, animated_group):
    client.force_login(supporter)

    response = client.post(group_url(animated_group, "spaces:request"))

    assert response.status_code == 403
    assert "This group does not take requests to join." in response.text


def test_get_on_an_action_is_not_allowed(client, supporter, animated_group):
    client.force_login(supporter)

    for name in ("spaces:join", "spaces:leave", "spaces:request"):
        assert client.get(group_url(animated_group, name)).status_code == 405


# Requests, members, roles, invitations


def test_an_animator_accepts_and_refuses_requests(
    client, section_animator, animated_group, django_capture_on_commit_callbacks
):
    Space.objects.filter(pk=animated_group.pk).update(joining=Space.Joining.REQUEST)
    welcome = JoinRequestFactory(space=animated_group, message="Je tracte chaque samedi")
    declined = JoinRequestFactory(space=animated_group)
    client.force_login(section_animator)

    listing = client.get(group_url(animated_group, "spaces:requests"))
    assert "Je tracte chaque samedi" in listing.text
    assert "2 requests to join" in client.get(group_url(animated_group)).text

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(
            reverse("spaces:request_decide", args=[animated_group.slug, welcome.pk]),
            {"decision": "accept"},
            follow=True,
        )
    refused = client.post(
        reverse("spaces:request_decide", args=[animated_group.slug, declined.pk]),
        {"decision": "refuse"},
        follow=True,
    )

    assert f"{welcome.user.public_name} is now a member." in accepted.text
    assert "is refused" in refused.text
    assert Membership.objects.filter(space=animated_group, user=welcome.user).exists()
    assert not Membership.objects.filter(space=animated_group, user=declined.user).exists()
    assert Notification.objects.filter(recipient=welcome.user, kind=Kind.REQUEST_ACCEPTED).exists()
    assert "No request is waiting." in refused.text


def test_deciding_a_request_twice_or_without_a_decision_is_a_clear_error(
    client, section_animator, animated_group
):
    join_request = JoinRequestFactory(space=animated_group)
    url = reverse("spaces:request_decide", args=[animated_group.slug, join_request.pk])
    client.force_login(section_animator)

    nothing = client.post(url, {"decision": "maybe"})
    client.post(url, {"decision": "refuse"})
    again = client.post(url, {"decision": "accept"})

    assert nothing.status_code == 400
    assert "Choose to accept or to refuse the request." in nothing.text
    assert again.status_code == 409
    assert "This request has already been answered." in again.text


def test_a_request_of_another_group_is_not_found(client, section_animator, animated_group):
    other = JoinRequestFactory()
    client.force_login(section_animator)

    response = client.post(
        reverse("spaces:request_decide", args=[animated_group.slug, other.pk]),
        {"decision": "accept"},
    )

    assert response.status_code == 404


def test_the_member_list_shows_roles(client, supporter, section_animator, animated_group):
    MembershipFactory(
        space=animated_group, role=Role.MODERATOR, user__first_name="Modeste", user__last_name="Ra"
    )
    MembershipFactory(space=animated_group, user=supporter)
    client.force_login(supporter)

    response = client.get(group_url(animated_group, "spaces:members"))

    assert response.status_code == 200
    assert "Modeste Ra" in response.text and "Moderator" in response.text
    assert section_animator.public_name in response.text and "Animator" in response.text
    assert "Change the role" not in response.text
    assert "Invite someone" not in response.text


def test_members_who_hide_their_profile_are_counted_not_named(client, supporter, animated_group):
    MembershipFactory(
        space=animated_group,
        user__first_name="Discrète",
        user__profile_visibility=ProfileVisibility.STAFF,
    )
    client.force_login(supporter)

    response = client.get(group_url(animated_group, "spaces:members"))

    assert "Discrète" not in response.text
    assert "2 members" in response.text
    assert "Some members keep their profile private." in response.text


def test_an_animator_changes_a_role(client, section_animator, animated_group):
    moderator = MembershipFactory(space=animated_group).user
    client.force_login(section_animator)

    response = client.post(
        reverse("spaces:member_role", args=[animated_group.slug, moderator.pk]),
        {"role": Role.MODERATOR},
        follow=True,
    )

    assert Membership.objects.get(space=animated_group, user=moderator).role == Role.MODERATOR
    assert "is now: moderator" in response.text


def test_the_last_animator_cannot_step_down(client, section_animator, animated_group):
    client.force_login(section_animator)

    response = client.post(
        reverse("spaces:member_role", args=[animated_group.slug, section_animator.pk]),
        {"role": Role.MEMBER},
    )

    assert response.status_code == 409
    assert "A group keeps at least one animator." in response.text
    assert Membership.objects.get(space=animated_group, user=section_animator).role == Role.ANIMATOR


@pytest.mark.parametrize("role", ["", "99", "animator", "-1"])
def test_an_unknown_role_is_refused(client, section_animator, animated_group, role):
    person = MembershipFactory(space=animated_group).user
    client.force_login(section_animator)

    response = client.post(
        reverse("spaces:member_role", args=[animated_group.slug, person.pk]), {"role": role}
    )

    assert response.status_code == 400
    assert "Choose a role among member, moderator and animator." in response.text


def test_changing_the_role_of_a_non_member_is_not_found(client, section_animator, animated_group):
    client.force_login(section_animator)

    response = client.post(
        reverse("spaces:member_role", args=[animated_group.slug, UserFactory().pk]),
        {"role": Role.MEMBER},
    )

    assert response.status_code == 404


def test_an_animator_finds_a_person_by_handle_or_name_and_invites_them(
    client, section_animator, animated_group, charter, django_capture_on_commit_callbacks
):
    Space.objects.filter(pk=animated_group.pk).update(joining=Space.Joining.INVITATION)
    guest = UserFactory(
        first_name="Camille",
        last_name="Durand",
        handle="camille-durand",
        charter_version_accepted=charter.number,
    )
    UserFactory(
        first_name="Camille", last_name="Martin", handle="camille-martin", listed_in_directory=True
    )
    client.force_login(section_animator)
    members_url = group_url(animated_group, "spaces:members")

    by_handle = client.get(members_url, {"q": "@camille-durand"})
    by_name = client.get(members_url, {"q": "camille"})
    assert list(by_handle.context["candidates"]) == [guest]
    # By name, only people listed in the directory: not the unlisted guest.
    assert "Camille Martin" in by_name.text and "Camille Durand" not in by_name.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("spaces:invite", args=[animated_group.slug]),
            {"person": guest.pk, "q": "camille"},
        )

    assert response.status_code == 302
    assert response["Location"] == f"{members_url}?q=camille"
    assert Invitation.objects.filter(space=animated_group, user=guest).exists()
    assert Notification.objects.filter(recipient=guest, kind=Kind.INVITATION).exists()
    assert "Invited" in client.get(members_url, {"q": "@camille-durand"}).text

    client.force_login(guest)
    page = client.get(group_url(animated_group))
    assert "Accept the invitation" in page.text
    client.post(group_url(animated_group, "spaces:join"))
    assert Membership.objects.filter(space=animated_group, user=guest).exists()


def test_the_invitation_search_leaves_out_members_and_hidden_profiles(
    client, section_animator, animated_group
):
    MembershipFactory(space=animated_group, user__first_name="Dominique")
    UserFactory(first_name="Dominique", profile_visibility=ProfileVisibility.STAFF)
    client.force_login(section_animator)

    response = client.get(group_url(animated_group, "spaces:members"), {"q": "dominique"})

    assert list(response.context["candidates"]) == []
    assert "Nobody matches, or they are already members." in response.text


def test_inviting_nobody_or_a_member_is_a_clear_error(
    client, section_animator, supporter, animated_group
):
    MembershipFactory(space=animated_group, user=supporter)
    client.force_login(section_animator)
    url = reverse("spaces:invite", args=[animated_group.slug])

    nobody = client.post(url, {"person": "personne", "q": "zoé"})
    member = client.post(url, {"person": supporter.pk})

    assert nobody.status_code == 400
    assert "Choose a person to invite" in nobody.text
    assert 'value="zoé"' in nobody.text
    assert member.status_code == 409
    assert "This person is already a member." in member.text


def test_a_person_who_left_can_be_invited_again(client, section_animator, supporter):
    group = GroupFactory(joining=Space.Joining.INVITATION)
    MembershipFactory(space=group, user=section_animator, role=Role.ANIMATOR)
    InvitationFactory(space=group, user=supporter, accepted_at=timezone.now())
    client.force_login(section_animator)

    client.post(reverse("spaces:invite", args=[group.slug]), {"person": supporter.pk})

    assert Invitation.objects.get(space=group, user=supporter).accepted_at is None


# The space page and its threads


def test_a_private_group_shows_its_name_and_the_request_form_but_no_threads_or_members(
    client, supporter, section_animator
):
    group = GroupFactory(
        name="Cercle des jeunes élus",
        description="Entre élus de moins de 30 ans.",
        visibility=Space.Visibility.PRIVATE,
        joining=Space.Joining.REQUEST,
    )
    MembershipFactory(space=group, user=section_animator, role=Role.ANIMATOR)
    ThreadFactory(space=group, title="Budget de la commune")
    client.force_login(supporter)

    response = client.get(group_url(group))

    assert response.status_code == 200
    assert "Cercle des jeunes élus" in response.text
    assert "Entre élus de moins de 30 ans." in response.text
    assert "Ask to join" in response.text
    assert "This group is private: its conversations are for its members." in response.text
    assert "Budget de la commune" not in response.text
    assert section_animator.public_name not in response.text


def test_the_thread_list_shows_pinned_threads_first_with_unread_markers(
    client, supporter, animated_group
):
    MembershipFactory(space=animated_group, user=supporter)
    read = ThreadFactory(space=animated_group, title="Fil déjà lu", post_count=4)
    unread = ThreadFactory(space=animated_group, title="Fil non lu")
    pinned = ThreadFactory(space=animated_group, title="Fil épinglé", pinned=True)
    Thread.objects.filter(pk=pinned.pk).update(last_activity_at=timezone.now() - timedelta(days=10))
    ReadStateFactory(thread=read, user=supporter)
    client.force_login(supporter)

    response = client.get(group_url(animated_group))

    threads = list(response.context["threads"])
    assert threads[0] == pinned
    marked = {thread.title for thread in threads if thread.is_unread}
    assert marked == {"Fil non lu", "Fil épinglé"}
    assert response.text.count(">Unread</span>") == 2
    assert "Pinned" in response.text
    assert unread.author.public_name in response.text


def test_anonymous_readers_see_threads_without_unread_markers(client, animated_group):
    ThreadFactory(space=animated_group, title="Ouvert à tous")

    response = client.get(group_url(animated_group))

    assert "Ouvert à tous" in response.text
    assert "Unread" not in response.text
    assert "Log in to join" in response.text


def test_the_thread_list_is_paginated_by_25_and_answers_htmx_with_the_list(client, animated_group):
    ThreadFactory.create_batch(30, space=animated_group)

    first = client.get(group_url(animated_group))
    second = client.get(group_url(animated_group), {"page": 2}, headers={"HX-Request": "true"})

    assert len(first.context["threads"]) == 25
    assert len(second.context["threads"]) == 5
    assert "Page 2 of 2" in second.text
    assert "<html" not in second.text


def test_a_group_address_under_espaces_leads_to_the_group_and_back(client, section, animated_group):
    space = territorial_space_ensure(section)

    assert client.get(reverse("spaces:space", args=[animated_group.slug]))["Location"] == (
        group_url(animated_group)
    )
    assert client.get(reverse("spaces:group", args=[space.slug]))["Location"] == reverse(
        "spaces:space", args=[space.slug]
    )
    assert client.get(reverse("spaces:group", args=["nulle-part"])).status_code == 404


def test_section_and_federation_pages_link_to_their_space(client, section, federation):
    section_page = client.get(reverse("territory:section", args=[section.slug]))
    federation_page = client.get(reverse("territory:federation", args=[federation.code]))

    section_space = Space.objects.get(unit=section)
    federation_space = Space.objects.get(unit=federation)
    assert reverse("spaces:space", args=[section_space.slug]) in section_page.text
    assert reverse("spaces:space", args=[federation_space.slug]) in federation_page.text
    assert section_space.kind == Space.Kind.SECTION
    assert federation_space.kind == Space.Kind.FEDERATION


def test_the_section_space_counts_the_people_of_the_section(
    client, supporter, member, section_animator, section
):
    space = territorial_space_ensure(section)
    client.force_login(member)

    response = client.get(reverse("spaces:space", args=[space.slug]))

    assert "3 members" in response.text
    assert "Your role: member" in response.text


def test_the_image_of_a_group_without_one_is_not_found(client, animated_group):
    assert client.get(group_url(animated_group, "spaces:image")).status_code == 404


# Pinned numbers of queries


def fill_group(group, count, *, reader):
    for _index in range(count):
        member = MembershipFactory(space=group).user
        thread = ThreadFactory(space=group, author=member)
        ReadStateFactory(thread=thread, user=reader)


def test_the_group_page_makes_as_many_queries_for_30_threads_and_members_as_for_3(
    client, supporter, animated_group
):
    MembershipFactory(space=animated_group, user=supporter)
    client.force_login(supporter)
    fill_group(animated_group, 3, reader=supporter)
    few = count_queries(client, group_url(animated_group))
    fill_group(animated_group, 27, reader=supporter)
    many = count_queries(client, group_url(animated_group))
    assert many == few


def test_the_member_list_makes_as_many_queries_for_30_members_as_for_3(
    client, section_animator, animated_group
):
    client.force_login(section_animator)
    fill_group(animated_group, 3, reader=section_animator)
    few = count_queries(client, group_url(animated_group, "spaces:members"), data={"q": "a"})
    fill_group(animated_group, 27, reader=section_animator)
    many = count_queries(client, group_url(animated_group, "spaces:members"), data={"q": "a"})
    assert many == few


def test_the_requests_page_makes_as_many_queries_for_30_requests_as_for_3(
    client, section_animator, animated_group
):
    client.force_login(section_animator)
    JoinRequestFactory.create_batch(3, space=animated_group)
    few = count_queries(client, group_url(animated_group, "spaces:requests"))
    JoinRequestFactory.create_batch(27, space=animated_group)
    many = count_queries(client, group_url(animated_group, "spaces:requests"))
    assert many == few


def test_members_may_start_a_thread_and_visitors_may_not(client, supporter, animated_group):
    visitor = client.get(group_url(animated_group))
    MembershipFactory(space=animated_group, user=supporter)
    client.force_login(supporter)
    member = client.get(group_url(animated_group))

    assert visitor.context["can_start_thread"] is False
    assert member.context["can_start_thread"] is True
    assert ("New thread" in member.text) is bool(
        reverse_or_empty("conversations:thread_create", animated_group.slug)
    )
    assert "New thread" not in visitor.text


def reverse_or_empty(name, *args):
    """The address, or "" while the conversation pages do not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
