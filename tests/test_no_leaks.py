"""Nothing hidden leaks: a private group's threads, messages and members, a
section's space, a hidden profile, a deleted message — not through the
pages, their htmx fragments or the API; not in the feed, search (results,
counts, excerpts), notifications and their emails, profiles, mention
suggestions, quotes, histories, reactions, member lists, forged addresses or
the data export.

Where it helps, a test first checks that someone entitled does see the
secret, so that it would notice the leak it looks for."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.follows import follow
from membrane.accounts.models import ProfileVisibility
from membrane.accounts.tokens import access_token_create
from membrane.conversations.feed import encode_cursor, feed_items
from membrane.conversations.models import Post
from membrane.conversations.search import search
from membrane.conversations.selectors import readable_posts, readable_threads
from membrane.conversations.services import (
    post_create,
    post_delete,
    post_edit,
    reaction_toggle,
    thread_create,
)
from membrane.core.models import OutgoingEmail
from membrane.notifications.models import Channel, Kind, Notification
from membrane.notifications.selectors import notifications_of
from membrane.notifications.services import preference_set
from membrane.spaces.models import Membership, Space
from membrane.spaces.services import group_create, group_join, group_leave, territorial_space_ensure
from membrane.territory.services import section_join
from tests.export_helpers import export_downloaded
from tests.factories import SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
# A word found only in hidden messages (what one searches for), words of their
# text that a page would show in an excerpt, and the hidden thread's title.
SECRET = "zanzibar"
EXCERPT = "reste entre nous"
SECRET_TITLE = "Stratégie confidentielle"


# -- Fixtures ---------------------------------------------------------------


# People who opted in to the directory (search, mention suggestions).
LISTED = {"listed_in_directory": True}


@pytest.fixture
def new_person(charter):
    """Make a confirmed person who accepted the charter."""

    def make(**fields):
        return UserFactory(charter_version_accepted=charter.number, **fields)

    return make


@pytest.fixture
def private_group(member):
    """A private group animated by `member` (of the Bègles section)."""
    return group_create(
        creator=member,
        name="Cercle fermé",
        description="On y prépare les congrès.",
        visibility=Space.Visibility.PRIVATE,
    )


@pytest.fixture
def public_group(member):
    return group_create(creator=member, name="Services publics")


@pytest.fixture
def insider(private_group, new_person):
    """A plain member of the private group, with a public profile."""
    person = new_person(handle="camille-insider", profile_visibility=ProfileVisibility.PUBLIC)
    group_join(group=private_group, user=person)
    return person


@pytest.fixture
def private_thread(private_group, member):
    return thread_create(
        author=member,
        space=private_group,
        title=SECRET_TITLE,
        body=f"Le plan {SECRET} {EXCERPT}.",
    )


@pytest.fixture
def private_reply(private_thread, insider):
    return post_create(
        author=insider, thread=private_thread, body=f"D'accord pour {SECRET}, {EXCERPT}."
    )


@pytest.fixture
def public_thread(public_group, member):
    return thread_create(
        author=member, space=public_group, title="Défendons La Poste", body="Qui vient samedi ?"
    )


@pytest.fixture
def other_person(other_section, new_person):
    """Someone of another section (Villeurbanne), with a public profile."""
    return new_person(section=other_section, profile_visibility=ProfileVisibility.PUBLIC)


@pytest.fixture
def other_section_thread(other_section, other_person):
    return thread_create(
        author=other_person,
        space=territorial_space_ensure(other_section),
        title="Réunion de section à Villeurbanne",
        body=f"Ordre du jour {SECRET}: {EXCERPT}.",
    )


def api_get(client, path, **params):
    return client.get(f"{API}{path}", params)


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def mention_on_site(person):
    preference_set(user=person, kind=Kind.MENTION, channel=Channel.IN_APP)


# -- The feed ---------------------------------------------------------------


def test_the_feed_shows_nothing_of_a_private_group_to_a_follower_of_its_members(
    client, supporter, member, insider, private_reply, new_person
):
    follow(follower=supporter, followed=member)
    follow(follower=supporter, followed=insider)
    fellow = new_person()
    group_join(group=private_reply.thread.space, user=fellow)
    client.force_login(fellow)
    assert EXCERPT in page(client, "/fil/")  # its members do see it

    client.force_login(supporter)

    assert EXCERPT not in page(client, "/fil/")
    assert SECRET_TITLE not in page(client, "/fil/")
    feed = api_get(client, "/feed").json()
    assert SECRET not in json.dumps(feed)
    assert SECRET_TITLE not in json.dumps(feed)
    assert "Cercle fermé" not in json.dumps(feed)


def test_the_feed_forgets_a_private_group_once_one_has_left_it(
    client, member, insider, private_thread
):
    client.force_login(insider)
    assert SECRET_TITLE in page(client, "/fil/")

    group_leave(group=private_thread.space, user=insider)

    assert SECRET_TITLE not in page(client, "/fil/")
    assert SECRET_TITLE not in json.dumps(api_get(client, "/feed").json())


def test_the_htmx_fragment_of_the_feed_applies_the_same_rule(
    client, supporter, member, private_reply, public_thread
):
    follow(follower=supporter, followed=member)
    # A cursor past everything: the next "page" is the whole feed.
    cursor = encode_cursor(timezone.now() + timedelta(days=1), "thread", 10**9)
    client.force_login(supporter)

    fragment = client.get("/fil/", {"cursor": cursor}, HTTP_HX_REQUEST="true").content.decode()

    assert "<html" not in fragment and "Défendons La Poste" in fragment
    assert SECRET not in fragment and SECRET_TITLE not in fragment


def test_the_feed_shows_nothing_of_another_sections_space_from_someone_followed(
    client, supporter, other_person, other_section_thread
):
    follow(follower=supporter, followed=other_person)
    client.force_login(supporter)

    assert "Villeurbanne" not in page(client, "/fil/")
    assert SECRET not in json.dumps(api_get(client, "/feed").json())


# -- Search -----------------------------------------------------------------


def test_search_finds_nothing_of_a_private_group_not_even_a_count(
    client, supporter, insider, private_reply
):
    client.force_login(insider)
    assert api_get(client, "/search", q=SECRET, type="posts").json()["posts"]["count"] == 2

    for viewer in (supporter, None):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        content = page(client, "/recherche/", q=SECRET)
        assert "0 messages" in content and EXCERPT not in content
        title_hits = page(client, "/recherche/", q="confidentielle", type="threads")
        assert "0 threads" in title_hits and SECRET_TITLE not in title_hits
        fragment = client.get(
            "/recherche/", {"q": SECRET, "type": "posts", "page": 1}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert "0 messages" in fragment and EXCERPT not in fragment
        found = api_get(client, "/search", q=f"{SECRET} confidentielle").json()
        assert found["posts"] == {
            "count": 0,
            "more_than_counted": False,
            "page": 1,
            "has_next": False,
            "items": [],
        }
        threads = api_get(client, "/search", q="confidentielle", type="threads").json()
        assert threads["threads"]["count"] == 0


def test_search_finds_nothing_of_another_sections_space(client, supporter, other_section_thread):
    client.force_login(supporter)

    found = api_get(client, "/search", q=SECRET).json()

    assert found["posts"]["count"] == 0 and found["threads"]["count"] == 0
    assert EXCERPT not in page(client, "/recherche/", q=SECRET, type="posts")


def test_search_finds_no_text_of_a_deleted_message_nor_of_its_earlier_versions(
    client, supporter, member, public_thread
):
    post = post_create(author=member, thread=public_thread, body=f"Brouillon {SECRET}")
    post_edit(post=post, body="Version corrigée")
    client.force_login(supporter)
    assert api_get(client, "/search", q="corrigee").json()["posts"]["count"] == 1
    assert api_get(client, "/search", q=SECRET).json()["posts"]["count"] == 0

    post_delete(post=post)

    assert api_get(client, "/search", q="corrigee").json()["posts"]["count"] == 0


def test_search_counts_no_hidden_profile(client, supporter, staff):
    UserFactory(first_name="Zéphyrine", last_name="Cachée", profile_visibility="staff", **LISTED)
    UserFactory(
        first_name="Zéphyrine", last_name="Connectée", profile_visibility="signed_in", **LISTED
    )
    client.force_login(staff)
    assert api_get(client, "/search", q="zephyrine", type="people").json()["people"]["count"] == 2

    client.force_login(supporter)
    people = api_get(client, "/search", q="zephyrine", type="people").json()["people"]
    assert people["count"] == 1 and "Cachée" not in json.dumps(people)

    client.logout()
    people = api_get(client, "/search", q="zephyrine", type="people").json()["people"]
    assert people["count"] == 0
    assert "Connectée" not in page(client, "/recherche/", q="zephyrine", type="people")


# -- A section without a federation ----------------------------------------


def test_someone_of_a_section_without_federation_reads_no_private_group(
    client, new_person, insider, private_reply
):
    """A section created without a parent (the admin allows it) must not
    open every group to its people: "the spaces of my federation" is then
    nothing, not "the spaces without a unit"."""
    loner = new_person(section=SectionFactory(parent=None))
    mention_on_site(loner)
    follow(follower=loner, followed=insider)

    assert not readable_threads(loner).filter(pk=private_reply.thread_id).exists()
    assert not readable_posts(loner).filter(pk=private_reply.pk).exists()
    items, _next = feed_items(viewer=loner)
    assert [item for item in items if item.kind != "member"] == []
    assert search(viewer=loner, query=SECRET)["posts"].paginator.count == 0
    client.force_login(loner)
    assert EXCERPT not in page(client, reverse("accounts:profile", args=[insider.pk]))
    assert "Cercle fermé" not in page(client, reverse("accounts:profile", args=[insider.pk]))


# -- Notifications ----------------------------------------------------------


def leave(group, person):
    group_leave(group=group, user=person)


def remove(group, person):
    # No page removes a member yet: the admin deletes the membership.
    Membership.objects.filter(space=group, user=person).delete()


@pytest.mark.parametrize("lose_access", [leave, remove], ids=["left", "removed"])
def test_a_notification_about_a_private_thread_shows_nothing_once_access_is_lost(
    client, member, insider, private_thread, django_capture_on_commit_callbacks, lose_access
):
    mention_on_site(insider)
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=member, thread=private_thread, body=f"@{insider.handle} {SECRET} ?")
    notification = Notification.objects.get(recipient=insider, kind=Kind.MENTION)
    client.force_login(insider)
    assert SECRET_TITLE in page(client, reverse("notifications:list"))

    lose_access(private_thread.space, insider)

    assert SECRET_TITLE not in page(client, reverse("notifications:list"))
    listed = api_get(client, "/notifications").json()
    assert listed["items"] == [] and listed["unread_count"] == 0
    assert SECRET_TITLE not in json.dumps(listed)
    opened = client.get(reverse("notifications:open", args=[notification.pk]))
    assert opened.status_code == 404
    assert SECRET_TITLE not in opened.content.decode()


def test_a_notification_about_a_group_turned_private_shows_nothing_to_non_members(
    client, member, supporter, public_thread, django_capture_on_commit_callbacks
):
    mention_on_site(supporter)
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=member, thread=public_thread, body=f"@{supporter.handle} ?")
    client.force_login(supporter)
    assert "Défendons La Poste" in page(client, reverse("notifications:list"))

    group = public_thread.space
    group.visibility = Space.Visibility.PRIVATE
    group.save(update_fields=["visibility"])

    assert "Défendons La Poste" not in page(client, reverse("notifications:list"))
    assert api_get(client, "/notifications").json()["items"] == []


def test_a_notification_about_a_section_thread_shows_nothing_once_one_moved_away(
    client, member, supporter, section, other_section, django_capture_on_commit_callbacks
):
    section_space = territorial_space_ensure(section)
    mention_on_site(supporter)
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_create(
            author=member, space=section_space, title=SECRET_TITLE, body="Ordre du jour"
        )
        post_create(author=member, thread=thread, body=f"@{supporter.handle} {SECRET}")
    assert notifications_of(supporter).count() == 1

    section_join(user=supporter, section=other_section)
    client.force_login(supporter)

    assert SECRET_TITLE not in page(client, reverse("notifications:list"))
    assert api_get(client, "/notifications").json()["items"] == []


def test_a_notification_about_a_deleted_message_shows_none_of_its_text(
    client, member, supporter, public_thread, django_capture_on_commit_callbacks
):
    mention_on_site(supporter)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(
            author=member, thread=public_thread, body=f"@{supporter.handle} {SECRET} {EXCERPT}"
        )
    post_delete(post=post)
    client.force_login(supporter)

    listed = page(client, reverse("notifications:list"))
    [item] = api_get(client, "/notifications").json()["items"]
    notification = Notification.objects.get(recipient=supporter)
    landing = client.get(reverse("notifications:open", args=[notification.pk]), follow=True)

    assert EXCERPT not in listed and EXCERPT not in json.dumps(item)
    assert landing.status_code == 200
    assert "This message was deleted by its author." in landing.content.decode()
    assert EXCERPT not in landing.content.decode()


def emails_to(person):
    return OutgoingEmail.objects.filter(to=person.email)


def test_no_notification_email_about_a_private_thread_reaches_someone_outside_it(
    member, supporter, insider, private_thread, django_capture_on_commit_callbacks
):
    """Mentioned, quoted, or author of the thread: who cannot read it gets no
    email (and no notification); a member mentioned gets the text."""
    for person in (supporter, insider):
        preference_set(user=person, kind=Kind.MENTION, channel=Channel.EMAIL)
        preference_set(user=person, kind=Kind.QUOTE, channel=Channel.EMAIL)
        preference_set(user=person, kind=Kind.REPLY, channel=Channel.EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        mine = post_create(author=insider, thread=private_thread, body="Mon avis.")
    leave(private_thread.space, insider)
    group_join(group=private_thread.space, user=supporter)
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_create(
            author=supporter, space=private_thread.space, title="Autre fil", body="Bonjour"
        )
    leave(private_thread.space, supporter)

    with django_capture_on_commit_callbacks(execute=True):
        post_create(
            author=member,
            thread=private_thread,
            body=f"@{supporter.handle} @{insider.handle} {SECRET} {EXCERPT}",
            quoted=mine,
        )
        post_create(author=member, thread=thread, body=f"{SECRET} {EXCERPT}")

    # Their own badges (for their own messages) are theirs; nothing about the thread.
    about_thread = Notification.objects.filter(recipient__in=[supporter, insider]).exclude(
        kind=Kind.BADGE
    )
    assert not about_thread.exists()
    assert not emails_to(supporter).exclude(purpose=f"notification:{Kind.BADGE}").exists()
    assert not emails_to(insider).exclude(purpose=f"notification:{Kind.BADGE}").exists()

    group_join(group=private_thread.space, user=insider)
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=member, thread=private_thread, body=f"@{insider.handle} {EXCERPT}")
    [email] = emails_to(insider)
    assert EXCERPT in email.body_text


def test_a_new_follower_whose_profile_is_hidden_is_not_announced(
    client, supporter, new_person, django_capture_on_commit_callbacks
):
    hidden = new_person(profile_visibility=ProfileVisibility.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        follow(follower=hidden, followed=supporter)
    client.force_login(supporter)

    assert hidden.public_name not in page(client, reverse("notifications:list"))
    assert api_get(client, "/notifications").json()["items"] == []


# -- Profiles ---------------------------------------------------------------


def profile_url(person):
    return reverse("accounts:profile", args=[person.pk])


def test_a_profile_shows_a_private_groups_messages_and_name_to_its_members_only(
    client, member, supporter, insider, private_reply
):
    client.force_login(member)
    seen_by_fellow = page(client, profile_url(insider))
    assert EXCERPT in seen_by_fellow and "Cercle fermé" in seen_by_fellow

    for viewer in (supporter, None):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        content = page(client, profile_url(insider))
        assert EXCERPT not in content
        assert SECRET_TITLE not in content
        assert "Cercle fermé" not in content
        assert "No group to show." in content


def test_a_profile_shows_nothing_of_a_section_space_to_people_of_another_section(
    client, supporter, other_person, other_section_thread
):
    client.force_login(supporter)

    content = page(client, profile_url(other_person))

    assert EXCERPT not in content and "Réunion de section" not in content


# -- Mentions ---------------------------------------------------------------


def test_mention_suggestions_leave_out_hidden_erased_and_inactive_people(
    client, supporter, new_person
):
    new_person(handle="zoe-visible", first_name="Zoé", **LISTED)
    new_person(
        handle="zoe-cachee", first_name="Zoé", profile_visibility=ProfileVisibility.STAFF, **LISTED
    )
    new_person(handle="zoe-partie", first_name="Zoé", is_active=False, **LISTED)
    new_person(handle="zoe-effacee", first_name="Zoé", erased_at=timezone.now(), **LISTED)
    client.force_login(supporter)

    content = page(client, reverse("conversations:mention_suggestions"), q="zoe")

    assert "@zoe-visible" in content
    assert "zoe-cachee" not in content
    assert "zoe-partie" not in content
    assert "zoe-effacee" not in content


def test_staff_are_not_suggested_a_hidden_profile_they_could_not_mention(client, staff, new_person):
    new_person(handle="zoe-cachee", profile_visibility=ProfileVisibility.STAFF)
    client.force_login(staff)

    content = page(client, reverse("conversations:mention_suggestions"), q="zoe")

    assert "zoe-cachee" not in content


def test_mention_suggestions_are_for_signed_in_people_only(client, new_person):
    new_person(handle="zoe-visible", profile_visibility=ProfileVisibility.PUBLIC)

    response = client.get(reverse("conversations:mention_suggestions"), {"q": "zoe"})

    assert response.status_code == 302
    assert "zoe-visible" not in response.content.decode()


def test_mentioning_a_hidden_profile_is_answered_like_a_handle_that_is_nobodys(
    client, supporter, public_thread, new_person, django_capture_on_commit_callbacks
):
    """Handles come from names (@jean-dupont): if the form told "nobody has
    this handle" from a hidden profile's handle, anyone could learn that a
    given person is on the party's platform."""
    hidden = new_person(handle="jean-cache", profile_visibility=ProfileVisibility.STAFF)
    group_join(group=public_thread.space, user=supporter)
    client.force_login(supporter)
    reply = reverse("conversations:reply", args=[public_thread.pk])

    nobody = client.post(reply, {"body": "Bonjour @personne-du-tout"})
    with django_capture_on_commit_callbacks(execute=True):
        cache = client.post(reply, {"body": "Bonjour @jean-cache"})

    assert nobody.status_code == cache.status_code == 400
    assert "@jean-cache: nobody has this handle." in cache.content.decode()
    assert not Post.objects.filter(body__contains="@jean-cache").exists()
    assert not Notification.objects.filter(recipient=hidden).exists()
    token = access_token_create(user=supporter, name="script")[1]
    by_token = client.post(
        f"{API}/threads/{public_thread.pk}/posts",
        json.dumps({"body": "Bonjour @jean-cache"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert by_token.status_code == 422
    assert "@jean-cache: nobody has this handle." in by_token.content.decode()
    thread_page = page(client, reverse("conversations:thread", args=[public_thread.pk]))
    assert profile_url(hidden) not in thread_page


def test_a_visible_profile_is_still_mentioned_and_linked(
    client, supporter, public_thread, new_person
):
    visible = new_person(handle="jean-visible")
    group_join(group=public_thread.space, user=supporter)
    client.force_login(supporter)

    response = client.post(
        reverse("conversations:reply", args=[public_thread.pk]), {"body": "Bonjour @jean-visible"}
    )

    assert response.status_code == 302
    assert Post.objects.get(body="Bonjour @jean-visible").mentions.get().user == visible


# -- Quotes -----------------------------------------------------------------


def thread_url(thread):
    return reverse("conversations:thread", args=[thread.pk])


def test_quoting_a_private_message_from_another_thread_shows_nothing_of_it(
    client, supporter, public_thread, private_reply
):
    group_join(group=public_thread.space, user=supporter)
    client.force_login(supporter)

    content = page(client, thread_url(public_thread), quote=private_reply.pk)

    assert EXCERPT not in content
    assert f'name="quote" value="{private_reply.pk}"' not in content
    assert private_reply.author.public_name not in content


def test_a_forged_quote_of_a_private_message_is_refused_without_echoing_it(
    client, supporter, public_thread, private_reply
):
    group_join(group=public_thread.space, user=supporter)
    client.force_login(supporter)
    reply = reverse("conversations:reply", args=[public_thread.pk])

    forged = client.post(reply, {"body": "Je cite", "quote": private_reply.pk})
    missing = client.post(reply, {"body": "Je cite", "quote": 10**9})

    assert forged.status_code == missing.status_code == 400
    assert EXCERPT not in forged.content.decode()
    assert "This message cannot be quoted" in forged.content.decode()
    assert not Post.objects.filter(quoted=private_reply).exists()


def test_the_api_refuses_a_forged_quote_id_like_a_missing_one(
    client, supporter, public_thread, private_reply
):
    group_join(group=public_thread.space, user=supporter)
    token = access_token_create(user=supporter, name="script")[1]

    def reply_quoting(post_id):
        return client.post(
            f"{API}/threads/{public_thread.pk}/posts",
            json.dumps({"body": "Je cite", "quote_id": post_id}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    forged, missing = reply_quoting(private_reply.pk), reply_quoting(10**9)

    assert forged.status_code == missing.status_code == 422
    assert forged.json() == missing.json()
    assert not Post.objects.filter(quoted=private_reply).exists()


def test_a_quote_of_a_message_deleted_since_shows_none_of_its_text(
    client, member, supporter, public_thread
):
    quoted = post_create(author=member, thread=public_thread, body=f"Avant {EXCERPT}")
    post_create(author=supporter, thread=public_thread, body="Je cite", quoted=quoted)
    post_delete(post=quoted)
    client.force_login(supporter)

    content = page(client, thread_url(public_thread))
    posts = api_get(client, f"/threads/{public_thread.pk}/posts").json()["items"]

    assert EXCERPT not in content and "In reply to a deleted message." in content
    assert posts[-1]["quoted"] == {
        "id": quoted.pk,
        "author": posts[-1]["quoted"]["author"],
        "excerpt": "",
        "deleted": True,
        "hidden": False,
    }
    assert EXCERPT not in json.dumps(posts)


# -- Histories, reactions, forged addresses ---------------------------------


def test_the_history_of_a_private_message_is_a_404_to_outsiders(
    client, member, supporter, private_reply
):
    post_edit(post=private_reply, body="Version publiée")
    history = reverse("conversations:post_history", args=[private_reply.pk])
    client.force_login(member)
    assert EXCERPT in page(client, history)
    assert EXCERPT in json.dumps(api_get(client, f"/posts/{private_reply.pk}/revisions").json())

    for viewer in (supporter, None):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        assert client.get(history).status_code == 404
        revisions = api_get(client, f"/posts/{private_reply.pk}/revisions")
        assert revisions.status_code == 404 and EXCERPT not in revisions.content.decode()


def test_a_deleted_message_keeps_no_earlier_version(client, member, supporter, public_thread):
    post = post_create(author=member, thread=public_thread, body=f"Premier jet {EXCERPT}")
    post_edit(post=post, body="Second jet")
    post_delete(post=post)
    client.force_login(supporter)

    content = page(client, reverse("conversations:post_history", args=[post.pk]))
    revisions = api_get(client, f"/posts/{post.pk}/revisions").json()

    assert EXCERPT not in content and "Second jet" not in content
    assert revisions == []


def test_who_reacted_to_a_private_message_is_shown_to_members_only(
    client, member, supporter, private_reply
):
    reaction_toggle(post=private_reply, user=member)
    thread = private_reply.thread
    client.force_login(member)
    [_opening, reply] = api_get(client, f"/threads/{thread.pk}/posts").json()["items"]
    assert [person["id"] for person in reply["reacted_by"]] == [member.pk]

    client.force_login(supporter)

    assert api_get(client, f"/threads/{thread.pk}/posts").status_code == 404
    react = client.post(reverse("conversations:react", args=[private_reply.pk]))
    assert react.status_code == 404 and member.public_name not in react.content.decode()
    by_htmx = client.post(
        reverse("conversations:react", args=[private_reply.pk]), HTTP_HX_REQUEST="true"
    )
    assert by_htmx.status_code == 404
    assert private_reply.reactions.count() == 1


def forged_addresses(thread, post):
    """Every page about a thread or a message, as (method, address)."""
    return [
        ("get", reverse("conversations:thread", args=[thread.pk])),
        ("get", reverse("conversations:reply", args=[thread.pk])),
        ("post", reverse("conversations:reply", args=[thread.pk])),
        ("post", reverse("conversations:thread_pin", args=[thread.pk])),
        ("post", reverse("conversations:thread_lock", args=[thread.pk])),
        ("get", reverse("conversations:post", args=[post.pk])),
        ("get", reverse("conversations:post_history", args=[post.pk])),
        ("get", reverse("conversations:post_edit", args=[post.pk])),
        ("post", reverse("conversations:post_edit", args=[post.pk])),
        ("get", reverse("conversations:post_delete", args=[post.pk])),
        ("post", reverse("conversations:post_delete", args=[post.pk])),
        ("post", reverse("conversations:react", args=[post.pk])),
    ]


def test_every_address_of_a_private_thread_is_a_404_like_a_missing_one(
    client, supporter, private_reply
):
    """Not a 403: an outsider may not even learn that the thread exists."""
    thread = private_reply.thread
    client.force_login(supporter)
    missing_thread, missing_post = type(thread)(pk=10**9), Post(pk=10**9)

    for (method, url), (_same, missing_url) in zip(
        forged_addresses(thread, private_reply),
        forged_addresses(missing_thread, missing_post),
        strict=True,
    ):
        response = getattr(client, method)(url, {"body": f"{SECRET} encore"})
        assert response.status_code == 404, url
        assert getattr(client, method)(missing_url, {"body": "x"}).status_code == 404
        assert EXCERPT not in response.content.decode()
    assert thread.posts.count() == 2 and not thread.pinned and not thread.locked
    assert not Post.objects.filter(body__startswith=f"{SECRET} encore").exists()


def test_every_api_address_of_a_private_thread_is_a_404_like_a_missing_one(
    client, supporter, private_reply
):
    thread = private_reply.thread
    token = access_token_create(user=supporter, name="script")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def call(method, path, data=None):
        return getattr(client, method)(
            f"{API}{path}",
            json.dumps(data) if data is not None else "",
            content_type="application/json",
            **auth,
        )

    for thread_id, post_id in ((thread.pk, private_reply.pk), (10**9, 10**9)):
        answers = [
            call("get", f"/threads/{thread_id}"),
            call("get", f"/threads/{thread_id}/posts"),
            call("post", f"/threads/{thread_id}/posts", {"body": "Intrus"}),
            call("patch", f"/threads/{thread_id}", {"pinned": True}),
            call("post", f"/threads/{thread_id}/read"),
            call("get", f"/posts/{post_id}/revisions"),
            call("patch", f"/posts/{post_id}", {"body": "Intrus"}),
            call("delete", f"/posts/{post_id}"),
            call("post", f"/posts/{post_id}/reactions"),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all(answer.json() == {"detail": "Not found."} for answer in answers)
    assert call("get", f"/spaces/{thread.space.slug}/threads").status_code == 404
    assert thread.posts.count() == 2


# -- Member lists and space pages -------------------------------------------


def test_a_private_groups_members_are_named_to_its_members_only(
    client, member, supporter, insider, private_thread
):
    group = private_thread.space
    members_url = reverse("spaces:members", args=[group.slug])
    group_url = reverse("spaces:group", args=[group.slug])
    client.force_login(member)
    assert insider.public_name in page(client, members_url)

    for viewer in (supporter, None):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        listing = client.get(members_url, {"page": 2})
        fragment = client.get(members_url, {"page": 1}, HTTP_HX_REQUEST="true")
        group_page = page(client, group_url)
        threads_fragment = client.get(group_url, {"page": 1}, HTTP_HX_REQUEST="true")
        api_members = api_get(client, f"/groups/{group.slug}/members")
        detail = api_get(client, f"/groups/{group.slug}").json()
        for response in (listing, fragment):
            assert response.status_code == 302
            assert insider.public_name not in response.content.decode()
        assert insider.public_name not in group_page and SECRET_TITLE not in group_page
        assert SECRET_TITLE not in threads_fragment.content.decode()
        assert api_members.status_code == 404
        assert detail["animators"] is None and detail["content_visible"] is False


def test_a_member_list_leaves_out_hidden_profiles_except_for_the_groups_animators(
    client, member, supporter, public_group, new_person
):
    hidden = new_person(profile_visibility=ProfileVisibility.STAFF, last_name="Cachée")
    group_join(group=public_group, user=hidden)
    group_join(group=public_group, user=supporter)
    members_url = reverse("spaces:members", args=[public_group.slug])
    client.force_login(member)
    assert hidden.public_name in page(client, members_url)

    client.force_login(supporter)

    assert hidden.public_name not in page(client, members_url)
    assert hidden.public_name not in page(client, reverse("spaces:group", args=[public_group.slug]))
    listed = api_get(client, f"/groups/{public_group.slug}/members").json()["items"]
    assert hidden.pk not in [item["person"]["id"] for item in listed]


def test_a_section_spaces_threads_are_hidden_from_other_sections_even_as_a_fragment(
    client, supporter, other_section_thread
):
    space = other_section_thread.space
    client.force_login(supporter)

    full = page(client, reverse("spaces:space", args=[space.slug]))
    fragment = client.get(
        reverse("spaces:space", args=[space.slug]), {"page": 2}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "Réunion de section" not in full and "Réunion de section" not in fragment
    assert api_get(client, f"/spaces/{space.slug}/threads").status_code == 404


# -- The data export --------------------------------------------------------


def test_the_export_holds_no_one_elses_messages_nor_a_hidden_follower(
    client, member, insider, private_reply, new_person
):
    hidden_follower = new_person(profile_visibility=ProfileVisibility.STAFF)
    visible_follower = new_person()
    follow(follower=hidden_follower, followed=member)
    follow(follower=visible_follower, followed=member)
    data = export_downloaded(client, member).json()

    exported = json.dumps(data, ensure_ascii=False)
    assert SECRET_TITLE in exported  # the thread member started
    assert f"D'accord pour {SECRET}" not in exported  # insider's reply to it
    assert [post["id"] for post in data["conversations"]["posts"]] == [
        private_reply.thread.posts.earliest("pk").pk
    ]
    assert data["accounts"]["followers"] == [visible_follower.pk]


# -- Erased and deactivated accounts ----------------------------------------


@pytest.mark.parametrize(
    "state",
    [{"is_active": False}, {"is_active": False, "erased_at": timezone.now()}],
    ids=["deactivated", "erased"],
)
def test_an_erased_or_deactivated_account_reads_nothing_beyond_what_is_public(
    client, member, section, private_thread, public_thread, state, new_person
):
    former = new_person(section=section, **state)
    Membership.objects.create(space=private_thread.space, user=former)
    section_thread = thread_create(
        author=member, space=territorial_space_ensure(section), title="Section", body=SECRET
    )
    token = access_token_create(user=former, name="script")[1]

    assert set(readable_threads(former)) == {public_thread}
    assert search(viewer=former, query=SECRET)["posts"].paginator.count == 0
    assert section_thread not in readable_threads(former)
    assert client.get(f"{API}/feed", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    client.force_login(former)
    assert client.get("/fil/").status_code == 302  # the session no longer signs them in
