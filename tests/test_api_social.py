"""The API of notifications, follows, the home feed and search: each shows
only what the caller may read or see, like the pages."""

import json

import pytest
from django.test import Client

from membrane.accounts.follows import follow
from membrane.accounts.models import Follow, ProfileVisibility
from membrane.accounts.tokens import access_token_create
from membrane.conversations.services import post_create, post_delete, thread_create
from membrane.notifications.models import Kind, Notification, Preference
from membrane.notifications.services import notify
from membrane.spaces.models import Space
from membrane.spaces.services import (
    group_create,
    group_join,
    group_leave,
    group_update,
    territorial_space_ensure,
)
from tests.api_helpers import API, assert_json_error, bearer, count_queries, send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# -- Fixtures ---------------------------------------------------------------


@pytest.fixture
def animator(section, charter):
    return UserFactory(section=section, charter_version_accepted=charter.number)


@pytest.fixture
def public_group(animator, member):
    group = group_create(creator=animator, name="Écologie populaire")
    group_join(group=group, user=member)
    return group


@pytest.fixture
def private_group(animator, member):
    group = group_create(
        creator=animator,
        name="Stratégie municipale",
        visibility=Space.Visibility.PRIVATE,
        joining=Space.Joining.REQUEST,
    )
    group_join(group=group, user=member)
    return group


@pytest.fixture
def public_thread(public_group, animator):
    return thread_create(
        author=animator, space=public_group, title="Transports gratuits", body="Pour ou contre ?"
    )


@pytest.fixture
def private_thread(private_group, animator):
    return thread_create(
        author=animator,
        space=private_group,
        title="Liste secrète",
        body="Les candidatures confidentielles.",
    )


def mention(author, thread, person, capture):
    with capture(execute=True):
        return post_create(author=author, thread=thread, body=f"@{person.handle} tu en penses ?")


# -- Notifications ----------------------------------------------------------


def test_my_notifications_come_newest_first_with_a_sentence(
    client, member, animator, public_thread, private_thread, django_capture_on_commit_callbacks
):
    mention(animator, public_thread, member, django_capture_on_commit_callbacks)
    mention(animator, private_thread, member, django_capture_on_commit_callbacks)
    client.force_login(member)

    response = client.get(f"{API}/notifications")

    assert response.status_code == 200, response.content
    body = response.json()
    assert [n["thread"]["title"] for n in body["items"]] == ["Liste secrète", "Transports gratuits"]
    first = body["items"][0]
    assert first["kind"] == "mention"
    assert first["actor"]["id"] == animator.pk
    assert "Liste secrète" in first["text"]
    assert first["read"] is False
    assert first["url"].startswith("http")
    assert first["space"]["kind"] == "group"
    assert body["unread_count"] == 2
    assert body["next"] is None


def test_nobody_sees_anothers_notifications(
    client, member, supporter, animator, public_thread, django_capture_on_commit_callbacks
):
    mention(animator, public_thread, member, django_capture_on_commit_callbacks)
    client.force_login(supporter)

    assert client.get(f"{API}/notifications").json()["items"] == []
    theirs = Notification.objects.get(recipient=member)
    marked = send(client, "post", "/notifications/read", {"ids": [theirs.pk]})
    assert marked.json()["marked"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_notification_about_a_group_one_left_is_never_shown(
    client, member, animator, private_thread, private_group, django_capture_on_commit_callbacks
):
    mention(animator, private_thread, member, django_capture_on_commit_callbacks)
    group_leave(group=private_group, user=member)
    client.force_login(member)

    body = client.get(f"{API}/notifications").json()

    assert body["items"] == []
    assert body["unread_count"] == 0  # marked read, so the badge agrees
    assert "Liste secrète" not in json.dumps(body, ensure_ascii=False)


def test_a_notification_about_a_group_turned_private_is_hidden_from_outsiders(
    client, supporter, animator, public_group, public_thread, django_capture_on_commit_callbacks
):
    group_join(group=public_group, user=supporter)
    mention(animator, public_thread, supporter, django_capture_on_commit_callbacks)
    group_leave(group=public_group, user=supporter)
    client.force_login(supporter)
    assert len(client.get(f"{API}/notifications").json()["items"]) == 1  # still public

    group_update(group=public_group, visibility=Space.Visibility.PRIVATE)

    assert client.get(f"{API}/notifications").json()["items"] == []


def test_the_unread_filter_and_marking_read(
    client, member, animator, public_thread, django_capture_on_commit_callbacks
):
    for _ in range(3):
        mention(animator, public_thread, member, django_capture_on_commit_callbacks)
    first, *others = Notification.objects.filter(recipient=member).order_by("pk")
    client.force_login(member)

    marked = send(client, "post", "/notifications/read", {"ids": [first.pk]})
    assert marked.json() == {"marked": 1, "unread_count": 2}
    unread = client.get(f"{API}/notifications", {"unread": "true"}).json()["items"]
    assert {n["id"] for n in unread} == {n.pk for n in others}

    marked = send(client, "post", "/notifications/read", {"all": True})
    assert marked.json() == {"marked": 2, "unread_count": 0}
    assert client.get(f"{API}/notifications", {"unread": "true"}).json()["items"] == []
    assert len(client.get(f"{API}/notifications").json()["items"]) == 3


@pytest.mark.parametrize(
    "payload",
    [{}, {"ids": [1], "all": True}, {"ids": "1"}, {"all": False}, {"ids": [1] * 101}],
)
def test_marking_read_needs_either_ids_or_all(client, member, payload):
    client.force_login(member)

    assert_json_error(send(client, "post", "/notifications/read", payload), 422)


def test_notifications_page_with_a_cursor(
    client, member, animator, public_thread, django_capture_on_commit_callbacks
):
    for _ in range(5):
        mention(animator, public_thread, member, django_capture_on_commit_callbacks)
    client.force_login(member)

    first = client.get(f"{API}/notifications", {"limit": 3}).json()
    second = client.get(f"{API}/notifications", {"limit": 3, "cursor": first["next"]}).json()

    ids = [n["id"] for n in first["items"] + second["items"]]
    assert ids == list(
        Notification.objects.filter(recipient=member)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert second["next"] is None
    assert_json_error(client.get(f"{API}/notifications", {"cursor": "nope"}), 400)


def _notify_in_many_ways(member, count):
    for _ in range(count):
        actor = UserFactory()
        group = group_create(creator=actor, name="Groupe")
        group_join(group=group, user=member)
        thread = thread_create(author=actor, space=group, title="Fil", body="x")
        post = post_create(author=actor, thread=thread, body="y")
        notify(recipients=[member], kind=Kind.MENTION, actor=actor, space=group, thread=thread, post=post)  # fmt: skip
        notify(recipients=[member], kind=Kind.INVITATION, actor=actor, space=group)
        notify(recipients=[member], kind=Kind.NEW_FOLLOWER, actor=actor)


def test_the_notification_list_runs_the_same_queries_for_3_or_30(client, member):
    client.force_login(member)
    _notify_in_many_ways(member, 1)
    few = count_queries(client, "/notifications", {"limit": 100})

    _notify_in_many_ways(member, 10)
    many = count_queries(client, "/notifications", {"limit": 100})

    assert many == few


def test_notifications_need_authentication(client, db):
    assert_json_error(client.get(f"{API}/notifications"), 401)
    assert_json_error(client.get(f"{API}/notifications/preferences"), 401)


def test_preferences_list_every_kind_with_its_default(client, member):
    Preference.objects.create(user=member, kind=Kind.REPLY, channel="off")
    client.force_login(member)

    preferences = {p["kind"]: p for p in client.get(f"{API}/notifications/preferences").json()}

    assert set(preferences) == set(Kind.values)
    assert preferences["reply"]["channel"] == "off"
    assert preferences["reply"]["default"] == "in_app"
    assert preferences["mention"]["channel"] == preferences["mention"]["default"] == "email"
    assert preferences["mention"]["label"]


def test_preferences_are_changed_kind_by_kind(client, member):
    client.force_login(member)

    response = send(
        client,
        "put",
        "/notifications/preferences",
        {"channels": {"mention": "off", "new_thread": "email"}},
    )

    assert response.status_code == 200, response.content
    channels = {p["kind"]: p["channel"] for p in response.json()}
    assert channels["mention"] == "off"
    assert channels["new_thread"] == "email"
    assert channels["reply"] == "in_app"  # unchanged
    assert Preference.objects.filter(user=member).count() == 2


@pytest.mark.parametrize(
    "payload",
    [
        {"channels": {"mention": "pigeon"}},
        {"channels": {"gossip": "off"}},
        {"channels": "off"},
        {"mention": "off"},
    ],
)
def test_bad_preferences_are_422_and_change_nothing(client, member, payload):
    client.force_login(member)

    assert_json_error(send(client, "put", "/notifications/preferences", payload), 422)
    assert not Preference.objects.exists()


def test_a_token_marks_read_without_csrf_and_a_session_needs_it(member):
    _token, raw = access_token_create(user=member, name="script")
    client = Client(enforce_csrf_checks=True)

    by_token = send(client, "post", "/notifications/read", {"all": True}, headers=bearer(raw))
    assert by_token.status_code == 200, by_token.content

    client.force_login(member)
    refused = send(client, "put", "/notifications/preferences", {"channels": {"mention": "off"}})
    assert "CSRF" in assert_json_error(refused, 403)
    assert not Preference.objects.exists()


# -- Follows ----------------------------------------------------------------


def test_following_and_unfollowing_a_person(
    client, supporter, member, django_capture_on_commit_callbacks
):
    client.force_login(supporter)

    with django_capture_on_commit_callbacks(execute=True):
        followed = send(client, "post", f"/people/{member.pk}/follow")

    assert followed.status_code == 200, followed.content
    assert followed.json() == {"followers": 1, "following": 0, "contacts": 0, "is_following": True}
    assert Notification.objects.filter(recipient=member, kind=Kind.NEW_FOLLOWER).count() == 1
    again = send(client, "post", f"/people/{member.pk}/follow")
    assert again.json()["followers"] == 1

    unfollowed = send(client, "delete", f"/people/{member.pk}/follow")
    assert unfollowed.json() == {
        "followers": 0,
        "following": 0,
        "contacts": 0,
        "is_following": False,
    }
    assert not Follow.objects.exists()


def test_two_people_following_each_other_are_contacts(client, supporter, member):
    follow(follower=member, followed=supporter)
    client.force_login(supporter)

    counts = send(client, "post", f"/people/{member.pk}/follow").json()

    assert counts == {"followers": 1, "following": 1, "contacts": 1, "is_following": True}
    contacts = client.get(f"{API}/people/{supporter.pk}/contacts").json()
    assert [person["id"] for person in contacts["items"]] == [member.pk]


def test_following_oneself_is_400(client, supporter):
    client.force_login(supporter)

    assert "yourself" in assert_json_error(
        send(client, "post", f"/people/{supporter.pk}/follow"), 400
    )


@pytest.mark.parametrize("person_id", ["hidden", "999999", "99999999999999999999999"])
def test_a_hidden_or_missing_person_cannot_be_followed(client, supporter, person_id):
    if person_id == "hidden":
        person_id = UserFactory(profile_visibility=ProfileVisibility.STAFF).pk
    client.force_login(supporter)

    assert_json_error(send(client, "post", f"/people/{person_id}/follow"), 404)
    assert_json_error(send(client, "delete", f"/people/{person_id}/follow"), 404)
    assert_json_error(client.get(f"{API}/people/{person_id}/counts"), 404)
    assert not Follow.objects.exists()


def test_following_needs_authentication(client, member):
    assert_json_error(send(client, "post", f"/people/{member.pk}/follow"), 401)


def test_counts_follow_the_profiles_visibility(client, supporter, member):
    public = UserFactory(profile_visibility=ProfileVisibility.PUBLIC)
    follow(follower=member, followed=public)

    assert client.get(f"{API}/people/{public.pk}/counts").json()["followers"] == 1
    assert client.get(f"{API}/people/{public.pk}/counts").json()["is_following"] is False
    assert_json_error(client.get(f"{API}/people/{member.pk}/counts"), 404)  # signed in only
    client.force_login(supporter)
    assert client.get(f"{API}/people/{member.pk}/counts").json()["following"] == 1


def test_contacts_hide_profiles_the_caller_may_not_see(client, supporter, member):
    hidden = UserFactory(profile_visibility=ProfileVisibility.STAFF)
    Follow.objects.create(follower=member, followed=hidden)
    Follow.objects.create(follower=hidden, followed=member)
    follow(follower=member, followed=supporter)
    follow(follower=supporter, followed=member)
    client.force_login(supporter)

    contacts = client.get(f"{API}/people/{member.pk}/contacts").json()["items"]

    assert [person["id"] for person in contacts] == [supporter.pk]


def test_a_token_follows_without_csrf(supporter, member):
    _token, raw = access_token_create(user=supporter, name="script")
    client = Client(enforce_csrf_checks=True)

    response = send(client, "post", f"/people/{member.pk}/follow", headers=bearer(raw))

    assert response.status_code == 200, response.content


# -- Feed -------------------------------------------------------------------


@pytest.fixture
def feed_world(section, animator, member, supporter, public_group, private_group):
    """Things happening around `member` and `supporter` (of the same section;
    `member` in both groups, `supporter` in neither)."""
    section_space = territorial_space_ensure(section)
    world = {
        "section": thread_create(author=animator, space=section_space, title="AG de section", body="a"),
        "public": thread_create(author=animator, space=public_group, title="Vélo", body="b"),
        "private": thread_create(author=animator, space=private_group, title="Secret", body="c"),
    }  # fmt: skip
    post_create(author=animator, thread=world["private"], body="Réponse secrète")
    gone = post_create(author=animator, thread=world["public"], body="Regrettable")
    post_delete(post=gone)
    return world


def feed_of(client, **params):
    response = client.get(f"{API}/feed", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_feed_shows_whats_new_in_my_spaces(client, member, feed_world):
    client.force_login(member)

    items = feed_of(client)["items"]

    titles = {item["thread"]["title"] for item in items if item["kind"] == "thread"}
    assert titles == {"AG de section", "Vélo", "Secret"}
    replies = [item for item in items if item["kind"] == "post"]
    assert [item["excerpt"] for item in replies] == ["Réponse secrète"]
    assert all(item["actor"] is not None for item in items)


def test_the_feed_never_shows_a_private_group_to_outsiders(client, supporter, animator, feed_world):
    follow(follower=supporter, followed=animator)  # follows the author, not in the group
    client.force_login(supporter)

    body = json.dumps(feed_of(client), ensure_ascii=False)

    assert "Secret" not in body
    assert "Réponse secrète" not in body
    assert "Regrettable" not in body
    assert "AG de section" in body
    assert "Vélo" in body  # a public group, by someone followed


def test_the_feed_walks_every_item_once_with_a_cursor(client, member, animator, public_group):
    for i in range(7):
        thread_create(author=animator, space=public_group, title=f"Fil {i}", body="x")
    client.force_login(member)

    first = feed_of(client, limit=3)
    second = feed_of(client, limit=3, cursor=first["next"])
    third = feed_of(client, limit=3, cursor=second["next"])  # and the animator, who came first

    items = first["items"] + second["items"] + third["items"]
    assert [(i["kind"], i["thread"]["title"]) for i in items[:7]] == [
        ("thread", f"Fil {i}") for i in reversed(range(7))
    ]
    assert [(i["kind"], i["actor"]["id"]) for i in items[7:]] == [("member", animator.pk)]
    assert third["next"] is None


def test_a_malformed_feed_cursor_is_400(client, member):
    client.force_login(member)

    assert_json_error(client.get(f"{API}/feed", {"cursor": "pas-un-curseur"}), 400)


def test_the_feed_needs_authentication(client, db):
    assert_json_error(client.get(f"{API}/feed"), 401)


# -- Search -----------------------------------------------------------------


def search_for(client, q, *kinds):
    params = {"q": q, **({"type": list(kinds)} if kinds else {})}
    response = client.get(f"{API}/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_search_finds_threads_posts_groups_and_people(client, member, feed_world):
    person = UserFactory(first_name="Éloïse", last_name="Vélodrome", listed_in_directory=True)
    client.force_login(member)

    found = search_for(client, "velo")

    assert [t["title"] for t in found["threads"]["items"]] == ["Vélo"]
    assert found["groups"]["count"] == 0
    assert [p["id"] for p in found["people"]["items"]] == [person.pk]
    assert found["threads"]["count"] == 1
    assert found["threads"]["has_next"] is False


@pytest.mark.parametrize("persona", ["anonymous", "supporter", "outsider_animator"])
def test_search_never_finds_a_private_groups_content_for_outsiders(
    client, request, feed_world, persona
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    found = search_for(client, "secret")

    assert found["threads"]["items"] == []
    assert found["posts"]["items"] == []
    assert "Secret" not in json.dumps(found, ensure_ascii=False)


def test_search_finds_a_private_groups_content_for_its_members(client, member, feed_world):
    client.force_login(member)

    found = search_for(client, "secret", "threads", "posts")

    assert [t["title"] for t in found["threads"]["items"]] == ["Secret"]
    assert [p["excerpt"] for p in found["posts"]["items"]] == ["Réponse secrète"]
    assert found["groups"] is None and found["people"] is None


def test_a_private_groups_name_is_found_like_in_the_directory(client, supporter, private_group):
    client.force_login(supporter)

    groups = search_for(client, "strategie", "groups")["groups"]["items"]

    assert [(g["name"], g["kind"], g["is_member"]) for g in groups] == [
        ("Stratégie municipale", "group", False)
    ]


def test_search_never_finds_hidden_people_nor_deleted_posts(client, supporter, feed_world):
    UserFactory(first_name="Cachée", last_name="Regrettable", profile_visibility="staff")
    client.force_login(supporter)

    found = search_for(client, "regrettable")

    assert found["people"]["items"] == []
    assert found["posts"]["items"] == []


@pytest.mark.parametrize(
    "params", [{"q": "x" * 201}, {"q": "vélo", "type": "everything"}, {}, {"q": "a", "page": 0}]
)
def test_bad_searches_are_422(client, db, params):
    assert_json_error(client.get(f"{API}/search", params), 422)


def test_a_search_without_words_finds_nothing(client, feed_world):
    found = search_for(client, " ¿ ", "threads")

    assert found["threads"] == {
        "count": 0,
        "more_than_counted": False,
        "page": 1,
        "has_next": False,
        "items": [],
    }


def test_the_feed_runs_the_same_queries_for_3_or_30_items(client, member, public_group):
    def happen(count):
        for i in range(count):
            author = UserFactory()
            group_join(group=public_group, user=author)
            thread = thread_create(author=author, space=public_group, title=f"Fil {i}", body="x")
            post_create(author=author, thread=thread, body="Réponse")

    client.force_login(member)
    happen(1)
    few = count_queries(client, "/feed", {"limit": 100})

    happen(10)
    many = count_queries(client, "/feed", {"limit": 100})

    assert many == few
