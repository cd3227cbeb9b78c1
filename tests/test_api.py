"""The API at /api/v1/: schema, authentication by session or token, JSON
errors, /me, the territory with cursor pagination, and profiles under their
visibility rule."""

import base64
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from membrane.accounts.models import ProfileVisibility
from membrane.accounts.tokens import access_token_create, access_token_revoke
from membrane.territory.models import Unit
from tests.api_helpers import API, assert_json_error, bearer
from tests.factories import FederationFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def patch_me(client, data, **kwargs):
    return client.patch(
        f"{API}/me", data=json.dumps(data), content_type="application/json", **kwargs
    )


# -- Schema and docs --------------------------------------------------------


def test_the_openapi_schema_lists_the_paths_and_their_errors(client):
    response = client.get(f"{API}/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert {
        f"{API}/me",
        f"{API}/federations",
        f"{API}/federations/{{code}}",
        f"{API}/sections",
        f"{API}/sections/{{section_id}}",
        f"{API}/profiles/{{person_id}}",
    } <= set(schema["paths"])
    patch = schema["paths"][f"{API}/me"]["patch"]
    assert {"200", "401", "403", "422"} <= set(patch["responses"])
    assert {"400", "422"} <= set(schema["paths"][f"{API}/sections"]["get"]["responses"])
    assert "404" in schema["paths"][f"{API}/profiles/{{person_id}}"]["get"]["responses"]
    assert set(schema["components"]["securitySchemes"]) == {"BearerAuth", "SessionAuth"}


def test_the_docs_are_served(client):
    response = client.get(f"{API}/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content


# -- Authentication ---------------------------------------------------------


def test_me_requires_authentication(client, db):
    response = client.get(f"{API}/me")

    assert isinstance(assert_json_error(response, 401), str)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_me_works_with_the_session(client, supporter, section):
    client.force_login(supporter)

    response = client.get(f"{API}/me")

    assert response.status_code == 200
    me = response.json()
    assert me["id"] == supporter.pk
    assert me["email"] == supporter.email
    assert me["public_name"] == supporter.public_name
    assert me["membership_status"] == "supporter"
    assert me["profile_visibility"] == "signed_in"
    assert me["section"] == {"id": section.pk, "slug": "begles", "name": "Section de Bègles"}
    assert me["photo_url"] is None


def test_me_works_with_a_bearer_token(client, member):
    token, raw = access_token_create(user=member, name="script")

    response = client.get(f"{API}/me", headers=bearer(raw))

    assert response.status_code == 200
    assert response.json()["id"] == member.pk
    assert response.json()["membership_status"] == "member"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_refused(client, member):
    token, raw = access_token_create(user=member, name="script")
    access_token_revoke(token=token)

    response = client.get(f"{API}/me", headers=bearer(raw))

    assert_json_error(response, 401)


def test_a_bad_token_is_refused_even_with_a_session(client, member):
    client.force_login(member)

    response = client.get(f"{API}/me", headers=bearer("mbr_forged"))

    assert_json_error(response, 401)


def test_a_token_of_a_deactivated_person_is_refused(client, member):
    _token, raw = access_token_create(user=member, name="script")
    member.is_active = False
    member.save()

    response = client.get(f"{API}/me", headers=bearer(raw))

    assert_json_error(response, 401)


def test_a_session_patch_without_csrf_token_is_refused(supporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supporter)

    response = patch_me(client, {"bio": "Militant"})

    assert_json_error(response, 403)
    supporter.refresh_from_db()
    assert supporter.bio == ""


def test_a_session_patch_with_the_csrf_token_is_accepted(supporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supporter)
    client.get("/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value

    response = patch_me(client, {"bio": "Militant"}, headers={"X-CSRFToken": csrf})

    assert response.status_code == 200, response.content
    supporter.refresh_from_db()
    assert supporter.bio == "Militant"


def test_a_token_patch_needs_no_csrf_token(supporter):
    client = Client(enforce_csrf_checks=True)
    _token, raw = access_token_create(user=supporter, name="script")

    response = patch_me(client, {"commune": "Bègles"}, headers=bearer(raw))

    assert response.status_code == 200, response.content
    supporter.refresh_from_db()
    assert supporter.commune == "Bègles"


def test_an_anonymous_patch_gets_401_not_a_csrf_error(db):
    client = Client(enforce_csrf_checks=True)

    response = patch_me(client, {"bio": "x"})

    assert_json_error(response, 401)


# -- PATCH /me --------------------------------------------------------------


def test_patch_me_changes_only_the_fields_sent(client, supporter, section):
    supporter.bio = "Ancienne bio"
    supporter.save()
    client.force_login(supporter)

    response = patch_me(
        client,
        {
            "display_name": "  Camille D.  ",
            "profile_visibility": "public",
            "language": "en",
        },
    )

    assert response.status_code == 200, response.content
    assert response.json()["display_name"] == "Camille D."
    assert response.json()["public_name"] == "Camille D."
    supporter.refresh_from_db()
    assert supporter.display_name == "Camille D."
    assert supporter.profile_visibility == ProfileVisibility.PUBLIC
    assert supporter.language == "en"
    assert supporter.bio == "Ancienne bio"
    assert supporter.section == section


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"display_name": "x" * 81}, "display_name"),
        ({"bio": "x" * 601}, "bio"),
        ({"commune": "x" * 121}, "commune"),
        ({"profile_visibility": "everybody"}, "profile_visibility"),
        ({"language": "de"}, "language"),
        ({"bio": None}, "bio"),
        ({"section_id": "ma section"}, "section_id"),
        ({"email": "pirate@example.org"}, "email"),
    ],
)
def test_patch_me_validation_errors_are_422_with_details(client, supporter, payload, field):
    client.force_login(supporter)
    before = (supporter.display_name, supporter.bio, supporter.email, supporter.language)

    response = patch_me(client, payload)

    detail = assert_json_error(response, 422)
    assert isinstance(detail, list)
    assert any(field in error["loc"] for error in detail), detail
    assert all("msg" in error for error in detail)
    supporter.refresh_from_db()
    assert (supporter.display_name, supporter.bio, supporter.email, supporter.language) == before


def test_patch_me_with_a_body_that_is_not_json_is_a_4xx(client, supporter):
    client.force_login(supporter)

    response = client.patch(f"{API}/me", data="{not json", content_type="application/json")

    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_patch_me_joins_and_leaves_a_section(client, supporter, other_section):
    client.force_login(supporter)

    joined = patch_me(client, {"section_id": other_section.pk})

    assert joined.status_code == 200, joined.content
    assert joined.json()["section"]["id"] == other_section.pk
    supporter.refresh_from_db()
    assert supporter.section == other_section

    left = patch_me(client, {"section_id": None})

    assert left.status_code == 200
    assert left.json()["section"] is None
    supporter.refresh_from_db()
    assert supporter.section is None


def test_patch_me_with_an_unknown_section_is_422_and_changes_nothing(client, supporter, section):
    client.force_login(supporter)

    response = patch_me(client, {"bio": "Nouvelle bio", "section_id": 999_999})

    detail = assert_json_error(response, 422)
    assert detail[0]["loc"][-1] == "section_id"
    supporter.refresh_from_db()
    assert supporter.section == section
    assert supporter.bio == ""


def test_patch_me_with_a_federation_id_is_not_a_section(client, supporter, federation):
    client.force_login(supporter)

    response = patch_me(client, {"section_id": federation.pk})

    assert_json_error(response, 422)


# -- Profiles ---------------------------------------------------------------


@pytest.fixture
def profiles(section):
    return {
        visibility: UserFactory(
            section=section, profile_visibility=visibility, bio=f"bio {visibility}"
        )
        for visibility in ProfileVisibility.values
    }


@pytest.mark.parametrize(
    ("viewer_name", "visible"),
    [
        ("anonymous", {"public"}),
        ("supporter", {"public", "signed_in"}),
        ("member", {"public", "signed_in"}),
        ("staff", {"public", "signed_in", "staff"}),
    ],
)
def test_profiles_follow_their_visibility(client, request, profiles, viewer_name, visible):
    if viewer_name != "anonymous":
        client.force_login(request.getfixturevalue(viewer_name))

    for visibility, person in profiles.items():
        response = client.get(f"{API}/profiles/{person.pk}")

        if visibility in visible:
            assert response.status_code == 200, (viewer_name, visibility)
            body = response.json()
            assert body["id"] == person.pk
            assert body["bio"] == f"bio {visibility}"
            assert body["section"]["slug"] == "begles"
            assert person.email not in response.text
            assert "email" not in body
        else:
            assert_json_error(response, 404)


def test_a_token_counts_as_signed_in_for_profiles(client, profiles, member):
    _token, raw = access_token_create(user=member, name="script")
    person = profiles[ProfileVisibility.SIGNED_IN]

    assert client.get(f"{API}/profiles/{person.pk}").status_code == 404
    assert client.get(f"{API}/profiles/{person.pk}", headers=bearer(raw)).status_code == 200


def test_a_person_sees_their_own_hidden_profile(client, profiles):
    person = profiles[ProfileVisibility.STAFF]
    client.force_login(person)

    assert client.get(f"{API}/profiles/{person.pk}").status_code == 200


def test_a_deactivated_person_is_hidden_but_from_staff(client, supporter, staff):
    person = UserFactory(profile_visibility=ProfileVisibility.PUBLIC, is_active=False)

    assert_json_error(client.get(f"{API}/profiles/{person.pk}"), 404)
    client.force_login(supporter)
    assert_json_error(client.get(f"{API}/profiles/{person.pk}"), 404)
    client.force_login(staff)
    assert client.get(f"{API}/profiles/{person.pk}").status_code == 200


def test_a_hidden_profile_answers_like_a_missing_one(client, profiles):
    hidden = client.get(f"{API}/profiles/{profiles[ProfileVisibility.STAFF].pk}")
    missing = client.get(f"{API}/profiles/999999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# -- Forged ids -------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/profiles/999999",
        "/profiles/99999999999999999999999",
        "/sections/999999",
        "/sections/99999999999999999999999",
        "/federations/XX",
    ],
)
def test_forged_ids_answer_404(client, section, path):
    assert_json_error(client.get(f"{API}{path}"), 404)


def test_a_federation_is_not_a_section(client, federation):
    assert_json_error(client.get(f"{API}/sections/{federation.pk}"), 404)


def test_a_non_numeric_id_is_422(client, db):
    assert_json_error(client.get(f"{API}/sections/begles"), 422)


# -- Territory --------------------------------------------------------------


def test_federations_list_with_their_section_count(client, section, other_section):
    SectionFactory(parent=section.parent)

    response = client.get(f"{API}/federations")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "33", "name": "Gironde", "section_count": 2},
        {"code": "69", "name": "Rhône", "section_count": 1},
    ]


def test_one_federation(client, section):
    response = client.get(f"{API}/federations/33")

    assert response.status_code == 200
    assert response.json()["name"] == "Gironde"
    assert response.json()["section_count"] == 1


def test_one_section_with_its_federation_and_member_count(client, section, supporter, member):
    response = client.get(f"{API}/sections/{section.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "begles"
    assert body["postcode"] == "33130"
    assert body["federation"] == {"code": "33", "name": "Gironde"}
    assert body["member_count"] == 2
    assert "description" in body


def names(response):
    return [item["name"] for item in response.json()["items"]]


def test_sections_are_found_by_postcode(client, section, other_section):
    response = client.get(f"{API}/sections", {"postcode": "33130"})

    assert response.status_code == 200
    assert names(response) == ["Section de Bègles"]
    assert response.json()["next"] is None


def test_sections_are_found_by_the_start_of_a_postcode(client, section, other_section):
    assert names(client.get(f"{API}/sections", {"postcode": "691"})) == ["Section de Villeurbanne"]


def test_sections_are_found_by_name_or_commune(client, section, other_section):
    assert names(client.get(f"{API}/sections", {"q": "villeur"})) == ["Section de Villeurbanne"]
    assert names(client.get(f"{API}/sections", {"q": "Gironde"})) == ["Section de Bègles"]
    assert names(client.get(f"{API}/sections", {"q": "Nowhere"})) == []


def test_a_bad_postcode_filter_is_422(client, db):
    assert_json_error(client.get(f"{API}/sections", {"postcode": "abc"}), 422)


def test_cursor_pagination_walks_every_section_once(client, federation):
    # Two sections share a name: the id breaks the tie.
    for name in ["Eysines", "Blanquefort", "Cenon", "Ambarès", "Cenon", "Dax", "Floirac"]:
        SectionFactory(parent=federation, name=name)
    expected = list(Unit.objects.sections().order_by("name", "id").values_list("id", flat=True))

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        response = client.get(f"{API}/sections", params)
        assert response.status_code == 200, response.content
        page = response.json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
        assert pages < 10

    assert seen == expected
    assert pages == 3


def test_the_last_full_page_has_no_next_cursor(client, federation):
    SectionFactory.create_batch(3, parent=federation)

    response = client.get(f"{API}/sections", {"limit": 3})

    assert len(response.json()["items"]) == 3
    assert response.json()["next"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "%%%",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'{"v": "a"}').decode(),
        base64.urlsafe_b64encode(b'{"v": "a", "id": "1"}').decode(),
        base64.urlsafe_b64encode(b'{"v": "a", "id": 99999999999999999999999}').decode(),
        "A" * 2000,
    ],
)
def test_a_malformed_cursor_is_400(client, section, cursor):
    assert_json_error(client.get(f"{API}/sections", {"cursor": cursor}), 400)


@pytest.mark.parametrize("limit", [0, 101, -1])
def test_the_page_size_is_bounded(client, db, limit):
    assert_json_error(client.get(f"{API}/sections", {"limit": limit}), 422)


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_the_section_list_runs_the_same_queries_for_more_sections(client, federation):
    SectionFactory.create_batch(2, parent=federation)
    UserFactory(section=Unit.objects.sections().first())
    few = count_queries(client, f"{API}/sections", {"limit": 100})

    other = FederationFactory()
    for section in SectionFactory.create_batch(30, parent=other):
        UserFactory(section=section)
    many = count_queries(client, f"{API}/sections", {"limit": 100})

    assert many == few
    assert many <= 2


def test_the_federation_list_runs_the_same_queries_for_more_federations(client, section):
    few = count_queries(client, f"{API}/federations")

    for federation in FederationFactory.create_batch(10):
        SectionFactory(parent=federation)
    many = count_queries(client, f"{API}/federations")

    assert many == few
