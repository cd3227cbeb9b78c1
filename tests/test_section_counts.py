"""The stored counts of a section's people (Unit.member_count and
listed_member_count): right after every write that changes them, recounted
from scratch, and what the section page shows from them without counting."""

from datetime import UTC, datetime
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps as registry
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.test import RequestFactory
from django.urls import reverse

from membrane.accounts.models import ProfileVisibility, User
from membrane.accounts.services import (
    account_delete,
    membership_claim,
    membership_verify,
    profile_update,
    signup_complete,
)
from membrane.moderation.models import Action
from membrane.moderation.services import decide
from membrane.perf.dataset.run import generate
from membrane.spaces.models import Space
from membrane.spaces.selectors import space_member_count
from membrane.spaces.services import territorial_space_ensure
from membrane.territory.models import Unit
from membrane.territory.selectors import section_members
from membrane.territory.services import section_counts_recount, section_join, section_leave
from tests.factories import SectionFactory, UserFactory
from tests.moderation_factories import REASON, reply_in
from tests.spaces_factories import GroupFactory

pytestmark = pytest.mark.django_db


def stored(section: Unit) -> tuple[int, int]:
    unit = Unit.objects.get(pk=section.pk)
    return unit.member_count, unit.listed_member_count


def counted(section: Unit) -> tuple[int, int]:
    """The same two numbers, counted the long way."""
    people = User.objects.filter(section=section, is_active=True, erased_at=None)
    listed = people.filter(
        Q(profile_visibility=ProfileVisibility.PUBLIC)
        | Q(profile_visibility=ProfileVisibility.SIGNED_IN),
        listed_in_directory=True,
    )
    return people.count(), listed.count()


def assert_counts_hold() -> None:
    for section in Unit.objects.sections():
        assert stored(section) == counted(section), section.name


@pytest.fixture
def listed(section, charter):
    return UserFactory(
        section=section, listed_in_directory=True, charter_version_accepted=charter.number
    )


# Every write path ----------------------------------------------------------------------


def test_joining_moving_and_leaving_move_the_counts(section, other_section, supporter, listed):
    assert stored(section) == (2, 1)

    section_join(user=listed, section=other_section)
    assert stored(section) == (1, 0)
    assert stored(other_section) == (1, 1)

    section_join(user=listed, section=other_section)  # already there
    assert stored(other_section) == (1, 1)

    section_leave(user=supporter)
    section_leave(user=supporter)  # already left
    assert stored(section) == (0, 0)
    assert_counts_hold()


def test_a_person_joining_from_a_stale_copy_is_counted_once(section, other_section, supporter):
    """The counts follow the row in the database, not the copy in hand."""
    stale = User.objects.get(pk=supporter.pk)
    section_join(user=supporter, section=other_section)

    section_join(user=stale, section=other_section)

    assert stored(section) == (0, 0)
    assert stored(other_section) == (1, 0)


def test_a_sign_up_with_a_section_is_counted(section):
    person = User.objects.create_user(email="nouvelle@example.org", password="x")

    signup_complete(
        user=person,
        first_name="Nina",
        last_name="Nouvelle",
        language="fr",
        section=section,
        claims_membership=False,
        membership_number="",
    )

    assert stored(section) == (1, 0)
    assert_counts_hold()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"listed_in_directory": True}, (1, 1)),
        ({"listed_in_directory": True, "profile_visibility": ProfileVisibility.STAFF}, (1, 0)),
        ({"listed_in_directory": True, "profile_visibility": ProfileVisibility.PUBLIC}, (1, 1)),
        ({"bio": "Militante associative."}, (1, 0)),
    ],
)
def test_a_profile_edit_moves_the_person_in_or_out_of_the_directory_count(
    section, supporter, changes, expected
):
    profile_update(user=supporter, **changes)

    assert stored(section) == expected
    assert_counts_hold()


def test_hiding_a_listed_profile_takes_it_out_of_the_directory_count(section, listed):
    profile_update(user=listed, profile_visibility=ProfileVisibility.STAFF)
    assert stored(section) == (1, 0)
    profile_update(user=listed, listed_in_directory=False, profile_visibility="signed_in")
    assert stored(section) == (1, 0)
    profile_update(user=listed, listed_in_directory=True)
    assert stored(section) == (1, 1)


def test_a_membership_claim_or_verification_changes_no_count(section, supporter, staff):
    membership_claim(user=supporter, membership_number="A1")
    membership_verify(person=supporter, verified_by=staff)

    assert stored(section) == (1, 0)


def test_a_banned_person_leaves_the_count(section, listed, staff):
    reply = reply_in(GroupFactory(), author=listed)

    decide(moderator=staff, content=reply, action=Action.BAN, article=1, reason=REASON)

    assert stored(section) == (0, 0)
    assert_counts_hold()


@pytest.mark.parametrize("keep_contributions", [True, False])
def test_a_deleted_account_leaves_the_count(section, supporter, listed, keep_contributions):
    account_delete(user=listed, keep_contributions=keep_contributions)

    assert stored(section) == (1, 0)
    assert_counts_hold()


def test_the_admin_keeps_the_counts(section, other_section, supporter, listed, staff):
    user_admin = admin.site._registry[User]
    request = RequestFactory().post("/")
    request.user = staff

    listed.section = other_section
    user_admin.save_model(request, listed, form=None, change=True)
    assert stored(section) == (1, 0)
    assert stored(other_section) == (1, 1)

    supporter.is_active = False
    user_admin.save_model(request, supporter, form=None, change=True)
    assert stored(section) == (0, 0)

    user_admin.delete_model(request, listed)
    assert stored(other_section) == (0, 0)

    UserFactory.create_batch(2, section=section)
    user_admin.delete_queryset(request, User.objects.filter(section=section))
    assert stored(section) == (0, 0)
    assert_counts_hold()


def test_the_recount_counts_from_scratch(section, other_section, supporter, listed):
    UserFactory(section=section, is_active=False)
    UserFactory(section=other_section, listed_in_directory=True, profile_visibility="staff")
    Unit.objects.update(member_count=99, listed_member_count=42)

    assert section_counts_recount() == Unit.objects.sections().count()

    assert stored(section) == (2, 1)
    assert stored(other_section) == (1, 0)
    assert_counts_hold()


def test_the_recount_of_some_sections_leaves_the_others(section, other_section, supporter):
    Unit.objects.update(member_count=7)

    section_counts_recount(units=Unit.objects.filter(pk=section.pk))

    assert stored(section)[0] == 1
    assert stored(other_section)[0] == 7
    # Federations and the national unit are no section: never counted.
    assert Unit.objects.federations().get(pk=section.parent_id).member_count == 7


def test_the_migration_fills_the_counts_as_the_recount_does(section, supporter, listed):
    backfill = import_module("membrane.territory.migrations.0003_unit_member_counts").backfill
    Unit.objects.update(member_count=0, listed_member_count=0)

    backfill(registry, None)

    assert stored(section) == (2, 1)


# The section page ------------------------------------------------------------------------


@pytest.fixture
def crowd(section, supporter, listed):
    """Five people: two listed (one of them with a profile for staff only,
    so not listed), a supporter, one inactive (not counted), the member."""
    UserFactory(section=section, listed_in_directory=True, display_name="Camille Listée")
    UserFactory(section=section, listed_in_directory=True, profile_visibility="staff")
    UserFactory(section=section, is_active=False)
    return section


@pytest.mark.parametrize(
    ("who", "shown", "total"),
    [
        ("anonymous", 0, 4),
        ("outsider", 2, 4),  # the two listed people
        ("supporter", 3, 4),  # and themself, not listed
        ("listed", 2, 4),  # themself among the listed
        ("staff", 4, 4),
        ("section_animator", 4, 5),  # every profile not kept for staff (themself too)
    ],
)
def test_the_section_page_counts_what_the_viewer_sees_without_counting_people(
    request, client, crowd, who, shown, total
):
    if who == "outsider":
        viewer = UserFactory(charter_version_accepted=request.getfixturevalue("charter").number)
    elif who == "anonymous":
        viewer = AnonymousUser()
    else:
        viewer = request.getfixturevalue(who)
    if viewer.is_authenticated:
        client.force_login(viewer)

    response = client.get(reverse("territory:section", args=[crowd.slug]))

    page = response.context["members"]
    assert page.paginator.count == shown == len(page.object_list)
    assert response.context["member_total"] == total
    assert response.context["hidden_count"] == total - shown
    members, count = section_members(section=Unit.objects.get(pk=crowd.pk), viewer=viewer)
    assert count == members.count()


def test_the_list_of_sections_shows_the_stored_counts(client, section, supporter, listed):
    other = SectionFactory(parent=section.parent, name="Section de Cenon")
    UserFactory(section=other)

    response = client.get(reverse("territory:sections"), {"q": "Gironde"})

    assert {unit.name: unit.member_count for unit in response.context["page"]} == {
        "Section de Bègles": 2,
        "Section de Cenon": 1,
    }


def test_the_dataset_generator_writes_right_counts():
    generate(scale="tiny", seed=3, now=datetime(2026, 11, 1, tzinfo=UTC), stream=StringIO())

    assert Unit.objects.sections().filter(member_count__gt=0).exists()
    assert_counts_hold()


def test_a_space_counts_its_people_from_the_stored_counts(federation, section, charter):
    other, empty = SectionFactory(parent=federation), SectionFactory(parent=federation)
    UserFactory.create_batch(3, section=section)
    UserFactory(section=other)
    UserFactory(section=other, is_active=False)
    section_counts_recount()

    def count(unit: Unit) -> int:
        space = Space.objects.select_related("unit").get(pk=territorial_space_ensure(unit).pk)
        return space_member_count(space)

    assert (count(section), count(other), count(empty), count(federation)) == (3, 1, 0, 4)
