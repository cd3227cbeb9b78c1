"""Sections: finding one by commune, postcode or name (page and htmx partial),
joining, leaving and moving, the section page and its members, choosing a
section from the account, and the pinned number of queries of list pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.models import ProfileVisibility
from membrane.accounts.services import profile_update
from tests.factories import SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

SECTIONS_URL = reverse("territory:sections")
CHOOSE_URL = reverse("territory:choose")
LEAVE_URL = reverse("territory:leave")
HTMX = {"HX-Request": "true"}


def section_url(section):
    return reverse("territory:section", args=[section.slug])


def join_url(section):
    return reverse("territory:join", args=[section.slug])


@pytest.fixture
def talence(federation):
    return SectionFactory(
        parent=federation,
        name="Section de Talence",
        commune="Talence",
        postcode="33400",
        slug="talence",
    )


@pytest.fixture
def newcomer(charter):
    """A signed-up supporter attached to no section yet."""
    return UserFactory(display_name="Lou Nouvelle", charter_version_accepted=charter.number)


# Finding a section ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Bègles", ["Section de Bègles"]),  # commune
        ("33130", ["Section de Bègles"]),  # full postcode
        ("3340", ["Section de Talence"]),  # start of a postcode
        ("33", ["Section de Bègles", "Section de Talence"]),  # département
        ("Talence", ["Section de Talence"]),  # name
        ("villeurbanne", ["Section de Villeurbanne"]),  # any case
        ("Gironde", ["Section de Bègles", "Section de Talence"]),  # federation
        ("", ["Section de Bègles", "Section de Talence", "Section de Villeurbanne"]),
        ("Zzyzx-sur-Mer", []),
    ],
)
def test_sections_are_found_by_commune_postcode_or_name(
    client, section, talence, other_section, query, expected
):
    response = client.get(SECTIONS_URL, {"q": query})

    assert response.status_code == 200
    assert [unit.name for unit in response.context["page"]] == expected
    content = response.content.decode()
    assert "<html" in content
    for name in expected:
        assert name in content
    if not expected:
        assert "No section matches" in content


def test_the_search_as_an_htmx_request_returns_only_the_results(client, section, talence):
    response = client.get(SECTIONS_URL, {"q": "Talence"}, headers=HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="results"')
    assert "<html" not in content and "<form" not in content
    assert "Section de Talence" in content
    assert "Section de Bègles" not in content


def test_the_section_picker_suggests_sections_as_radio_choices(client, section, talence):
    response = client.get(SECTIONS_URL, {"picker": "1", "section_query": "33"}, headers=HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert f'name="section" value="{section.pk}"' in content
    assert f'name="section" value="{talence.pk}"' in content


def test_a_search_counts_only_active_people(client, section, member, supporter):
    UserFactory(section=section, is_active=False)

    response = client.get(SECTIONS_URL, {"q": "Bègles"})

    (unit,) = response.context["page"]
    assert unit.member_count == 2


# Joining, leaving, moving ----------------------------------------------------------------


def test_a_person_joins_a_section_and_appears_on_its_page(client, newcomer, section):
    client.force_login(newcomer)

    response = client.post(join_url(section))

    assert response.status_code == 302
    assert response.url == section_url(section)
    newcomer.refresh_from_db()
    assert newcomer.section == section
    page = client.get(section_url(section))
    assert newcomer in page.context["members"]
    assert "Lou Nouvelle" in page.content.decode()
    assert page.context["is_member"]


def test_a_person_moves_to_another_section(client, supporter, section, other_section):
    client.force_login(supporter)

    client.post(join_url(other_section))

    supporter.refresh_from_db()
    assert supporter.section == other_section
    assert supporter not in client.get(section_url(section)).context["members"]
    assert supporter in client.get(section_url(other_section)).context["members"]


def test_a_person_leaves_their_section(client, supporter, section):
    client.force_login(supporter)

    response = client.post(LEAVE_URL)

    assert response.status_code == 302
    supporter.refresh_from_db()
    assert supporter.section is None
    assert supporter not in client.get(section_url(section)).context["members"]


def test_joining_and_leaving_are_posted_never_got(client, newcomer, supporter, section):
    client.force_login(newcomer)
    assert client.get(join_url(section)).status_code == 405
    newcomer.refresh_from_db()
    assert newcomer.section is None

    client.force_login(supporter)
    assert client.get(LEAVE_URL).status_code == 405
    supporter.refresh_from_db()
    assert supporter.section == section


def test_joining_needs_a_sign_in(client, section):
    response = client.post(join_url(section))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_federation_is_not_a_section_to_join(client, newcomer, federation):
    client.force_login(newcomer)

    response = client.post(reverse("territory:join", args=[federation.slug]))

    assert response.status_code == 404
    newcomer.refresh_from_db()
    assert newcomer.section is None


# The section page ----------------------------------------------------------------------


def test_hidden_profiles_are_counted_but_not_listed(client, section, supporter, member):
    hidden = UserFactory(
        section=section,
        display_name="Dominique Discrète",
        profile_visibility="staff",
        listed_in_directory=True,
    )
    profile_update(user=supporter, listed_in_directory=True)
    client.force_login(member)

    response = client.get(section_url(section))

    assert response.context["member_total"] == 3
    assert response.context["hidden_count"] == 1
    assert hidden not in response.context["members"]
    content = response.content.decode()
    assert "Dominique Discrète" not in content
    assert reverse("accounts:profile", args=[hidden.pk]) not in content
    assert "and 1 person who is not listed in the directory" in content


def test_an_anonymous_visitor_sees_no_member_list(client, section, supporter, member):
    """The member list is part of the directory, for signed-in people only:
    even a public, listed profile is not in it for an anonymous visitor."""
    UserFactory(
        section=section,
        display_name="Alex Publique",
        profile_visibility=ProfileVisibility.PUBLIC,
        listed_in_directory=True,
    )

    response = client.get(section_url(section))

    assert list(response.context["members"]) == []
    assert response.context["hidden_count"] == 3
    assert "Alex Publique" not in response.content.decode()
    assert "and 3 people who are not listed in the directory" in response.content.decode()


def test_the_section_page_shows_its_animators(client, section, section_animator):
    response = client.get(section_url(section))

    assert [animator.user for animator in response.context["animators"]] == [section_animator]


def test_an_unknown_section_is_not_found(client, db):
    assert client.get(reverse("territory:section", args=["nulle-part"])).status_code == 404


# Choosing a section from the account --------------------------------------------------


def test_the_choice_page_needs_a_sign_in(client, section):
    response = client.get(CHOOSE_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_choice_page_shows_the_search(client, newcomer):
    client.force_login(newcomer)

    response = client.get(CHOOSE_URL)

    assert response.status_code == 200
    assert 'name="section_query"' in response.content.decode()


@pytest.mark.parametrize("query", ["33130", "Bègles", "Section de Bègles"])
def test_a_single_match_is_joined_at_once(client, newcomer, section, talence, query):
    client.force_login(newcomer)

    response = client.post(CHOOSE_URL, {"section_query": query})

    assert response.status_code == 302
    assert response.url == section_url(section)
    newcomer.refresh_from_db()
    assert newcomer.section == section


def test_several_matches_are_offered_as_radio_choices_then_one_is_joined(
    client, newcomer, section, talence
):
    client.force_login(newcomer)

    response = client.post(CHOOSE_URL, {"section_query": "Gironde"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Several sections match" in content
    assert f'type="radio" name="section" value="{section.pk}"' in content
    assert f'type="radio" name="section" value="{talence.pk}"' in content
    assert 'value="Gironde"' in content  # what was typed stays
    newcomer.refresh_from_db()
    assert newcomer.section is None

    response = client.post(CHOOSE_URL, {"section_query": "Gironde", "section": talence.pk})

    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.section == talence


def test_an_unknown_place_gets_a_message(client, newcomer, section):
    client.force_login(newcomer)

    response = client.post(CHOOSE_URL, {"section_query": "Zzyzx-sur-Mer"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "No section matches" in content
    assert 'value="Zzyzx-sur-Mer"' in content
    newcomer.refresh_from_db()
    assert newcomer.section is None


@pytest.mark.parametrize("forged", ["999999", "abc", "-1", "federation"])
def test_a_forged_section_id_gets_a_message(client, newcomer, section, federation, forged):
    client.force_login(newcomer)
    section_id = str(federation.pk) if forged == "federation" else forged

    response = client.post(CHOOSE_URL, {"section_query": "Bègles", "section": section_id})

    assert response.status_code == 400
    assert "This section does not exist" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.section is None


def test_an_empty_choice_gets_a_message(client, newcomer, section):
    client.force_login(newcomer)

    response = client.post(CHOOSE_URL, {"section_query": ""})

    assert response.status_code == 400
    assert "Type a commune, a postcode or a name" in response.content.decode()


# Pinned numbers of queries ---------------------------------------------------------------


def count_queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(context.captured_queries)


def add_people(section, count, *, start):
    for index in range(start, start + count):
        visibility = [ProfileVisibility.PUBLIC, ProfileVisibility.SIGNED_IN, "staff"][index % 3]
        person = UserFactory(
            section=section,
            profile_visibility=visibility,
            membership_verified_at=None if index % 2 else timezone.now(),
        )
        if index % 4 == 0:
            person.photo = f"photos/{index}.jpg"
            person.save(update_fields=["photo"])


@pytest.mark.parametrize("viewer", ["anonymous", "member", "staff"])
def test_the_section_page_runs_as_many_queries_for_30_members_as_for_3(
    request, client, section, section_animator, viewer
):
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))
    add_people(section, 2, start=0)  # with the animator: 3 people
    client.get(section_url(section))  # warm the caches

    with_3 = count_queries(client, section_url(section))
    add_people(section, 27, start=2)
    with_30 = count_queries(client, section_url(section))

    assert section.people.count() == 30 + (1 if viewer == "member" else 0)
    assert with_30 == with_3


@pytest.mark.parametrize("query", ["", "Commune", "1"])
def test_the_section_list_runs_as_many_queries_for_30_sections_as_for_3(
    client, federation, member, query
):
    client.force_login(member)
    for _ in range(3):
        add_people(SectionFactory(parent=federation), 2, start=0)
    client.get(SECTIONS_URL)  # warm the caches

    with_3 = count_queries(client, SECTIONS_URL, data={"q": query})
    for _ in range(27):
        add_people(SectionFactory(parent=federation), 2, start=0)
    with_30 = count_queries(client, SECTIONS_URL, data={"q": query})
    htmx_with_30 = count_queries(client, SECTIONS_URL, data={"q": query}, headers=HTMX)

    assert with_30 == with_3
    assert htmx_with_30 <= with_30


@pytest.mark.parametrize("query", ["Begles", "BÈGLES", "bègles", "begles 33130", "Gironde"])
def test_section_search_ignores_accents_and_case(query, section):
    from membrane.territory.selectors import section_search

    assert list(section_search(query)) == [section]
