"""Privacy by default: a new person's profile is for signed-in people only,
they are in no directory until they opt in (people search, section member
list, mention suggestions), and withdrawing the political opinion consent is
one button on the account page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from membrane.accounts.models import PoliticalOpinionConsent, ProfileVisibility, User
from membrane.accounts.selectors import people_listed_to
from membrane.accounts.services import consent_record
from membrane.conversations.models import Post
from membrane.conversations.search import search
from membrane.conversations.selectors import mention_suggestions
from membrane.conversations.services import thread_create
from membrane.spaces.services import group_create
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WITHDRAW_URL = reverse("accounts:consent_withdraw")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies.load({"django_language": "en"})


def sign_in(client, user):
    """Signed in, and the password confirmed again just now (allauth's
    re-authentication, asked before steps that cannot be undone)."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302


# Defaults ------------------------------------------------------------------------------


def test_a_new_account_is_seen_by_signed_in_people_only_and_listed_nowhere(db):
    person = User.objects.create_user("nouvelle@example.org", "x" * 12)

    assert person.profile_visibility == ProfileVisibility.SIGNED_IN
    assert person.listed_in_directory is False
    assert person.retention_warned_at is None


def test_a_visitor_sees_neither_a_new_profile_nor_the_section_members(client, section):
    person = UserFactory(section=section, display_name="Nina Nouvelle")

    profile = client.get(reverse("accounts:profile", args=[person.pk]))
    section_page = client.get(reverse("territory:section", args=[section.slug]))

    assert profile.status_code == 404
    assert "Nina Nouvelle" not in section_page.content.decode()
    assert section_page.context["member_total"] == 1


# The directory -------------------------------------------------------------------------


def test_the_directory_lists_only_people_who_opted_in(supporter, section):
    listed = UserFactory(section=section, listed_in_directory=True)
    unlisted = UserFactory(section=section)

    people = set(people_listed_to(supporter))

    assert listed in people and supporter in people  # oneself is always there
    assert unlisted not in people


def test_the_directory_is_empty_for_visitors_and_complete_for_staff(staff, section):
    listed = UserFactory(
        section=section, listed_in_directory=True, profile_visibility=ProfileVisibility.PUBLIC
    )
    unlisted = UserFactory(section=section)

    assert list(people_listed_to(AnonymousUser())) == []
    assert {listed, unlisted} <= set(people_listed_to(staff))


def test_people_search_and_mention_suggestions_leave_out_the_unlisted(supporter):
    UserFactory(
        first_name="Ondine", last_name="Listée", handle="ondine-l", listed_in_directory=True
    )
    UserFactory(first_name="Ondine", last_name="Discrète", handle="ondine-d")

    found = search(viewer=supporter, query="ondine", kinds=("people",))["people"]
    suggested = mention_suggestions(viewer=supporter, query="ondine")

    assert [person.handle for person in found] == ["ondine-l"]
    assert [person.handle for person in suggested] == ["ondine-l"]


def test_an_unlisted_person_can_still_be_mentioned_by_handle(supporter, member):
    unlisted = UserFactory(handle="ondine-d")
    group = group_create(creator=member, name="Services publics")

    thread = thread_create(author=member, space=group, title="Salut", body="Bonjour @ondine-d")

    assert thread.posts.get().mentions.filter(user=unlisted).exists()


def test_the_section_animators_see_every_member_for_their_work(
    client, section, section_animator, settings
):
    settings.MFA_REQUIRED_FOR_MODERATORS = False
    unlisted = UserFactory(section=section, display_name="Ulysse Discret")
    client.force_login(section_animator)

    response = client.get(reverse("territory:section", args=[section.slug]))

    assert unlisted in response.context["members"]


def test_a_person_opts_in_to_the_directory_from_their_profile(client, supporter, member):
    client.force_login(supporter)
    form = client.get(reverse("accounts:profile_edit")).content.decode()
    assert 'name="listed_in_directory"' in form

    client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "",
            "bio": "",
            "commune": "",
            "profile_visibility": ProfileVisibility.SIGNED_IN,
            "listed_in_directory": "on",
            "language": "en",
        },
    )

    supporter.refresh_from_db()
    assert supporter.listed_in_directory is True
    assert supporter in people_listed_to(member)


# Consent withdrawal --------------------------------------------------------------------


def test_the_account_page_offers_to_withdraw_the_consent_and_says_what_follows(client, supporter):
    client.force_login(supporter)

    content = client.get(reverse("accounts:home")).content.decode()

    assert WITHDRAW_URL in content
    assert "your account is closed and your personal data erased" in content


def test_the_withdrawal_page_shows_the_consent_given_and_its_consequences(client, supporter):
    consent_record(user=supporter)
    sign_in(client, supporter)

    response = client.get(WITHDRAW_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "I explicitly consent" in content
    assert "your account is closed at once" in content
    assert "signed “former member”" in content
    assert reverse("accounts:delete") in content


def test_withdrawing_the_consent_is_one_button_and_erases_the_account(client, supporter, member):
    consent_record(user=supporter)
    group = group_create(creator=member, name="Services publics")
    thread = thread_create(author=supporter, space=group, title="Mon fil", body="Mon avis")
    sign_in(client, supporter)

    response = client.post(WITHDRAW_URL)

    assert response.status_code == 302
    supporter.refresh_from_db()
    assert supporter.erased_at is not None and not supporter.is_active
    assert supporter.public_name == "former member"
    assert not PoliticalOpinionConsent.objects.filter(user=supporter).exists()
    # The contribution stays, no longer anyone's.
    assert Post.objects.get(thread=thread).author_id == supporter.pk
    assert client.get(reverse("accounts:home")).status_code == 302


def test_the_password_is_confirmed_before_withdrawing(client, supporter):
    client.force_login(supporter)

    response = client.post(WITHDRAW_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    supporter.refresh_from_db()
    assert supporter.erased_at is None


def test_visitors_cannot_reach_the_withdrawal_page(client):
    response = client.get(WITHDRAW_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
