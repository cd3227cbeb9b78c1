"""The permission matrix of conversations: who reads, starts threads, replies
(also in a locked thread), edits, deletes, reacts, pins and locks. Each table
reads one persona per line; the predicate and the page it guards are checked
against the same table.

The spaces: a public group and a private group, both animated by
`group_animator`, with `group_moderator` as moderator and `member` as member;
and the space of the Section de Bègles (its people: supporter,
member_to_verify, member, section_animator; its animators above:
federation_animator; staff is animator everywhere)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from membrane.conversations.models import Post, Reaction, Thread
from membrane.conversations.permissions import (
    can_delete_post,
    can_edit_post,
    can_lock_thread,
    can_pin_thread,
    can_react,
    can_reply,
    can_start_thread,
    can_view_thread,
)
from membrane.conversations.services import post_create, thread_create, thread_set_locked
from membrane.spaces.models import Membership, Role, Space
from membrane.spaces.services import group_create, territorial_space_ensure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "supporter",
    "member_to_verify",
    "member",
    "group_moderator",
    "group_animator",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
]


@pytest.fixture
def group_animator(charter):
    return UserFactory(charter_version_accepted=charter.number)


@pytest.fixture
def group_moderator(charter):
    return UserFactory(charter_version_accepted=charter.number)


def persona(request, name):
    if name == "anonymous":
        return AnonymousUser()
    return request.getfixturevalue(name)


def client_as(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


def make_group(animator, moderator, member, *, visibility):
    group = group_create(creator=animator, name=f"Groupe {visibility}", visibility=visibility)
    Membership.objects.create(space=group, user=moderator, role=Role.MODERATOR)
    Membership.objects.create(space=group, user=member, role=Role.MEMBER)
    return group


@pytest.fixture
def spaces(group_animator, group_moderator, member, section):
    return {
        "public_group": make_group(
            group_animator, group_moderator, member, visibility=Space.Visibility.PUBLIC
        ),
        "private_group": make_group(
            group_animator, group_moderator, member, visibility=Space.Visibility.PRIVATE
        ),
        "section_space": territorial_space_ensure(section),
    }


@pytest.fixture
def threads(spaces, staff):
    """A thread in each space, opened by staff (who belongs everywhere)."""
    return {
        name: thread_create(author=staff, space=space, title=f"Fil {name}", body="Bonjour")
        for name, space in spaces.items()
    }


SPACES = ("public_group", "private_group", "section_space")


def cases(table, columns):
    return [
        pytest.param(name, column, expected, id=f"{name}-{column}")
        for name, row in table.items()
        for column, expected in zip(columns, row, strict=True)
        if expected is not None  # not applicable
    ]


# (a) Reading a thread ---------------------------------------------------------------------

# fmt: off
READ = {
    # persona               public  private  section
    "anonymous":           (True,   False,   False),
    "supporter":           (True,   False,   True),
    "member_to_verify":    (True,   False,   True),
    "member":              (True,   True,    True),
    "group_moderator":     (True,   True,    False),
    "group_animator":      (True,   True,    False),
    "section_animator":    (True,   False,   True),
    "federation_animator": (True,   False,   True),
    "outsider_animator":   (True,   False,   False),
    "staff":               (True,   True,    True),
}
# fmt: on


@pytest.mark.parametrize(("name", "space", "expected"), cases(READ, SPACES))
def test_who_reads_a_thread(request, client, threads, name, space, expected):
    user = persona(request, name)
    thread = threads[space]

    assert can_view_thread(user, thread) is expected
    response = client_as(client, user).get(reverse("conversations:thread", args=[thread.pk]))
    assert response.status_code == (200 if expected else 404)


# (b) Starting a thread --------------------------------------------------------------------

# fmt: off
START = {
    # persona               public  private  section
    "anonymous":           (False,  False,   False),
    "supporter":           (False,  False,   True),
    "member_to_verify":    (False,  False,   True),
    "member":              (True,   True,    True),
    "group_moderator":     (True,   True,    False),
    "group_animator":      (True,   True,    False),
    "section_animator":    (False,  False,   True),
    "federation_animator": (False,  False,   True),
    "outsider_animator":   (False,  False,   False),
    "staff":               (True,   True,    True),
}
# fmt: on


@pytest.mark.parametrize(("name", "space", "expected"), cases(START, SPACES))
def test_who_starts_a_thread(request, client, spaces, name, space, expected):
    user = persona(request, name)
    target = spaces[space]

    assert can_start_thread(user, target) is expected
    url = reverse("conversations:thread_create", args=[target.slug])
    response = client_as(client, user).post(url, {"title": "Nouveau fil", "body": "Texte"})
    created = Thread.objects.filter(space=target, title="Nouveau fil").exists()
    assert created is expected
    if not user.is_authenticated:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif expected:
        assert response.status_code == 302
    else:
        # Hidden spaces do not reveal they exist; visible ones say why not.
        assert response.status_code == (403 if READ[name][SPACES.index(space)] else 404)


# (c) Replying, in an open and in a locked thread ------------------------------------------

# fmt: off
REPLY = {
    # persona               public open  public locked  section open  section locked
    "anonymous":           (False,       False,         False,        False),
    "supporter":           (False,       False,         True,         False),
    "member_to_verify":    (False,       False,         True,         False),
    "member":              (True,        False,         True,         False),
    "group_moderator":     (True,        True,          False,        False),
    "group_animator":      (True,        True,          False,        False),
    "section_animator":    (False,       False,         True,         True),
    "federation_animator": (False,       False,         True,         True),
    "outsider_animator":   (False,       False,         False,        False),
    "staff":               (True,        True,          True,         True),
}
# fmt: on
REPLY_COLUMNS = (
    "public_group-open",
    "public_group-locked",
    "section_space-open",
    "section_space-locked",
)


@pytest.mark.parametrize(("name", "column", "expected"), cases(REPLY, REPLY_COLUMNS))
def test_who_replies(request, client, threads, name, column, expected):
    user = persona(request, name)
    space, state = column.split("-")
    thread = threads[space]
    if state == "locked":
        thread_set_locked(thread=thread, locked=True)

    assert can_reply(user, thread) is expected
    response = client_as(client, user).post(
        reverse("conversations:reply", args=[thread.pk]), {"body": "Ma réponse"}
    )
    assert Post.objects.filter(thread=thread, body="Ma réponse").exists() is expected
    if user.is_authenticated:
        visible = READ[name][SPACES.index(space)]
        assert response.status_code == (302 if expected else 403 if visible else 404)


# (d) Editing and deleting, one's own post and another's -----------------------------------

MEMBERS_OF_PUBLIC_GROUP = ["member", "group_moderator", "group_animator", "staff"]
OTHERS = [name for name in PERSONAS if name not in MEMBERS_OF_PUBLIC_GROUP]


@pytest.mark.parametrize("name", MEMBERS_OF_PUBLIC_GROUP)
def test_authors_edit_and_delete_their_own_posts(request, client, threads, name):
    user = persona(request, name)
    post = post_create(author=user, thread=threads["public_group"], body="Premier jet")
    client_as(client, user)

    assert can_edit_post(user, post) and can_delete_post(user, post)
    edit = client.post(reverse("conversations:post_edit", args=[post.pk]), {"body": "Mieux"})
    assert edit.status_code == 302
    delete = client.post(reverse("conversations:post_delete", args=[post.pk]))
    assert delete.status_code == 302
    post.refresh_from_db()
    assert post.is_deleted


@pytest.mark.parametrize("name", PERSONAS)
def test_nobody_edits_or_deletes_someone_elses_post(request, client, threads, charter, name):
    user = persona(request, name)
    author = UserFactory(charter_version_accepted=charter.number)
    thread = threads["public_group"]
    Membership.objects.create(space=thread.space, user=author)
    post = post_create(author=author, thread=thread, body="Mon texte")
    client_as(client, user)

    assert not can_edit_post(user, post)
    assert not can_delete_post(user, post)
    edit = client.post(reverse("conversations:post_edit", args=[post.pk]), {"body": "Pirate"})
    delete = client.post(reverse("conversations:post_delete", args=[post.pk]))
    post.refresh_from_db()
    assert post.body == "Mon texte" and not post.is_deleted
    expected_status = 403 if user.is_authenticated else 302
    assert edit.status_code == delete.status_code == expected_status


def test_an_author_who_left_the_group_no_longer_edits_but_still_deletes(client, threads, member):
    post = post_create(author=member, thread=threads["public_group"], body="Avant de partir")
    Membership.objects.filter(space=threads["public_group"].space, user=member).delete()
    post.thread.space.__dict__.pop("_roles", None)

    assert not can_edit_post(member, post)
    assert can_delete_post(member, post)


def test_an_author_cannot_edit_in_a_locked_thread(client, threads, member):
    post = post_create(author=member, thread=threads["public_group"], body="Texte")
    thread_set_locked(thread=post.thread, locked=True)
    client.force_login(member)

    response = client.post(reverse("conversations:post_edit", args=[post.pk]), {"body": "Non"})

    assert not can_edit_post(member, post)
    assert response.status_code == 403


# (e) Reacting: members, to the others' posts ----------------------------------------------

# fmt: off
REACT = {
    # persona               someone else's post  own post (None: has none there)
    "anonymous":           (False,               None),
    "supporter":           (False,               None),
    "member_to_verify":    (False,               None),
    "member":              (True,                False),
    "group_moderator":     (True,                False),
    "group_animator":      (True,                False),
    "section_animator":    (False,               None),
    "federation_animator": (False,               None),
    "outsider_animator":   (False,               None),
    "staff":               (True,                False),
}
# fmt: on


@pytest.mark.parametrize(("name", "whose", "expected"), cases(REACT, ("other", "own")))
def test_who_reacts(request, client, threads, charter, name, whose, expected):
    user = persona(request, name)
    thread = threads["public_group"]
    if whose == "own":
        author = user
    else:
        author = UserFactory(charter_version_accepted=charter.number)
        Membership.objects.create(space=thread.space, user=author)
    post = post_create(author=author, thread=thread, body="Un message")

    assert can_react(user, post) is expected
    response = client_as(client, user).post(reverse("conversations:react", args=[post.pk]))
    assert Reaction.objects.filter(post=post).exists() is expected
    if user.is_authenticated:
        assert response.status_code == (302 if expected else 403)


def test_nobody_reacts_to_a_deleted_post(threads, member, staff):
    post = post_create(author=staff, thread=threads["public_group"], body="Retiré")
    post.deleted_at = post.created_at
    post.save(update_fields=["deleted_at"])

    assert not can_react(member, post)


# (f) Pinning (animators) and locking (moderators and animators) ---------------------------

# fmt: off
PIN_LOCK = {
    # persona               pin group  lock group  pin section  lock section
    "anonymous":           (False,     False,      False,       False),
    "supporter":           (False,     False,      False,       False),
    "member_to_verify":    (False,     False,      False,       False),
    "member":              (False,     False,      False,       False),
    "group_moderator":     (False,     True,       False,       False),
    "group_animator":      (True,      True,       False,       False),
    "section_animator":    (False,     False,      True,        True),
    "federation_animator": (False,     False,      True,        True),
    "outsider_animator":   (False,     False,      False,       False),
    "staff":               (True,      True,       True,        True),
}
# fmt: on
PIN_LOCK_COLUMNS = (
    "pin-public_group",
    "lock-public_group",
    "pin-section_space",
    "lock-section_space",
)


@pytest.mark.parametrize(("name", "column", "expected"), cases(PIN_LOCK, PIN_LOCK_COLUMNS))
def test_who_pins_and_locks(request, client, threads, name, column, expected):
    user = persona(request, name)
    action, space = column.split("-")
    thread = threads[space]
    predicate, url_name, field = {
        "pin": (can_pin_thread, "conversations:thread_pin", "pinned"),
        "lock": (can_lock_thread, "conversations:thread_lock", "locked"),
    }[action]

    assert predicate(user, thread) is expected
    response = client_as(client, user).post(reverse(url_name, args=[thread.pk]), {field: "1"})
    thread.refresh_from_db()
    assert getattr(thread, field) is expected
    if user.is_authenticated:
        visible = READ[name][SPACES.index(space)]
        assert response.status_code == (302 if expected else 403 if visible else 404)


def test_the_pin_and_lock_buttons_show_only_to_those_allowed(client, threads, group_moderator):
    thread = threads["public_group"]
    client.force_login(group_moderator)

    content = client.get(reverse("conversations:thread", args=[thread.pk])).content.decode()

    assert "Lock this thread" in content
    assert "Pin this thread" not in content


def test_unpinning_and_reopening_go_back(client, threads, staff):
    thread = threads["section_space"]
    client.force_login(staff)

    client.post(reverse("conversations:thread_pin", args=[thread.pk]), {"pinned": "1"})
    client.post(reverse("conversations:thread_lock", args=[thread.pk]), {"locked": "1"})
    client.post(reverse("conversations:thread_pin", args=[thread.pk]), {"pinned": "0"})
    client.post(reverse("conversations:thread_lock", args=[thread.pk]), {"locked": "0"})

    thread.refresh_from_db()
    assert not thread.pinned and not thread.locked


# (g) Pages that only read still hide private threads --------------------------------------


@pytest.mark.parametrize("name", ["anonymous", "supporter", "outsider_animator"])
def test_a_private_groups_posts_are_hidden_everywhere(request, client, threads, name):
    user = persona(request, name)
    post = threads["private_group"].posts.get()
    client_as(client, user)

    for url_name in ("conversations:post", "conversations:post_history"):
        assert client.get(reverse(url_name, args=[post.pk])).status_code == 404
    if user.is_authenticated:
        for url_name in ("conversations:react", "conversations:post_delete"):
            assert client.post(reverse(url_name, args=[post.pk])).status_code == 404
        reply = client.post(
            reverse("conversations:reply", args=[post.thread_id]), {"body": "Coucou"}
        )
        assert reply.status_code == 404
