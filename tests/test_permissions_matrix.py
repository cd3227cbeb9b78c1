"""The permission matrix of accounts: who sees a profile, and who verifies a
membership, for every persona. Each table reads one persona per line; the
predicate and the pages it guards are checked against the same table."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.models import ProfileVisibility
from membrane.accounts.permissions import can_verify_membership, can_view_profile
from tests.factories import AnimatorFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC, SIGNED_IN, STAFF = (
    ProfileVisibility.PUBLIC,
    ProfileVisibility.SIGNED_IN,
    ProfileVisibility.STAFF,
)


def persona(request, name, *, person=None):
    """The user behind a persona's name; "self" is the person looked at."""
    if name == "anonymous":
        return AnonymousUser()
    if name == "self":
        return person
    return request.getfixturevalue(name)


def client_as(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


# (a) Who sees a profile ----------------------------------------------------------

# fmt: off
PROFILE_VISIBILITY = {
    # viewer                public  signed_in  staff
    "anonymous":           (True,   False,     False),
    "supporter":           (True,   True,      False),
    "member_to_verify":    (True,   True,      False),
    "member":              (True,   True,      False),
    "section_animator":    (True,   True,      False),
    "federation_animator": (True,   True,      False),
    "outsider_animator":   (True,   True,      False),
    "staff":               (True,   True,      True),
    "self":                (True,   True,      True),
}
# fmt: on
PROFILE_CASES = [
    pytest.param(viewer, visibility, expected, id=f"{viewer}-{visibility}")
    for viewer, row in PROFILE_VISIBILITY.items()
    for visibility, expected in zip((PUBLIC, SIGNED_IN, STAFF), row, strict=True)
]


@pytest.fixture
def person_with(section, charter):
    """A person of the section, with the profile visibility asked for."""

    def make(visibility, *, listed=False):
        return UserFactory(
            section=section,
            profile_visibility=visibility,
            listed_in_directory=listed,
            display_name="Personne Regardée",
            charter_version_accepted=charter.number,
        )

    return make


@pytest.mark.parametrize(("viewer", "visibility", "expected"), PROFILE_CASES)
def test_can_view_profile(request, person_with, viewer, visibility, expected):
    person = person_with(visibility)

    assert can_view_profile(persona(request, viewer, person=person), person) is expected


@pytest.mark.parametrize(("viewer", "visibility", "expected"), PROFILE_CASES)
def test_the_profile_page_is_shown_or_is_not_found(
    request, client, person_with, viewer, visibility, expected
):
    """A hidden profile answers 404, as a profile that does not exist."""
    person = person_with(visibility)
    client_as(client, persona(request, viewer, person=person))

    response = client.get(reverse("accounts:profile", args=[person.pk]))

    assert response.status_code == (200 if expected else 404)
    assert ("Personne Regardée" in response.content.decode()) is expected


# The section's member list is part of the directory: signed-in viewers see
# the people listed in it whose profile they may see; the section's animators
# (and those above) and staff see every member whose profile they may see.
# fmt: off
SECTION_LIST = {
    # viewer                listed: public  signed_in  staff   unlisted: public  signed_in  staff
    "anonymous":           ((False,  False,     False),  (False,  False,     False)),
    "supporter":           ((True,   True,      False),  (False,  False,     False)),
    "member_to_verify":    ((True,   True,      False),  (False,  False,     False)),
    "member":              ((True,   True,      False),  (False,  False,     False)),
    "section_animator":    ((True,   True,      False),  (True,   True,      False)),
    "federation_animator": ((True,   True,      False),  (True,   True,      False)),
    "outsider_animator":   ((True,   True,      False),  (False,  False,     False)),
    "staff":               ((True,   True,      True),   (True,   True,      True)),
    "self":                ((True,   True,      True),   (True,   True,      True)),
}
# fmt: on
SECTION_LIST_CASES = [
    pytest.param(
        viewer,
        visibility,
        listed,
        expected,
        id=f"{viewer}-{visibility}-{'listed' if listed else 'unlisted'}",
    )
    for viewer, rows in SECTION_LIST.items()
    for listed, row in zip((True, False), rows, strict=True)
    for visibility, expected in zip((PUBLIC, SIGNED_IN, STAFF), row, strict=True)
]


@pytest.mark.parametrize(("viewer", "visibility", "listed", "expected"), SECTION_LIST_CASES)
def test_the_section_page_lists_a_profile_only_where_it_may_be_seen(
    request, client, section, person_with, viewer, visibility, listed, expected
):
    person = person_with(visibility, listed=listed)
    client_as(client, persona(request, viewer, person=person))

    response = client.get(reverse("territory:section", args=[section.slug]))

    assert response.status_code == 200
    content = response.content.decode()
    assert ("Personne Regardée" in content) is expected
    assert (reverse("accounts:profile", args=[person.pk]) in content) is expected
    assert (person in response.context["members"]) is expected
    # Hidden or not, the person counts among the section's people.
    assert response.context["member_total"] == section.people.filter(is_active=True).count()


# fmt: off
DEACTIVATED_PROFILE = {
    # viewer                sees a deactivated or erased profile
    "anonymous":           False,
    "supporter":           False,
    "member":              False,
    "section_animator":    False,
    "federation_animator": False,
    "staff":               True,
}
# fmt: on


@pytest.mark.parametrize(("viewer", "expected"), DEACTIVATED_PROFILE.items())
@pytest.mark.parametrize("state", ["deactivated", "erased"])
def test_a_deactivated_or_erased_profile_is_seen_by_staff_only(
    request, client, section, viewer, expected, state
):
    person = UserFactory(section=section, profile_visibility=PUBLIC)
    if state == "deactivated":
        person.is_active = False
    else:
        person.erased_at = timezone.now()
    person.save()
    user = persona(request, viewer)

    assert can_view_profile(user, person) is expected
    response = client_as(client, user).get(reverse("accounts:profile", args=[person.pk]))
    assert response.status_code == (200 if expected else 404)


def test_a_profile_that_does_not_exist_is_not_found(client, staff):
    client.force_login(staff)

    assert client.get(reverse("accounts:profile", args=[999_999])).status_code == 404


# (b) Who verifies a membership ----------------------------------------------------

# fmt: off
VERIFY_MEMBERSHIP = {
    # actor                 may verify  answer to POST /adhesions/<id>/verifier/
    "anonymous":           (False,      "login"),
    "supporter":           (False,      "forbidden"),
    "member_to_verify":    (False,      "forbidden"),  # nobody verifies their own
    "member":              (False,      "forbidden"),
    "section_animator":    (True,       "verified"),
    "federation_animator": (True,       "verified"),  # rights flow down the tree
    "outsider_animator":   (False,      "forbidden"),  # another federation's section
    "staff":               (True,       "verified"),
}
# fmt: on
VERIFY_CASES = [pytest.param(actor, *row, id=actor) for actor, row in VERIFY_MEMBERSHIP.items()]


@pytest.mark.parametrize(("actor", "expected", "answer"), VERIFY_CASES)
def test_can_verify_membership(request, member_to_verify, actor, expected, answer):
    assert can_verify_membership(persona(request, actor), member_to_verify) is expected


@pytest.mark.parametrize(("actor", "expected", "answer"), VERIFY_CASES)
def test_posting_a_verification(request, client, member_to_verify, actor, expected, answer):
    user = persona(request, actor)
    client_as(client, user)
    url = reverse("accounts:membership_verify", args=[member_to_verify.pk])

    response = client.post(url)

    member_to_verify.refresh_from_db()
    assert member_to_verify.is_verified_member is expected
    if answer == "verified":
        assert response.status_code == 302
        assert response.url == reverse("accounts:membership_queue")
        assert member_to_verify.membership_verified_by == user
    elif answer == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 403


def test_nobody_verifies_a_membership_that_was_not_claimed(client, supporter, section_animator):
    assert not can_verify_membership(section_animator, supporter)

    client.force_login(section_animator)
    response = client.post(reverse("accounts:membership_verify", args=[supporter.pk]))

    assert response.status_code == 403
    supporter.refresh_from_db()
    assert not supporter.is_verified_member


def test_a_verification_is_posted_never_got(client, member_to_verify, section_animator):
    client.force_login(section_animator)

    response = client.get(reverse("accounts:membership_verify", args=[member_to_verify.pk]))

    assert response.status_code == 405
    member_to_verify.refresh_from_db()
    assert not member_to_verify.is_verified_member


@pytest.fixture
def other_claimant(other_section):
    """A member to verify in the other federation's section."""
    return UserFactory(section=other_section, membership_claimed=True, membership_number="V-69")


# fmt: off
MEMBERSHIP_QUEUE = {
    # who                   answer       lists member_to_verify  lists other_claimant
    "anonymous":           ("login",     False,                  False),
    "supporter":           ("forbidden", False,                  False),
    "member_to_verify":    ("forbidden", False,                  False),
    "member":              ("forbidden", False,                  False),
    "section_animator":    ("shown",     True,                   False),
    "federation_animator": ("shown",     True,                   False),
    "outsider_animator":   ("shown",     False,                  True),
    "staff":               ("shown",     True,                   True),
}
# fmt: on


@pytest.mark.parametrize(
    ("who", "answer", "sees_here", "sees_there"),
    [pytest.param(who, *row, id=who) for who, row in MEMBERSHIP_QUEUE.items()],
)
def test_the_membership_queue(
    request, client, member_to_verify, other_claimant, who, answer, sees_here, sees_there
):
    client_as(client, persona(request, who))

    response = client.get(reverse("accounts:membership_queue"))

    if answer == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        return
    if answer == "forbidden":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    listed = set(response.context["claims"])
    assert (member_to_verify in listed) is sees_here
    assert (other_claimant in listed) is sees_there
    content = response.content.decode()
    here = reverse("accounts:membership_verify", args=[member_to_verify.pk])
    there = reverse("accounts:membership_verify", args=[other_claimant.pk])
    assert (here in content) is sees_here
    assert (there in content) is sees_there


def test_the_queue_leaves_out_verified_members_and_the_animator_themselves(
    client, member, section, charter
):
    animator_claiming = UserFactory(
        section=section, membership_claimed=True, charter_version_accepted=charter.number
    )
    AnimatorFactory(unit=section, user=animator_claiming)
    client.force_login(animator_claiming)

    response = client.get(reverse("accounts:membership_queue"))

    assert response.status_code == 200
    assert list(response.context["claims"]) == []
