"""The API of threads and posts: reading, replying, quoting, mentioning,
editing, deleting, reacting, pinning, locking and read markers — under the
same rules as the thread pages (conversations/permissions.py)."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from membrane.accounts.tokens import access_token_create
from membrane.conversations.models import Post, PostRevision, Reaction
from membrane.conversations.services import (
    post_create,
    post_delete,
    post_edit,
    reaction_toggle,
    thread_create,
    thread_set_locked,
)
from membrane.notifications.models import Kind, Notification
from membrane.spaces.models import Role, Space
from membrane.spaces.services import (
    group_create,
    group_join,
    membership_set_role,
    territorial_space_ensure,
)
from tests.api_helpers import API, assert_json_error, bearer, count_queries, send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# A few classic payloads: none may reach the HTML unescaped.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    '<a href="javascript:alert(1)">clic</a>',
    "<svg/onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '"><script>alert(1)</script>',
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


class _Dangers(HTMLParser):
    """Elements and attributes of some HTML that could run code (text that
    merely shows "<script>" once escaped is harmless)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "style", "svg", "object", "embed", "form"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}={value}]")


def dangers_in(html: str) -> list[str]:
    parser = _Dangers()
    parser.feed(html)
    return parser.found


def login(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


# -- Fixtures ---------------------------------------------------------------


@pytest.fixture
def animator(section, charter):
    return UserFactory(section=section, charter_version_accepted=charter.number)


@pytest.fixture
def moderator(charter):
    return UserFactory(charter_version_accepted=charter.number)


@pytest.fixture
def public_group(animator, member, moderator):
    group = group_create(creator=animator, name="Services publics")
    group_join(group=group, user=member)
    group_join(group=group, user=moderator)
    membership_set_role(group=group, user=moderator, role=Role.MODERATOR)
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
        author=animator, space=public_group, title="La Poste", body="Défendons-la."
    )


@pytest.fixture
def private_thread(private_group, animator):
    return thread_create(
        author=animator, space=private_group, title="Nos listes", body="Confidentiel."
    )


@pytest.fixture
def private_post(private_thread, member):
    return post_create(author=member, thread=private_thread, body="Réponse confidentielle")


@pytest.fixture
def section_thread(section, member):
    return thread_create(
        author=member, space=territorial_space_ensure(section), title="AG", body="Jeudi"
    )


PERSONAS = [
    "anonymous",
    "supporter",
    "member",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
]


# -- Schema -----------------------------------------------------------------


def test_the_schema_documents_the_thread_and_post_operations_and_their_errors(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    assert {"404"} <= set(paths[f"{API}/threads/{{thread_id}}"]["get"]["responses"])
    posts = paths[f"{API}/threads/{{thread_id}}/posts"]
    assert {"400", "404"} <= set(posts["get"]["responses"])
    assert {"201", "401", "403", "404", "422"} <= set(posts["post"]["responses"])
    post = paths[f"{API}/posts/{{post_id}}"]
    assert {"403", "404", "422"} <= set(post["patch"]["responses"])
    assert {"403", "404", "409"} <= set(post["delete"]["responses"])
    reactions = paths[f"{API}/posts/{{post_id}}/reactions"]["post"]["responses"]
    assert {"200", "403", "404"} <= set(reactions)
    assert {"204", "404"} <= set(paths[f"{API}/threads/{{thread_id}}/read"]["post"]["responses"])


# -- Reading: private content answers 404 -----------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_private_groups_thread_is_404_to_outsiders(
    client, request, private_thread, private_post, persona
):
    login(client, request, persona)
    readers = {"member", "staff"}
    paths = [
        f"/threads/{private_thread.pk}",
        f"/threads/{private_thread.pk}/posts",
        f"/posts/{private_post.pk}/revisions",
    ]

    for path in paths:
        response = client.get(f"{API}{path}")
        if persona in readers:
            assert response.status_code == 200, (path, response.content)
        else:
            assert_json_error(response, 404)
            assert "confidentiel" not in response.text.lower()
            assert "Nos listes" not in response.text


def test_a_hidden_thread_answers_like_a_missing_one(client, supporter, private_thread):
    client.force_login(supporter)

    hidden = client.get(f"{API}/threads/{private_thread.pk}")
    missing = client.get(f"{API}/threads/999999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_public_groups_thread_is_readable_by_all(client, request, public_thread, persona):
    login(client, request, persona)

    response = client.get(f"{API}/threads/{public_thread.pk}")

    assert response.status_code == 200
    assert response.json()["title"] == "La Poste"


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/threads/999999", None),
        ("get", "/threads/99999999999999999999999", None),
        ("get", "/threads/999999/posts", None),
        ("post", "/threads/999999/posts", {"body": "x"}),
        ("post", "/threads/999999/read", None),
        ("patch", "/threads/999999", {"locked": True}),
        ("patch", "/posts/999999", {"body": "x"}),
        ("delete", "/posts/999999", None),
        ("delete", "/posts/99999999999999999999999", None),
        ("post", "/posts/999999/reactions", None),
        ("get", "/posts/999999/revisions", None),
    ],
)
def test_forged_ids_answer_404(client, member, public_thread, method, path, payload):
    client.force_login(member)

    assert_json_error(send(client, method, path, payload), 404)


# -- Replying ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("supporter", 403),  # reads the public group, is not in it
        ("outsider_animator", 403),
        ("member", 201),
        ("moderator", 201),
        ("animator", 201),
        ("staff", 201),
    ],
)
def test_only_a_groups_members_reply(client, request, public_thread, persona, status):
    login(client, request, persona)

    response = send(client, "post", f"/threads/{public_thread.pk}/posts", {"body": "Oui !"})

    assert response.status_code == status, response.content
    replies = Post.objects.filter(thread=public_thread).count() - 1
    assert replies == (1 if status == 201 else 0)
    if status == 403:
        assert "Join the group" in response.json()["detail"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("supporter", 403),
        ("member", 403),
        ("moderator", 201),
        ("animator", 201),
        ("staff", 201),
    ],
)
def test_a_locked_thread_takes_replies_from_its_moderators_only(
    client, request, public_thread, persona, status
):
    thread_set_locked(thread=public_thread, locked=True)
    login(client, request, persona)

    response = send(client, "post", f"/threads/{public_thread.pk}/posts", {"body": "Encore"})

    assert response.status_code == status, response.content
    if status == 403:
        assert "locked" in response.json()["detail"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("supporter", 403),
        ("member", 403),
        ("section_animator", 201),
        ("federation_animator", 201),
        ("outsider_animator", 404),
        ("staff", 201),
    ],
)
def test_a_locked_section_thread_takes_replies_from_its_animators(
    client, request, section_thread, persona, status
):
    thread_set_locked(thread=section_thread, locked=True)
    login(client, request, persona)

    response = send(client, "post", f"/threads/{section_thread.pk}/posts", {"body": "Encore"})

    assert response.status_code == status, response.content


def test_a_reply_in_a_private_group_by_an_outsider_is_404(client, supporter, private_thread):
    client.force_login(supporter)

    response = send(client, "post", f"/threads/{private_thread.pk}/posts", {"body": "Coucou"})

    assert_json_error(response, 404)
    assert private_thread.posts.count() == 1


def test_a_reply_comes_back_whole(client, member, public_thread, animator):
    client.force_login(member)

    response = send(
        client, "post", f"/threads/{public_thread.pk}/posts", {"body": "**Oui**, et vite."}
    )

    assert response.status_code == 201, response.content
    post = response.json()
    assert post["thread_id"] == public_thread.pk
    assert post["author"]["id"] == member.pk
    assert post["body"] == "**Oui**, et vite."
    assert "<strong>Oui</strong>" in post["body_html"]
    assert (post["can_edit"], post["can_delete"], post["can_react"]) == (True, True, False)
    assert post["reaction_count"] == 0
    assert post["deleted"] is False
    assert member.email not in response.text
    thread = client.get(f"{API}/threads/{public_thread.pk}").json()
    assert thread["post_count"] == 2


def test_a_reply_sent_twice_is_not_doubled(client, member, public_thread):
    client.force_login(member)

    first = send(client, "post", f"/threads/{public_thread.pk}/posts", {"body": "Présent."})
    second = send(client, "post", f"/threads/{public_thread.pk}/posts", {"body": "Présent."})

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert public_thread.posts.count() == 2


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("", "empty"),
        ("   \n  ", "empty"),
        ("x" * 20_001, "20000"),
        ("Salut @fantome", "@fantome"),
    ],
)
def test_a_bad_reply_is_422_saying_why(client, member, public_thread, body, says):
    client.force_login(member)

    response = send(client, "post", f"/threads/{public_thread.pk}/posts", {"body": body})

    detail = assert_json_error(response, 422)
    assert detail[0]["loc"][-1] == "body"
    assert says in detail[0]["msg"]
    assert public_thread.posts.count() == 1


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_html_and_script_payloads_are_sanitised(client, member, public_thread, payload):
    client.force_login(member)

    response = send(client, "post", f"/threads/{public_thread.pk}/posts", {"body": payload})

    assert response.status_code == 201, response.content
    html = response.json()["body_html"]
    assert dangers_in(html) == [], html
    assert response.json()["body"] == payload  # the source is kept, as written


# -- Quotes and mentions ----------------------------------------------------


def test_a_quote_notifies_the_quoted_author(
    client, member, moderator, public_thread, django_capture_on_commit_callbacks
):
    quoted = post_create(author=moderator, thread=public_thread, body="Il faut manifester.")
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client,
            "post",
            f"/threads/{public_thread.pk}/posts",
            {"body": "D'accord.", "quote_id": quoted.pk},
        )

    assert response.status_code == 201, response.content
    assert response.json()["quoted"]["id"] == quoted.pk
    assert response.json()["quoted"]["excerpt"] == "Il faut manifester."
    assert Notification.objects.filter(recipient=moderator, kind=Kind.QUOTE).count() == 1


def test_only_a_live_post_of_the_same_thread_can_be_quoted(
    client, member, animator, public_thread, public_group
):
    other = thread_create(author=animator, space=public_group, title="Autre", body="Ailleurs")
    gone = post_create(author=animator, thread=public_thread, body="Bientôt supprimé")
    post_delete(post=gone)
    client.force_login(member)

    for quote_id in (other.posts.get().pk, gone.pk, 999_999):
        response = send(
            client,
            "post",
            f"/threads/{public_thread.pk}/posts",
            {"body": "Je cite", "quote_id": quote_id},
        )
        detail = assert_json_error(response, 422)
        assert detail[0]["loc"][-1] == "quote_id"
    assert public_thread.posts.count() == 2


def test_a_mention_notifies_only_those_who_may_read_the_thread(
    client, member, supporter, animator, private_thread, django_capture_on_commit_callbacks
):
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client,
            "post",
            f"/threads/{private_thread.pk}/posts",
            {"body": f"@{animator.handle} et @{supporter.handle}, regardez."},
        )

    assert response.status_code == 201, response.content
    assert Notification.objects.filter(recipient=animator, kind=Kind.MENTION).exists()
    assert not Notification.objects.filter(recipient=supporter).exists()


# -- Editing and deleting ---------------------------------------------------


@pytest.fixture
def member_post(public_thread, member):
    return post_create(author=member, thread=public_thread, body="Première version")


def test_the_author_edits_and_the_history_stays(client, member, member_post):
    client.force_login(member)

    response = send(client, "patch", f"/posts/{member_post.pk}", {"body": "Seconde version"})

    assert response.status_code == 200, response.content
    assert response.json()["body"] == "Seconde version"
    assert response.json()["edited_at"] is not None
    assert response.json()["revision_count"] == 1
    history = client.get(f"{API}/posts/{member_post.pk}/revisions").json()
    assert [revision["body"] for revision in history] == ["Première version"]


@pytest.mark.parametrize("persona", ["supporter", "moderator", "animator", "staff"])
def test_nobody_edits_someone_elses_post(client, request, member_post, persona):
    client.force_login(request.getfixturevalue(persona))

    response = send(client, "patch", f"/posts/{member_post.pk}", {"body": "Réécrit"})

    assert_json_error(response, 403)
    member_post.refresh_from_db()
    assert member_post.body == "Première version"
    assert not PostRevision.objects.exists()


def test_an_edit_in_a_locked_thread_is_refused_to_a_member(
    client, member, member_post, public_thread
):
    thread_set_locked(thread=public_thread, locked=True)
    client.force_login(member)

    assert_json_error(send(client, "patch", f"/posts/{member_post.pk}", {"body": "Tard"}), 403)


def test_a_bad_edit_is_422_and_changes_nothing(client, member, member_post):
    client.force_login(member)

    for body in ("", "@personne-inexistante"):
        assert_json_error(send(client, "patch", f"/posts/{member_post.pk}", {"body": body}), 422)
    member_post.refresh_from_db()
    assert member_post.body == "Première version"


def test_the_author_deletes_and_the_post_shows_as_deleted(client, member, member_post):
    post_edit(post=member_post, body="Modifié")
    client.force_login(member)

    response = send(client, "delete", f"/posts/{member_post.pk}")

    assert response.status_code == 200, response.content
    assert response.json()["deleted"] is True
    assert response.json()["body"] == response.json()["body_html"] == ""
    assert client.get(f"{API}/posts/{member_post.pk}/revisions").json() == []
    assert_json_error(send(client, "delete", f"/posts/{member_post.pk}"), 409)


@pytest.mark.parametrize("persona", ["supporter", "moderator", "animator", "staff"])
def test_nobody_deletes_someone_elses_post(client, request, member_post, persona):
    client.force_login(request.getfixturevalue(persona))

    assert_json_error(send(client, "delete", f"/posts/{member_post.pk}"), 403)
    member_post.refresh_from_db()
    assert member_post.deleted_at is None


def test_an_outsider_cannot_touch_a_private_post(client, supporter, private_post):
    client.force_login(supporter)

    assert_json_error(send(client, "patch", f"/posts/{private_post.pk}", {"body": "x"}), 404)
    assert_json_error(send(client, "delete", f"/posts/{private_post.pk}"), 404)
    assert_json_error(send(client, "post", f"/posts/{private_post.pk}/reactions"), 404)


# -- Reactions --------------------------------------------------------------


def test_a_thumbs_up_toggles(client, animator, moderator, member_post):
    reaction_toggle(post=member_post, user=moderator)
    client.force_login(animator)

    on = send(client, "post", f"/posts/{member_post.pk}/reactions")
    off = send(client, "post", f"/posts/{member_post.pk}/reactions")

    assert on.json() == {"active": True, "count": 2}
    assert off.json() == {"active": False, "count": 1}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("member", 403), ("supporter", 403), ("moderator", 200)],
)
def test_members_react_to_others_posts_only(client, request, member_post, persona, status):
    login(client, request, persona)

    response = send(client, "post", f"/posts/{member_post.pk}/reactions")

    assert response.status_code == status, response.content
    assert Reaction.objects.count() == (1 if status == 200 else 0)


def test_a_deleted_post_takes_no_reaction(client, moderator, member_post):
    post_delete(post=member_post)
    client.force_login(moderator)

    assert_json_error(send(client, "post", f"/posts/{member_post.pk}/reactions"), 403)


# -- Pinning, locking, read markers -----------------------------------------


@pytest.mark.parametrize(
    ("persona", "pin", "lock"),
    [
        ("member", 403, 403),
        ("moderator", 403, 200),
        ("animator", 200, 200),
        ("staff", 200, 200),
        ("supporter", 403, 403),
    ],
)
def test_animators_pin_and_moderators_lock(client, request, public_thread, persona, pin, lock):
    client.force_login(request.getfixturevalue(persona))

    pinned = send(client, "patch", f"/threads/{public_thread.pk}", {"pinned": True})
    locked = send(client, "patch", f"/threads/{public_thread.pk}", {"locked": True})

    assert (pinned.status_code, locked.status_code) == (pin, lock)
    public_thread.refresh_from_db()
    assert public_thread.pinned is (pin == 200)
    assert public_thread.locked is (lock == 200)


def test_a_thread_is_unread_until_marked_read(client, member, public_thread, animator):
    client.force_login(member)
    assert client.get(f"{API}/threads/{public_thread.pk}").json()["is_unread"] is True

    assert send(client, "post", f"/threads/{public_thread.pk}/read").status_code == 204
    assert client.get(f"{API}/threads/{public_thread.pk}").json()["is_unread"] is False

    post_create(author=animator, thread=public_thread, body="Du nouveau")
    assert client.get(f"{API}/threads/{public_thread.pk}").json()["is_unread"] is True


def test_marking_read_needs_authentication(client, public_thread):
    assert_json_error(send(client, "post", f"/threads/{public_thread.pk}/read"), 401)


def test_an_anonymous_reader_has_no_unread_marker(client, public_thread):
    assert client.get(f"{API}/threads/{public_thread.pk}").json()["is_unread"] is None


# -- The posts of a thread --------------------------------------------------


def test_posts_come_in_order_with_their_reactions(
    client, member, moderator, animator, public_thread
):
    first = public_thread.posts.get()
    reply = post_create(author=member, thread=public_thread, body="Deux", quoted=first)
    reaction_toggle(post=reply, user=moderator)
    reaction_toggle(post=reply, user=animator)
    client.force_login(animator)

    items = client.get(f"{API}/threads/{public_thread.pk}/posts").json()["items"]

    assert [post["id"] for post in items] == [first.pk, reply.pk]
    assert items[1]["reaction_count"] == 2
    assert items[1]["reacted"] is True
    assert {person["id"] for person in items[1]["reacted_by"]} == {moderator.pk, animator.pk}
    assert items[1]["quoted"]["id"] == first.pk
    assert (items[0]["can_edit"], items[1]["can_edit"]) == (True, False)


def test_the_posts_of_a_thread_page_with_a_cursor(client, member, public_thread):
    for i in range(6):
        post_create(author=member, thread=public_thread, body=f"Réponse {i}")

    first = client.get(f"{API}/threads/{public_thread.pk}/posts", {"limit": 4}).json()
    second = client.get(
        f"{API}/threads/{public_thread.pk}/posts", {"limit": 4, "cursor": first["next"]}
    ).json()

    bodies = [post["body"] for post in first["items"] + second["items"]]
    assert bodies == ["Défendons-la."] + [f"Réponse {i}" for i in range(6)]
    assert second["next"] is None


@pytest.mark.parametrize("cursor", ["!!", "eyJrIjogWyJub24iLCAxXX0", "eyJrIjogWzEsIDJdfQ"])
def test_a_malformed_posts_cursor_is_400(client, public_thread, cursor):
    response = client.get(f"{API}/threads/{public_thread.pk}/posts", {"cursor": cursor})

    assert_json_error(response, 400)


def _add_replies(thread, count, reactors):
    for i in range(count):
        author = UserFactory()
        group_join(group=thread.space, user=author)
        post = post_create(author=author, thread=thread, body=f"R{i}", quoted=thread.posts.first())
        post_edit(post=post, body=f"R{i} modifiée")
        for person in reactors:
            reaction_toggle(post=post, user=person)


def test_the_posts_of_a_thread_run_the_same_queries_for_3_or_30(
    client, member, moderator, animator, public_thread
):
    client.force_login(member)
    _add_replies(public_thread, 2, [moderator, animator])
    few = count_queries(client, f"/threads/{public_thread.pk}/posts", {"limit": 100})

    _add_replies(public_thread, 27, [moderator, animator])
    many = count_queries(client, f"/threads/{public_thread.pk}/posts", {"limit": 100})

    assert many == few


# -- Authentication of writes -----------------------------------------------


def test_a_token_replies_and_reacts_without_csrf(member, moderator, public_thread):
    client = Client(enforce_csrf_checks=True)
    _token, raw = access_token_create(user=member, name="script")
    other = post_create(author=moderator, thread=public_thread, body="À liker")

    replied = send(
        client, "post", f"/threads/{public_thread.pk}/posts", {"body": "Auto"}, headers=bearer(raw)
    )
    reacted = send(client, "post", f"/posts/{other.pk}/reactions", headers=bearer(raw))
    edited = send(
        client, "patch", f"/posts/{replied.json()['id']}", {"body": "Corrigé"}, headers=bearer(raw)
    )

    assert replied.status_code == 201, replied.content
    assert reacted.json() == {"active": True, "count": 1}
    assert edited.status_code == 200, edited.content


def test_session_writes_need_the_csrf_token(member, member_post, public_thread):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    for method, path, payload in [
        ("post", f"/threads/{public_thread.pk}/posts", {"body": "Sans jeton"}),
        ("patch", f"/posts/{member_post.pk}", {"body": "Sans jeton"}),
        ("delete", f"/posts/{member_post.pk}", None),
        ("post", f"/threads/{public_thread.pk}/read", None),
    ]:
        assert "CSRF" in assert_json_error(send(client, method, path, payload), 403)
    member_post.refresh_from_db()
    assert (member_post.body, member_post.deleted_at) == ("Première version", None)

    client.get("/")
    csrf = client.cookies["csrftoken"].value
    response = send(
        client,
        "post",
        f"/threads/{public_thread.pk}/posts",
        {"body": "Avec jeton"},
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201, response.content
