"""The API of groups and spaces: the directory, creating and editing a group,
joining, leaving, requests to join, members, and the threads of a space —
under the same rules as the group pages."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.test import Client

from membrane.accounts.models import ProfileVisibility
from membrane.accounts.tokens import access_token_create
from membrane.conversations.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Thread
from membrane.conversations.services import thread_create, thread_set_pinned
from membrane.notifications.models import Kind, Notification
from membrane.spaces.models import JoinRequest, Membership, Role, Space
from membrane.spaces.selectors import group_directory
from membrane.spaces.services import (
    group_create,
    group_join,
    invitation_create,
    join_request_create,
    membership_set_role,
    territorial_space_ensure,
)
from membrane.territory.services import national_unit
from tests.api_helpers import API, assert_json_error, bearer, count_queries, send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# -- Helpers ----------------------------------------------------------------


def make_group(creator, name="Services publics", **fields):
    return group_create(creator=creator, name=name, description=f"On parle de {name}.", **fields)


def add_members(group, people, role=Role.MEMBER):
    for person in people:
        group_join(group=group, user=person)
        if role != Role.MEMBER:
            membership_set_role(group=group, user=person, role=role)


# -- Fixtures ---------------------------------------------------------------


@pytest.fixture
def animator(section, charter):
    """The animator of the groups below (not a territorial animator)."""
    return UserFactory(section=section, charter_version_accepted=charter.number)


@pytest.fixture
def public_group(animator):
    return make_group(animator, "Écologie populaire")


@pytest.fixture
def private_group(animator, member):
    group = make_group(
        animator,
        "Droit de vote des étrangers",
        visibility=Space.Visibility.PRIVATE,
        joining=Space.Joining.REQUEST,
    )
    add_members(group, [member])
    return group


@pytest.fixture
def invitation_group(animator):
    return make_group(animator, "Cercle fermé", joining=Space.Joining.INVITATION)


@pytest.fixture
def spaces(section, other_section, public_group, private_group):
    """Every kind of space, by a short name."""
    return {
        "section": territorial_space_ensure(section),
        "federation": territorial_space_ensure(section.parent),
        "other_section": territorial_space_ensure(other_section),
        "national": territorial_space_ensure(national_unit()),
        "public_group": public_group,
        "private_group": private_group,
    }


# -- Schema -----------------------------------------------------------------


def test_the_schema_documents_the_group_and_space_operations_and_their_errors(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    groups = paths[f"{API}/groups"]
    assert {"200", "400", "422"} <= set(groups["get"]["responses"])
    assert {"201", "401", "403", "422"} <= set(groups["post"]["responses"])
    assert {"403", "404", "409"} <= set(paths[f"{API}/groups/{{slug}}/join"]["post"]["responses"])
    assert "409" in paths[f"{API}/groups/{{slug}}/leave"]["post"]["responses"]
    requests = paths[f"{API}/groups/{{slug}}/requests"]
    assert {"201", "403", "409", "422"} <= set(requests["post"]["responses"])
    assert "403" in requests["get"]["responses"]
    for action in ("accept", "refuse"):
        path = f"{API}/groups/{{slug}}/requests/{{request_id}}/{action}"
        assert {"403", "404", "409"} <= set(paths[path]["post"]["responses"])
    assert "404" in paths[f"{API}/groups/{{slug}}/members"]["get"]["responses"]
    threads = paths[f"{API}/spaces/{{slug}}/threads"]
    assert {"400", "404"} <= set(threads["get"]["responses"])
    assert {"201", "403", "404", "422"} <= set(threads["post"]["responses"])


# -- Directory --------------------------------------------------------------


def test_the_directory_lists_every_group_most_populated_first(
    client, public_group, private_group, member, supporter
):
    add_members(public_group, [supporter, member])

    response = client.get(f"{API}/groups")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(g["name"], g["member_count"]) for g in items] == [
        ("Écologie populaire", 3),
        ("Droit de vote des étrangers", 2),
    ]
    assert items[1]["visibility"] == "private"
    assert items[1]["description"] == "On parle de Droit de vote des étrangers."
    assert all(g["is_member"] is False for g in items)
    assert response.json()["next"] is None


def test_the_directory_tells_the_caller_which_groups_they_belong_to(
    client, public_group, private_group, member
):
    client.force_login(member)

    items = client.get(f"{API}/groups").json()["items"]

    assert {g["slug"]: g["is_member"] for g in items} == {
        public_group.slug: False,
        private_group.slug: True,
    }


def test_the_directory_search_ignores_accents_and_case(client, public_group, private_group):
    def found(q):
        return [g["name"] for g in client.get(f"{API}/groups", {"q": q}).json()["items"]]

    assert found("ECOLOGIE") == ["Écologie populaire"]
    assert found("étrangers") == ["Droit de vote des étrangers"]
    assert found("nulle part") == []


def test_the_directory_cursor_walks_every_group_once_in_order(client, animator):
    for i in range(7):
        group = make_group(animator, f"Groupe {i % 3}")  # equal names: the id breaks ties
        add_members(group, UserFactory.create_batch(i % 2))
    expected = list(
        group_directory(viewer=AnonymousUser())
        .order_by("-member_count", "name", "id")
        .values_list("id", flat=True)
    )

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{API}/groups", params).json()
        seen += [g["id"] for g in page["items"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
        assert pages < 5

    assert seen == expected
    assert pages == 3


@pytest.mark.parametrize("cursor", ["garbage!!", "eyJrIjogWzEsIDJdfQ", "A" * 2000])
def test_a_malformed_directory_cursor_is_400(client, public_group, cursor):
    assert_json_error(client.get(f"{API}/groups", {"cursor": cursor}), 400)


def test_the_directory_runs_the_same_queries_for_3_or_30_groups(client, animator, member):
    client.force_login(member)
    for i in range(3):
        add_members(make_group(animator, f"Petit {i}"), UserFactory.create_batch(2))
    few = count_queries(client, "/groups", {"limit": 100})

    for i in range(27):
        add_members(make_group(animator, f"Grand {i}"), UserFactory.create_batch(2))
    many = count_queries(client, "/groups", {"limit": 100})

    assert many == few


# -- Create and edit --------------------------------------------------------


def test_a_signed_in_person_creates_a_group_and_animates_it(client, supporter):
    client.force_login(supporter)

    response = send(
        client,
        "post",
        "/groups",
        {"name": "  Ruralité vivante ", "description": "Les campagnes", "visibility": "private"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Ruralité vivante"
    assert body["visibility"] == "private"
    assert body["joining"] == "open"
    assert body["role"] == "animator"
    assert body["is_member"] is True
    assert body["member_count"] == 1
    assert body["animators"][0]["id"] == supporter.pk
    group = Space.objects.get(slug=body["slug"])
    assert Membership.objects.get(space=group).role == Role.ANIMATOR


def test_an_anonymous_visitor_cannot_create_a_group(client, db):
    assert_json_error(send(client, "post", "/groups", {"name": "Pirates"}), 401)
    assert not Space.objects.groups().exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Ok", "description": "x" * 2001}, "description"),
        ({"name": "Ok", "visibility": "secret"}, "visibility"),
        ({"name": "Ok", "joining": "maybe"}, "joining"),
        ({"name": "Ok", "kind": 0}, "kind"),
    ],
)
def test_creating_a_group_with_bad_input_is_422(client, supporter, payload, field):
    client.force_login(supporter)

    detail = assert_json_error(send(client, "post", "/groups", payload), 422)

    assert any(field in error["loc"] for error in detail), detail
    assert not Space.objects.groups().exists()


def test_the_animator_edits_the_group(client, animator, public_group):
    client.force_login(animator)

    response = send(
        client, "patch", f"/groups/{public_group.slug}", {"joining": "request", "name": "Éco"}
    )

    assert response.status_code == 200, response.content
    public_group.refresh_from_db()
    assert (public_group.name, public_group.joining) == ("Éco", "request")
    assert public_group.description == "On parle de Écologie populaire."


@pytest.mark.parametrize("persona", ["member", "supporter", "section_animator"])
def test_others_cannot_edit_a_group(client, request, public_group, persona):
    person = request.getfixturevalue(persona)
    if persona == "member":
        add_members(public_group, [person])
    client.force_login(person)

    assert_json_error(send(client, "patch", f"/groups/{public_group.slug}", {"name": "À moi"}), 403)
    public_group.refresh_from_db()
    assert public_group.name == "Écologie populaire"


def test_staff_edit_any_group(client, staff, private_group):
    client.force_login(staff)

    response = send(client, "patch", f"/groups/{private_group.slug}", {"visibility": "public"})

    assert response.status_code == 200
    assert response.json()["visibility"] == "public"


def test_a_null_in_an_edit_is_422(client, animator, public_group):
    client.force_login(animator)

    assert_json_error(send(client, "patch", f"/groups/{public_group.slug}", {"name": None}), 422)


# -- One group --------------------------------------------------------------


def test_a_private_group_shows_its_name_and_description_only_to_outsiders(
    client, private_group, supporter
):
    client.force_login(supporter)

    body = client.get(f"{API}/groups/{private_group.slug}").json()

    assert body["name"] == "Droit de vote des étrangers"
    assert body["description"]
    assert body["content_visible"] is False
    assert body["animators"] is None
    assert body["can_request"] is True
    assert body["can_join"] is False
    assert body["role"] is None


def test_a_private_group_shows_its_animators_to_its_members(
    client, private_group, member, animator
):
    client.force_login(member)

    body = client.get(f"{API}/groups/{private_group.slug}").json()

    assert body["content_visible"] is True
    assert [person["id"] for person in body["animators"]] == [animator.pk]
    assert body["role"] == "member"
    assert body["can_leave"] is True
    assert body["can_post"] is True
    assert animator.email not in json.dumps(body)


def test_a_public_group_is_readable_anonymously(client, public_group):
    body = client.get(f"{API}/groups/{public_group.slug}").json()

    assert body["content_visible"] is True
    assert body["can_join"] is False  # signed in first
    assert body["is_member"] is False


@pytest.mark.parametrize("slug", ["nulle-part", "begles"])
def test_what_is_not_a_group_is_404(client, spaces, slug):
    assert_json_error(client.get(f"{API}/groups/{slug}"), 404)


# -- Join, leave ------------------------------------------------------------


def test_joining_an_open_group(client, supporter, public_group):
    client.force_login(supporter)

    response = send(client, "post", f"/groups/{public_group.slug}/join")

    assert response.status_code == 200, response.content
    assert response.json()["is_member"] is True
    assert response.json()["member_count"] == 2
    assert Membership.objects.filter(space=public_group, user=supporter).exists()
    assert_json_error(send(client, "post", f"/groups/{public_group.slug}/join"), 409)


def test_a_group_on_request_cannot_be_joined_at_once(client, supporter, private_group):
    client.force_login(supporter)

    detail = assert_json_error(send(client, "post", f"/groups/{private_group.slug}/join"), 403)

    assert "request" in detail
    assert not Membership.objects.filter(space=private_group, user=supporter).exists()


def test_an_invitation_opens_an_invitation_only_group(
    client, supporter, member, animator, invitation_group
):
    client.force_login(supporter)
    assert_json_error(send(client, "post", f"/groups/{invitation_group.slug}/join"), 403)

    invitation_create(group=invitation_group, user=supporter, invited_by=animator)
    assert client.get(f"{API}/groups/{invitation_group.slug}").json()["invited"] is True
    response = send(client, "post", f"/groups/{invitation_group.slug}/join")

    assert response.status_code == 200, response.content
    assert response.json()["is_member"] is True


def test_leaving_a_group(client, member, private_group):
    client.force_login(member)

    response = send(client, "post", f"/groups/{private_group.slug}/leave")

    assert response.status_code == 200, response.content
    assert response.json()["is_member"] is False
    assert response.json()["content_visible"] is False
    assert_json_error(send(client, "post", f"/groups/{private_group.slug}/leave"), 409)


def test_the_last_animator_cannot_leave_a_group_with_members(client, animator, private_group):
    client.force_login(animator)

    detail = assert_json_error(send(client, "post", f"/groups/{private_group.slug}/leave"), 409)

    assert "animator" in detail
    assert Membership.objects.filter(space=private_group, user=animator).exists()


def test_joining_needs_authentication(client, public_group):
    assert_json_error(send(client, "post", f"/groups/{public_group.slug}/join"), 401)


# -- Requests to join -------------------------------------------------------


def test_asking_to_join_tells_the_animators(
    client, supporter, animator, private_group, django_capture_on_commit_callbacks
):
    client.force_login(supporter)

    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client, "post", f"/groups/{private_group.slug}/requests", {"message": "  Bonjour "}
        )

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    assert response.json()["message"] == "Bonjour"
    assert response.json()["person"]["id"] == supporter.pk
    assert Notification.objects.filter(recipient=animator, kind=Kind.JOIN_REQUEST).exists()
    detail = client.get(f"{API}/groups/{private_group.slug}").json()
    assert detail["request_pending"] is True
    assert detail["can_request"] is False
    again = send(client, "post", f"/groups/{private_group.slug}/requests", {})
    assert "already" in assert_json_error(again, 409)


def test_a_member_asking_to_join_is_409(client, member, private_group):
    client.force_login(member)

    assert_json_error(send(client, "post", f"/groups/{private_group.slug}/requests", {}), 409)


@pytest.mark.parametrize("group", ["public_group", "invitation_group"])
def test_a_group_that_takes_no_requests_refuses_them(client, request, supporter, group):
    slug = request.getfixturevalue(group).slug
    client.force_login(supporter)

    assert_json_error(send(client, "post", f"/groups/{slug}/requests", {}), 403)
    assert not JoinRequest.objects.exists()


def test_a_request_message_has_a_limit(client, supporter, private_group):
    client.force_login(supporter)

    response = send(
        client, "post", f"/groups/{private_group.slug}/requests", {"message": "x" * 1001}
    )

    assert_json_error(response, 422)
    assert not JoinRequest.objects.exists()


@pytest.fixture
def join_request(private_group, supporter):
    return join_request_create(group=private_group, user=supporter, message="Je peux ?")


def test_animators_list_and_accept_requests(
    client, animator, supporter, private_group, join_request, django_capture_on_commit_callbacks
):
    client.force_login(animator)

    listed = client.get(f"{API}/groups/{private_group.slug}/requests")
    assert [r["id"] for r in listed.json()] == [join_request.pk]
    assert listed.json()[0]["message"] == "Je peux ?"

    with django_capture_on_commit_callbacks(execute=True):
        accepted = send(
            client, "post", f"/groups/{private_group.slug}/requests/{join_request.pk}/accept"
        )

    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert Membership.objects.filter(space=private_group, user=supporter).exists()
    assert Notification.objects.filter(recipient=supporter, kind=Kind.REQUEST_ACCEPTED).exists()
    assert client.get(f"{API}/groups/{private_group.slug}/requests").json() == []
    again = send(client, "post", f"/groups/{private_group.slug}/requests/{join_request.pk}/refuse")
    assert "already" in assert_json_error(again, 409)


def test_animators_refuse_requests(client, animator, supporter, private_group, join_request):
    client.force_login(animator)

    refused = send(
        client, "post", f"/groups/{private_group.slug}/requests/{join_request.pk}/refuse"
    )

    assert refused.json()["status"] == "refused"
    assert not Membership.objects.filter(space=private_group, user=supporter).exists()


@pytest.mark.parametrize("persona", ["member", "supporter", "section_animator"])
def test_only_animators_see_and_decide_requests(
    client, request, private_group, join_request, persona
):
    client.force_login(request.getfixturevalue(persona))
    base = f"/groups/{private_group.slug}/requests"

    assert_json_error(client.get(f"{API}{base}"), 403)
    assert_json_error(send(client, "post", f"{base}/{join_request.pk}/accept"), 403)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_a_request_of_another_group_is_404(client, animator, public_group, join_request):
    client.force_login(animator)

    response = send(
        client, "post", f"/groups/{public_group.slug}/requests/{join_request.pk}/accept"
    )

    assert_json_error(response, 404)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


@pytest.mark.parametrize("request_id", ["999999", "99999999999999999999999"])
def test_a_forged_request_id_is_404(client, animator, private_group, request_id):
    client.force_login(animator)

    response = send(client, "post", f"/groups/{private_group.slug}/requests/{request_id}/accept")

    assert_json_error(response, 404)


# -- Members ----------------------------------------------------------------


def test_members_are_listed_animators_first(client, animator, member, supporter, public_group):
    add_members(public_group, [member])
    add_members(public_group, [supporter], role=Role.MODERATOR)
    client.force_login(member)

    items = client.get(f"{API}/groups/{public_group.slug}/members").json()["items"]

    assert [(m["person"]["id"], m["role"]) for m in items] == [
        (animator.pk, "animator"),
        (supporter.pk, "moderator"),
        (member.pk, "member"),
    ]
    assert all("email" not in m["person"] for m in items)


def test_the_member_list_shows_whom_the_caller_may_see(client, animator, supporter, public_group):
    hidden = UserFactory(profile_visibility=ProfileVisibility.STAFF)
    public = UserFactory(profile_visibility=ProfileVisibility.PUBLIC)
    add_members(public_group, [hidden, public, supporter])

    def listed():
        items = client.get(f"{API}/groups/{public_group.slug}/members").json()["items"]
        return {m["person"]["id"] for m in items}

    assert listed() == {public.pk}  # anonymous
    client.force_login(supporter)
    assert listed() == {animator.pk, public.pk, supporter.pk}
    client.force_login(animator)  # the group's animator sees every member
    assert listed() == {animator.pk, public.pk, supporter.pk, hidden.pk}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 404),
        ("supporter", 404),
        ("section_animator", 404),
        ("outsider_animator", 404),
        ("member", 200),
        ("animator", 200),
        ("staff", 200),
    ],
)
def test_a_private_groups_members_are_seen_by_its_members_only(
    client, request, private_group, persona, status
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = client.get(f"{API}/groups/{private_group.slug}/members")

    if status == 404:
        assert_json_error(response, 404)
    else:
        assert response.status_code == 200
        assert len(response.json()["items"]) == 2


def test_the_member_list_pages_with_a_cursor(client, public_group, animator):
    add_members(public_group, UserFactory.create_batch(6))
    client.force_login(animator)

    first = client.get(f"{API}/groups/{public_group.slug}/members", {"limit": 4}).json()
    second = client.get(
        f"{API}/groups/{public_group.slug}/members", {"limit": 4, "cursor": first["next"]}
    ).json()

    ids = [m["person"]["id"] for m in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 7
    assert second["next"] is None


def test_the_member_list_runs_the_same_queries_for_3_or_30_members(client, public_group, supporter):
    client.force_login(supporter)
    add_members(public_group, UserFactory.create_batch(2))
    few = count_queries(client, f"/groups/{public_group.slug}/members", {"limit": 100})

    add_members(public_group, UserFactory.create_batch(27))
    many = count_queries(client, f"/groups/{public_group.slug}/members", {"limit": 100})

    assert many == few


# -- Threads of a space: the permission matrix ------------------------------

# Who reads (and so may be shown) each space's threads, and who may start one.
READERS = {
    "section": {"supporter", "member", "section_animator", "federation_animator", "staff"},
    "federation": {"supporter", "member", "section_animator", "federation_animator", "staff"},
    "other_section": {"outsider_animator", "staff"},
    "national": {
        "supporter",
        "member",
        "section_animator",
        "federation_animator",
        "outsider_animator",
        "staff",
    },
    "public_group": {
        "anonymous",
        "supporter",
        "member",
        "section_animator",
        "federation_animator",
        "outsider_animator",
        "staff",
    },
    "private_group": {"member", "staff"},
}
WRITERS = {
    **{name: readers - {"anonymous"} for name, readers in READERS.items()},
    "public_group": {"staff"},  # its animator and members, not its readers
}
PERSONAS = [
    "anonymous",
    "supporter",
    "member",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("space_name", list(READERS))
def test_the_threads_of_a_space_are_listed_to_its_readers_only(
    client, request, spaces, animator, persona, space_name
):
    space = spaces[space_name]
    thread_create(author=animator, space=space, title="Premier fil", body="Bonjour")
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = client.get(f"{API}/spaces/{space.slug}/threads")

    if persona in READERS[space_name]:
        assert response.status_code == 200, response.content
        assert [t["title"] for t in response.json()["items"]] == ["Premier fil"]
    else:
        assert_json_error(response, 404)
        assert "Premier fil" not in response.text


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("space_name", list(READERS))
def test_threads_are_started_by_the_members_of_a_space_only(
    client, request, spaces, persona, space_name
):
    space = spaces[space_name]
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = send(
        client, "post", f"/spaces/{space.slug}/threads", {"title": "Un fil", "body": "Texte"}
    )

    if persona in WRITERS[space_name]:
        assert response.status_code == 201, response.content
        assert Thread.objects.filter(space=space, title="Un fil").count() == 1
    else:
        if persona == "anonymous":
            expected = 401
        elif persona in READERS[space_name]:
            expected = 403  # may read, not write
        else:
            expected = 404  # may not even know what is there
        assert_json_error(response, expected)
        assert not Thread.objects.filter(space=space).exists()


def test_a_group_member_starts_a_thread(client, member, private_group, animator):
    client.force_login(member)

    response = send(
        client,
        "post",
        f"/spaces/{private_group.slug}/threads",
        {"title": "  Une idée  ", "body": f"Qu'en penses-tu @{animator.handle} ?"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Une idée"
    assert body["post_count"] == 1
    assert body["space"] == {
        "slug": private_group.slug,
        "name": private_group.name,
        "kind": "group",
    }
    assert body["author"]["id"] == member.pk
    assert body["can_reply"] is True
    assert body["can_pin"] is False


def test_the_space_detail_tells_what_the_caller_may_do(client, spaces, supporter):
    client.force_login(supporter)

    section = client.get(f"{API}/spaces/begles").json()
    private = client.get(f"{API}/spaces/{spaces['private_group'].slug}").json()

    assert section["kind"] == "section"
    assert (section["content_visible"], section["can_post"]) == (True, True)
    assert (private["content_visible"], private["can_post"]) == (False, False)
    assert_json_error(client.get(f"{API}/spaces/nulle-part"), 404)


# -- Threads of a space: bad input ------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field", "says"),
    [
        ({"title": "", "body": "Texte"}, "title", "title"),
        ({"title": "   ", "body": "Texte"}, "title", "title"),
        ({"title": "x" * (TITLE_MAX_LENGTH + 1), "body": "Texte"}, "title", "At most 160"),
        ({"title": "Titre", "body": ""}, "body", "empty"),
        ({"title": "Titre", "body": "  \n\t "}, "body", "empty"),
        ({"title": "Titre", "body": "x" * (BODY_MAX_LENGTH + 1)}, "body", "At most 20000"),
        ({"title": "Titre"}, "body", "required"),
        ({"title": "Titre", "body": "Texte", "pinned": True}, "pinned", "xtra"),
    ],
)
def test_a_bad_thread_is_422_with_the_pages_message(client, member, spaces, payload, field, says):
    client.force_login(member)

    detail = assert_json_error(send(client, "post", "/spaces/begles/threads", payload), 422)

    errors = [error for error in detail if field in error["loc"]]
    assert errors, detail
    assert says in errors[0]["msg"]
    assert not Thread.objects.exists()


def test_unknown_mentions_are_422_naming_them(client, member, spaces, supporter):
    client.force_login(member)

    response = send(
        client,
        "post",
        "/spaces/begles/threads",
        {"title": "Réunion", "body": f"@{supporter.handle}, @personne-inconnue et @zorro !"},
    )

    detail = assert_json_error(response, 422)
    assert {tuple(error["loc"]) for error in detail} == {("body", "payload", "body")}
    messages = " ".join(error["msg"] for error in detail)
    assert "@personne-inconnue" in messages
    assert "@zorro" in messages
    assert f"@{supporter.handle}" not in messages
    assert not Thread.objects.exists()


def test_a_thread_sent_twice_is_not_doubled(client, member, spaces):
    client.force_login(member)
    payload = {"title": "Réunion jeudi", "body": "Qui vient ?"}

    first = send(client, "post", "/spaces/begles/threads", payload)
    second = send(client, "post", "/spaces/begles/threads", payload)

    assert first.status_code == 201, first.content
    assert second.status_code == 200, second.content
    assert second.json()["id"] == first.json()["id"]
    assert Thread.objects.count() == 1


def test_script_in_a_thread_is_sanitised(client, member, spaces):
    client.force_login(member)

    response = send(
        client,
        "post",
        "/spaces/begles/threads",
        {"title": "<script>alert(1)</script>", "body": "<script>alert(1)</script> **gras**"},
    )

    assert response.status_code == 201
    thread_id = response.json()["id"]
    post = client.get(f"{API}/threads/{thread_id}/posts").json()["items"][0]
    assert "<script" not in post["body_html"]
    assert "<strong>gras</strong>" in post["body_html"]
    assert post["body"].startswith("<script>")  # the source is kept as written


# -- Threads of a space: order, pages, queries ------------------------------


def test_threads_come_pinned_first_then_by_last_activity(client, member, spaces):
    space = spaces["section"]
    old = thread_create(author=member, space=space, title="Ancien", body="a")
    thread_create(author=member, space=space, title="Récent", body="b")
    thread_set_pinned(thread=old, pinned=True)
    thread_create(author=member, space=space, title="Tout neuf", body="c")
    client.force_login(member)

    first = client.get(f"{API}/spaces/begles/threads", {"limit": 2}).json()
    second = client.get(f"{API}/spaces/begles/threads", {"limit": 2, "cursor": first["next"]})

    titles = [t["title"] for t in first["items"] + second.json()["items"]]
    assert titles == ["Ancien", "Tout neuf", "Récent"]
    assert first["items"][0]["pinned"] is True
    assert second.json()["next"] is None


def test_threads_are_unread_until_read(client, member, supporter, spaces):
    thread = thread_create(author=supporter, space=spaces["section"], title="Fil", body="x")
    client.force_login(member)

    assert client.get(f"{API}/spaces/begles/threads").json()["items"][0]["is_unread"] is True
    assert send(client, "post", f"/threads/{thread.pk}/read").status_code == 204
    assert client.get(f"{API}/spaces/begles/threads").json()["items"][0]["is_unread"] is False


def test_the_thread_list_runs_the_same_queries_for_3_or_30_threads(client, member, spaces):
    space = spaces["section"]
    client.force_login(member)
    authors = UserFactory.create_batch(3, section=member.section)
    for i in range(3):
        thread_create(author=authors[i % 3], space=space, title=f"Fil {i}", body="x")
    few = count_queries(client, "/spaces/begles/threads", {"limit": 100})

    for i in range(27):
        thread_create(
            author=UserFactory(section=member.section), space=space, title=f"F{i}", body="y"
        )
    many = count_queries(client, "/spaces/begles/threads", {"limit": 100})

    assert many == few


# -- Authentication of writes -----------------------------------------------


def test_a_token_joins_and_starts_a_thread_without_csrf(supporter, public_group):
    client = Client(enforce_csrf_checks=True)
    _token, raw = access_token_create(user=supporter, name="script")

    joined = send(client, "post", f"/groups/{public_group.slug}/join", headers=bearer(raw))
    started = send(
        client,
        "post",
        f"/spaces/{public_group.slug}/threads",
        {"title": "Par script", "body": "Bonjour"},
        headers=bearer(raw),
    )

    assert joined.status_code == 200, joined.content
    assert started.status_code == 201, started.content


def test_a_session_write_needs_the_csrf_token(supporter, public_group):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supporter)

    refused = send(client, "post", f"/groups/{public_group.slug}/join")
    assert "CSRF" in assert_json_error(refused, 403)
    assert not Membership.objects.filter(space=public_group, user=supporter).exists()

    client.get("/")
    csrf = client.cookies["csrftoken"].value
    accepted = send(
        client, "post", f"/groups/{public_group.slug}/join", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 200, accepted.content


def test_a_groups_image_is_served_by_its_page(client, animator):
    group = group_create(
        creator=animator, name="Avec image", image=ContentFile(b"not read here", name="logo.jpg")
    )

    body = client.get(f"{API}/groups/{group.slug}").json()

    assert body["image_url"] == f"http://testserver/groupes/{group.slug}/image/"
