"""Search: threads, posts, groups and sections, people — honouring every
visibility rule, ignoring accents and case, French stemming on PostgreSQL,
a working word-by-word fallback on SQLite."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membrane.accounts.models import ProfileVisibility
from membrane.conversations.search import InvalidQuery, clean_query, search
from membrane.conversations.services import post_create, post_delete, thread_create
from membrane.moderation.models import SpacePolicy
from membrane.spaces.models import Space
from membrane.spaces.services import group_create, group_join, territorial_space_ensure
from tests.factories import UserFactory

SEARCH_URL = "/recherche/"

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="French stemming needs PostgreSQL"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")


@pytest.fixture
def section_space(section):
    return territorial_space_ensure(section)


@pytest.fixture
def other_section_space(other_section):
    return territorial_space_ensure(other_section)


@pytest.fixture
def public_group(member):
    return group_create(
        creator=member,
        name="Droit de vote des étrangers",
        description="Pour le droit de vote des étrangers résidents aux élections locales",
    )


@pytest.fixture
def private_group(member):
    return group_create(
        creator=member,
        name="Cercle des trésoriers",
        description="Les comptes de la fédération",
        visibility=Space.Visibility.PRIVATE,
    )


def found(viewer, query, kind):
    results = search(viewer=viewer, query=query, kinds=(kind,))
    return list(results[kind]) if results else []


def titles(threads):
    return {thread.title for thread in threads}


# Each kind of result -----------------------------------------------------------------------


def test_threads_are_found_by_their_title(supporter, member, public_group):
    thread_create(author=member, space=public_group, title="Pétition en ligne", body="Signez")
    thread_create(author=member, space=public_group, title="Réunion publique", body="Mardi")

    assert titles(found(supporter, "pétition", "threads")) == {"Pétition en ligne"}


def test_posts_are_found_by_their_text(supporter, member, public_group):
    thread = thread_create(author=member, space=public_group, title="Agenda", body="Mardi soir")
    reply = post_create(author=member, thread=thread, body="Rendez-vous devant la mairie")

    assert found(supporter, "mairie", "posts") == [reply]


def test_groups_are_found_by_name_or_description(supporter, public_group):
    assert found(supporter, "étrangers", "groups") == [public_group]
    assert found(supporter, "résidents locales", "groups") == [public_group]


def test_a_private_groups_name_and_description_are_found_by_anyone(
    outsider_animator, private_group
):
    assert found(outsider_animator, "trésoriers", "groups") == [private_group]
    assert found(outsider_animator, "comptes", "groups") == [private_group]


def test_sections_are_found_by_commune_or_postcode(supporter, section_space, other_section_space):
    assert found(supporter, "begles", "groups") == [section_space]
    assert found(supporter, "69100", "groups") == [other_section_space]


def test_people_are_found_by_name_handle_or_commune(supporter, section):
    person = UserFactory(
        first_name="Hélène",
        last_name="Dupré",
        handle="helene-dupre-7",
        commune="Talence",
        listed_in_directory=True,
    )

    assert found(supporter, "Hélène Dupré", "people") == [person]
    assert found(supporter, "helene-dupre-7", "people") == [person]
    assert found(supporter, "talence", "people") == [person]


# Visibility --------------------------------------------------------------------------------


def test_a_private_groups_post_is_found_by_its_members_only(
    member, supporter, outsider_animator, private_group
):
    group_join(group=private_group, user=supporter)
    thread = thread_create(author=member, space=private_group, title="Bilan", body="Chiffres")
    post = post_create(author=member, thread=thread, body="Le mot xylophagie reste entre nous")

    assert found(outsider_animator, "xylophagie", "posts") == []
    assert found(supporter, "xylophagie", "posts") == [post]


def test_a_private_groups_thread_is_found_by_its_members_only(
    member, outsider_animator, private_group
):
    thread_create(author=member, space=private_group, title="Budget confidentiel", body="…")

    assert found(outsider_animator, "confidentiel", "threads") == []
    assert titles(found(member, "confidentiel", "threads")) == {"Budget confidentiel"}


def test_another_sections_conversations_are_not_found(
    supporter, outsider_animator, other_section_space
):
    thread = thread_create(
        author=outsider_animator, space=other_section_space, title="Réunion Villeurbanne", body="…"
    )
    post_create(author=outsider_animator, thread=thread, body="Salle Raspail à Villeurbanne")

    assert found(supporter, "villeurbanne", "threads") == []
    assert found(supporter, "raspail", "posts") == []
    assert titles(found(outsider_animator, "villeurbanne", "threads")) == {"Réunion Villeurbanne"}


def test_staff_find_every_conversation(staff, member, private_group):
    thread_create(author=member, space=private_group, title="Budget confidentiel", body="…")

    assert titles(found(staff, "confidentiel", "threads")) == {"Budget confidentiel"}


def test_visitors_find_public_groups_conversations_only(
    client, member, public_group, section_space, db
):
    thread_create(author=member, space=public_group, title="Tribune commune", body="…")
    thread_create(author=member, space=section_space, title="Tribune locale", body="…")

    response = client.get(SEARCH_URL, {"q": "tribune", "type": "threads"})

    assert titles(response.context["results"]["threads"]) == {"Tribune commune"}


def test_deleted_posts_are_not_found(supporter, member, public_group):
    thread = thread_create(author=member, space=public_group, title="Agenda", body="Mardi")
    post = post_create(author=member, thread=thread, body="Un mot regrettable")
    post_delete(post=post)

    assert found(supporter, "regrettable", "posts") == []


def test_a_hidden_profile_is_not_found_but_staff_find_it(supporter, staff, db):
    hidden = UserFactory(
        first_name="Anatole",
        last_name="Discret",
        profile_visibility="staff",
        listed_in_directory=True,
    )

    assert found(supporter, "anatole discret", "people") == []
    assert found(staff, "anatole discret", "people") == [hidden]


def test_visitors_find_nobody_the_directory_is_for_signed_in_people(client, supporter, db):
    UserFactory(
        first_name="Yvonne",
        last_name="Publique",
        profile_visibility=ProfileVisibility.PUBLIC,
        listed_in_directory=True,
    )
    UserFactory(first_name="Yvette", last_name="Discrète", profile_visibility="public")

    response = client.get(SEARCH_URL, {"q": "yv", "type": "people"})

    assert list(response.context["results"]["people"]) == []
    assert [person.public_name for person in found(supporter, "yv", "people")] == [
        "Yvonne Publique"
    ]


def test_erased_and_deactivated_people_are_not_found(supporter, db):
    from django.utils import timezone

    UserFactory(first_name="Gaston", last_name="Parti", erased_at=timezone.now())
    UserFactory(first_name="Gaston", last_name="Inactif", is_active=False)

    assert found(supporter, "gaston", "people") == []


# Accents, case, words ----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["élection", "ELECTION", "Election", "ÉLECTION", "election"])
def test_accents_and_case_do_not_matter_in_titles_and_texts(supporter, member, public_group, query):
    thread = thread_create(
        author=member, space=public_group, title="L'Élection municipale", body="…"
    )
    post = post_create(author=member, thread=thread, body="Après l'élection, on continue")

    assert titles(found(supporter, query, "threads")) == {"L'Élection municipale"}
    assert post in found(supporter, query, "posts")


@pytest.mark.parametrize("query", ["helene", "HÉLÈNE", "Hélène", "hÉlÈnE", "CONCEIÇÃO", "oeuvre"])
def test_accents_and_case_do_not_matter_in_names(supporter, query):
    supporter.first_name, supporter.last_name, supporter.commune = "Paul", "Martin", ""
    supporter.save(update_fields=["first_name", "last_name", "commune"])
    hélène = UserFactory(
        first_name="Hélène",
        last_name="Conceição",
        commune="Oeuvre-sur-Mer",
        listed_in_directory=True,
    )

    assert found(supporter, query, "people") == [hélène]


def test_every_word_of_the_query_must_match(supporter, member, public_group):
    thread_create(author=member, space=public_group, title="Collage d'affiches samedi", body="…")
    thread_create(author=member, space=public_group, title="Collage dimanche", body="…")

    assert titles(found(supporter, "samedi collage", "threads")) == {"Collage d'affiches samedi"}


@sqlite_only
def test_on_sqlite_the_fallback_matches_words_inside_the_normalised_text(
    supporter, member, public_group
):
    thread = thread_create(author=member, space=public_group, title="Agenda", body="…")
    post = post_create(author=member, thread=thread, body="Les TRANSPORTS-en-commun gratuits")

    assert found(supporter, "transport commun", "posts") == [post]
    assert found(supporter, "gratuit", "posts") == [post]


@postgresql_only
def test_on_postgresql_elections_finds_election(supporter, member, public_group):
    thread_create(author=member, space=public_group, title="Une élection disputée", body="…")

    assert titles(found(supporter, "élections", "threads")) == {"Une élection disputée"}


@postgresql_only
def test_on_postgresql_manifestations_finds_manifestation(supporter, member, public_group):
    thread = thread_create(author=member, space=public_group, title="Agenda", body="…")
    post = post_create(author=member, thread=thread, body="Rendez-vous à la manifestation")

    assert found(supporter, "manifestations", "posts") == [post]


@postgresql_only
def test_on_postgresql_the_best_match_comes_first(supporter, member, public_group):
    thread_create(author=member, space=public_group, title="Retraites et salaires", body="…")
    thread_create(
        author=member, space=public_group, title="Retraites : retraites pour tous", body="…"
    )

    results = found(supporter, "retraites", "threads")

    assert [thread.title for thread in results] == [
        "Retraites : retraites pour tous",
        "Retraites et salaires",
    ]


# The page ----------------------------------------------------------------------------------


def test_the_search_page_shows_each_kind_with_its_count(client, supporter, member, public_group):
    thread = thread_create(author=member, space=public_group, title="Vote des étrangers", body="…")
    post_create(author=member, thread=thread, body="Les étrangers votent déjà en Europe")
    client.force_login(supporter)

    response = client.get(SEARCH_URL, {"q": "étrangers"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 thread" in page
    assert "2 messages" in page  # the opening post and the reply
    assert "1 group or section" in page
    assert "0 people" in page
    assert "Vote des étrangers" in page
    assert f'href="{reverse("conversations:thread", args=[thread.pk])}"' in page
    assert 'value="étrangers"' in page


def test_results_come_twenty_a_page_per_kind(client, supporter, member, public_group):
    for number in range(25):
        thread_create(author=member, space=public_group, title=f"Tract numéro {number}", body="…")
    client.force_login(supporter)

    everything = client.get(SEARCH_URL, {"q": "tract"})
    first = client.get(SEARCH_URL, {"q": "tract", "type": "threads"})
    second = client.get(SEARCH_URL, {"q": "tract", "type": "threads", "page": "2"})

    assert len(everything.context["results"]["threads"]) == 20
    assert "type=threads&amp;page=2" in everything.content.decode()
    assert set(first.context["results"]) == {"threads"}
    assert first.context["results"]["threads"].paginator.count == 25
    assert len(second.context["results"]["threads"]) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_an_htmx_request_gets_only_the_results(client, supporter, public_group):
    client.force_login(supporter)

    response = client.get(SEARCH_URL, {"q": "étrangers"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="results"' in body


def test_the_search_address_is_named(db):
    assert reverse("discovery:search") == SEARCH_URL


# Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_an_empty_query_shows_the_form_with_a_hint(client, db, query):
    response = client.get(SEARCH_URL, {"q": query})

    assert response.status_code == 200
    assert "Type one or more words" in response.content.decode()
    assert "results" not in response.context


def test_a_search_page_without_a_query_shows_the_form(client, db):
    response = client.get(SEARCH_URL)

    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_an_over_long_query_is_a_400_with_a_message_and_stays_in_the_box(client, db):
    query = "élection " * 30

    response = client.get(SEARCH_URL, {"q": query})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Your search is too long: 200 characters at most" in page
    assert query.strip() in page


def test_a_query_of_exactly_two_hundred_characters_is_searched(client, db):
    response = client.get(SEARCH_URL, {"q": "a" * 200})

    assert response.status_code == 200
    assert "results" in response.context


def test_an_unknown_type_is_a_400_with_a_message(client, db):
    response = client.get(SEARCH_URL, {"q": "vote", "type": "secrets"})

    assert response.status_code == 400
    assert "Choose what to search" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "nul\x00byte",
        "\x00",
        '"guillemets -non fermés OR',
        "100% _joker_ \\ 'apostrophe'",
        "<script>alert(1)</script>",
        "le la les",
        "😀 émoji",
    ],
)
def test_odd_queries_never_break_the_page(client, supporter, member, public_group, query):
    thread_create(author=member, space=public_group, title="Un fil", body="Un texte")
    client.force_login(supporter)

    response = client.get(SEARCH_URL, {"q": query})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_wildcards_in_the_query_are_taken_literally(supporter, member, public_group):
    thread_create(author=member, space=public_group, title="Objectif 100% renouvelable", body="…")
    thread_create(author=member, space=public_group, title="Objectif 1000 adhérents", body="…")

    assert titles(found(supporter, "100%", "threads")) == {"Objectif 100% renouvelable"}


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999"])
def test_a_bad_page_number_falls_back_to_a_real_page(client, supporter, public_group, page):
    client.force_login(supporter)

    response = client.get(SEARCH_URL, {"q": "étrangers", "type": "groups", "page": page})

    assert response.status_code == 200
    assert list(response.context["results"]["groups"]) == [public_group]


def test_the_search_function_refuses_an_over_long_query(supporter):
    with pytest.raises(InvalidQuery):
        search(viewer=supporter, query="x" * 201, kinds=("threads",))


def test_the_search_function_refuses_an_unknown_kind(supporter):
    with pytest.raises(ValueError, match="Unknown kinds"):
        search(viewer=supporter, query="vote", kinds=("secrets",))


def test_control_characters_are_taken_out_of_the_query():
    assert clean_query("  vote\x00 des\n\tétrangers ") == "vote des étrangers"


# Pinned numbers of queries -----------------------------------------------------------------


def count_search_queries(client, params):
    client.get(SEARCH_URL, params)  # caches warmed: instance settings, charter version
    with CaptureQueriesContext(connection) as context:
        response = client.get(SEARCH_URL, params)
    assert response.status_code == 200
    return len(context.captured_queries), response


def without_rate_limit(space):
    """Bulk test data: the space's moderation policy accepts any number of
    messages an hour (the default limit refuses the 21st)."""
    SpacePolicy.objects.update_or_create(space=space, defaults={"posts_per_hour": 0})


def add_matches(member, group, start, count):
    """`count` threads, posts, groups and people that all match "quinoa"."""
    photographed = UserFactory(photo="photos/q.jpg")
    without_rate_limit(group)
    for index in range(start, start + count):
        author = member if index % 2 else photographed
        thread = thread_create(author=author, space=group, title=f"Quinoa {index}", body="…")
        post_create(author=author, thread=thread, body=f"Le quinoa, épisode {index}")
        group_create(creator=author, name=f"Amis du quinoa {index}")
        UserFactory(
            first_name="Quinoa",
            last_name=f"Personne {index}",
            section=member.section,
            listed_in_directory=True,
        )


@pytest.mark.parametrize("kind", ["all", "threads", "posts", "groups", "people"])
def test_the_number_of_queries_does_not_grow_with_the_results(
    client, supporter, member, public_group, kind
):
    client.force_login(supporter)
    add_matches(member, public_group, 0, 3)
    few, few_page = count_search_queries(client, {"q": "quinoa", "type": kind})
    add_matches(member, public_group, 3, 27)
    many, many_page = count_search_queries(client, {"q": "quinoa", "type": kind})

    for results in few_page.context["results"].values():
        assert results.paginator.count >= 3
    for results in many_page.context["results"].values():
        assert results.paginator.count >= 30
    assert many == few
