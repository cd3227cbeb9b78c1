"""The home feed: what is new in my spaces and from the people I follow —
threads, replies, new members — never anything I may not read."""

import base64
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.models import Follow, ProfileVisibility
from membrane.conversations.feed import InvalidCursor, decode_cursor, encode_cursor, feed_items
from membrane.conversations.models import Post, Thread
from membrane.conversations.services import post_create, post_delete, thread_create
from membrane.moderation.models import SpacePolicy
from membrane.spaces.models import Membership, Space
from membrane.spaces.services import group_create, group_join, territorial_space_ensure
from tests.factories import UserFactory

FEED_URL = "/fil/"


@pytest.fixture
def section_space(section):
    return territorial_space_ensure(section)


@pytest.fixture
def federation_space(federation):
    return territorial_space_ensure(federation)


@pytest.fixture
def national_space(federation):
    return territorial_space_ensure(federation.parent)


@pytest.fixture
def other_section_space(other_section):
    return territorial_space_ensure(other_section)


@pytest.fixture
def public_group(member):
    return group_create(creator=member, name="Services publics", description="La Poste, l'école")


@pytest.fixture
def private_group(member):
    return group_create(creator=member, name="Cercle fermé", visibility=Space.Visibility.PRIVATE)


def kinds_and_ids(items):
    return [(item.kind, item.id) for item in items]


def thread_titles(items):
    return {item.obj.title for item in items if item.kind == "thread"}


def reply_ids(items):
    return {item.id for item in items if item.kind == "post"}


# What the feed shows -----------------------------------------------------------------------


def test_the_feed_shows_new_threads_and_replies_in_my_section(supporter, member, section_space):
    thread = thread_create(
        author=member, space=section_space, title="Tractage samedi", body="Qui vient ?"
    )
    reply = post_create(author=member, thread=thread, body="Rendez-vous au marché.")

    items, _cursor = feed_items(viewer=supporter)

    assert thread_titles(items) == {"Tractage samedi"}
    assert reply_ids(items) == {reply.pk}


def test_the_feed_shows_my_federation_and_the_national_space(
    supporter, member, federation_space, national_space
):
    thread_create(
        author=member, space=federation_space, title="Congrès fédéral", body="Ordre du jour"
    )
    thread_create(author=member, space=national_space, title="Université d'été", body="Programme")

    items, _cursor = feed_items(viewer=supporter)

    assert thread_titles(items) == {"Congrès fédéral", "Université d'été"}


def test_the_feed_shows_threads_and_replies_of_my_groups(supporter, member, private_group):
    group_join(group=private_group, user=supporter)
    thread = thread_create(author=member, space=private_group, title="Entre nous", body="Bienvenue")
    reply = post_create(author=member, thread=thread, body="Merci à tous")

    items, _cursor = feed_items(viewer=supporter)

    assert thread_titles(items) == {"Entre nous"}
    assert reply_ids(items) == {reply.pk}


def test_the_feed_shows_what_people_i_follow_write_in_spaces_i_can_read(
    supporter, outsider_animator, charter
):
    group = group_create(creator=outsider_animator, name="Ruralité")  # public, not mine
    thread = thread_create(
        author=outsider_animator, space=group, title="Les bus de campagne", body="…"
    )
    reply = post_create(author=outsider_animator, thread=thread, body="Et les trains !")
    Follow.objects.create(follower=supporter, followed=outsider_animator)

    items, _cursor = feed_items(viewer=supporter)

    assert thread_titles(items) == {"Les bus de campagne"}
    assert reply_ids(items) == {reply.pk}


def test_the_feed_shows_replies_of_people_i_follow_in_threads_of_others(
    supporter, member, outsider_animator
):
    group = group_create(creator=member, name="Écologie")
    thread = thread_create(author=member, space=group, title="Le vélo", body="Pistes cyclables")
    reply = post_create(author=outsider_animator, thread=thread, body="Chez nous aussi")
    Follow.objects.create(follower=supporter, followed=outsider_animator)

    items, _cursor = feed_items(viewer=supporter)

    assert kinds_and_ids(items) == [("post", reply.pk)]


def test_the_feed_shows_new_members_of_my_groups(supporter, member, public_group):
    group_join(group=public_group, user=supporter)
    newcomer = UserFactory(first_name="Nadia", last_name="Benali")
    group_join(group=public_group, user=newcomer)

    items, _cursor = feed_items(viewer=supporter)

    joined = [item.obj for item in items if item.kind == "member"]
    assert [(m.user, m.space) for m in joined] == [(newcomer, public_group), (member, public_group)]


def test_the_feed_page_says_who_did_what_where_and_links_to_the_group(
    client, supporter, member, public_group, section_space
):
    group_join(group=public_group, user=supporter)
    newcomer = UserFactory(first_name="Nadia", last_name="Benali")
    group_join(group=public_group, user=newcomer)
    thread = thread_create(
        author=member, space=section_space, title="Tractage samedi", body="Qui vient ?"
    )
    reply = post_create(author=newcomer, thread=thread, body="Moi !")
    client.force_login(supporter)

    page = client.get(FEED_URL).content.decode()

    assert f'href="{reverse("conversations:thread", args=[thread.pk])}"' in page
    assert f'href="{reverse("conversations:post", args=[reply.pk])}"' in page
    assert f'href="{reverse("spaces:group", args=[public_group.slug])}"' in page
    assert "Nadia Benali" in page
    assert "joined the group" in page
    assert "Services publics" in page
    assert "Tractage samedi" in page
    assert "started a thread" in page
    assert member.public_name in page
    assert "Section de Bègles" in page
    assert "ago" in page


# What the feed never shows -----------------------------------------------------------------


def test_the_feed_never_shows_a_private_group_i_am_not_in(
    supporter, member, private_group, outsider_animator
):
    group_join(group=private_group, user=outsider_animator)
    thread = thread_create(author=member, space=private_group, title="Stratégie", body="Secret")
    post_create(author=outsider_animator, thread=thread, body="D'accord")
    # Following its members does not open the group either.
    Follow.objects.create(follower=supporter, followed=member)
    Follow.objects.create(follower=supporter, followed=outsider_animator)

    items, _cursor = feed_items(viewer=supporter)

    assert items == []


def test_the_feed_never_shows_another_sections_space_even_from_people_i_follow(
    supporter, outsider_animator, other_section_space
):
    thread = thread_create(
        author=outsider_animator,
        space=other_section_space,
        title="Réunion à Villeurbanne",
        body="…",
    )
    post_create(author=outsider_animator, thread=thread, body="Salle Raspail")
    Follow.objects.create(follower=supporter, followed=outsider_animator)

    items, _cursor = feed_items(viewer=supporter)

    assert items == []


def test_the_feed_never_shows_deleted_posts(supporter, member, section_space):
    thread = thread_create(author=member, space=section_space, title="Collage", body="Ce soir")
    kept = post_create(author=member, thread=thread, body="Je viens")
    gone = post_create(author=member, thread=thread, body="Texte regretté")
    post_delete(post=gone)

    items, _cursor = feed_items(viewer=supporter)

    assert reply_ids(items) == {kept.pk}


def test_the_feed_page_never_shows_the_text_of_a_deleted_opening_post(
    client, supporter, member, section_space
):
    thread = thread_create(
        author=member, space=section_space, title="Collage", body="Texte regretté"
    )
    post_delete(post=thread.posts.get())
    client.force_login(supporter)

    page = client.get(FEED_URL).content.decode()

    assert "Collage" in page
    assert "Texte regretté" not in page


def test_the_feed_does_not_show_my_own_doings(supporter, member, public_group, section_space):
    thread = thread_create(author=supporter, space=section_space, title="Mon fil", body="…")
    post_create(author=supporter, thread=thread, body="Ma réponse")
    group_join(group=public_group, user=supporter)

    items, _cursor = feed_items(viewer=supporter)

    assert [item.kind for item in items] == ["member"]  # the group's creator joining
    assert items[0].obj.user == member


def test_the_feed_does_not_show_people_joining_whose_profile_is_hidden_from_me(
    supporter, public_group
):
    group_join(group=public_group, user=supporter)
    hidden = UserFactory(profile_visibility=ProfileVisibility.STAFF)
    group_join(group=public_group, user=hidden)

    items, _cursor = feed_items(viewer=supporter)

    assert hidden not in [item.obj.user for item in items if item.kind == "member"]


def test_a_new_thread_is_shown_once_not_also_as_a_reply(supporter, member, section_space):
    thread_create(author=member, space=section_space, title="Un seul", body="Premier message")

    items, _cursor = feed_items(viewer=supporter)

    assert [item.kind for item in items] == ["thread"]


# Pages and cursors -------------------------------------------------------------------------


def without_rate_limit(space):
    """Bulk test data: the space's moderation policy accepts any number of
    messages an hour (the default limit refuses the 21st)."""
    SpacePolicy.objects.update_or_create(space=space, defaults={"posts_per_hour": 0})


def make_activity(author, space, *, threads, replies_each):
    without_rate_limit(space)
    for number in range(threads):
        thread = thread_create(author=author, space=space, title=f"Fil {number}", body="Début")
        for reply in range(replies_each):
            post_create(author=author, thread=thread, body=f"Réponse {reply}")


def test_the_cursor_walks_every_item_once_newest_first(
    supporter, member, section_space, public_group
):
    group_join(group=public_group, user=supporter)
    make_activity(member, section_space, threads=9, replies_each=3)
    for _index in range(7):
        group_join(group=public_group, user=UserFactory())
    # Ties on time between kinds and within a kind must neither skip nor repeat.
    same_time = timezone.now() - timedelta(hours=1)
    Thread.objects.filter(pk__in=Thread.objects.order_by("pk").values("pk")[:4]).update(
        created_at=same_time
    )
    Post.objects.filter(pk__in=Post.objects.order_by("pk").values("pk")[:10]).update(
        created_at=same_time
    )
    Membership.objects.filter(space=public_group).update(joined_at=same_time)
    expected = 9 + 9 * 3 + 8  # threads, replies, members (the creator and seven newcomers)

    seen, cursor, pages = [], None, 0
    while True:
        items, cursor = feed_items(viewer=supporter, cursor=cursor, limit=7)
        seen.extend(items)
        pages += 1
        if cursor is None:
            break

    assert len(seen) == expected
    assert len(set(kinds_and_ids(seen))) == expected
    assert pages == -(-expected // 7)
    assert [item.key for item in seen] == sorted((item.key for item in seen), reverse=True)


def test_the_feed_page_links_to_the_next_page_which_continues_the_list(
    client, supporter, member, section_space
):
    make_activity(member, section_space, threads=25, replies_each=0)
    client.force_login(supporter)

    first = client.get(FEED_URL)
    next_cursor = first.context["next_cursor"]
    second = client.get(FEED_URL, {"cursor": next_cursor})

    assert len(first.context["feed_items"]) == 20
    assert f"?cursor={next_cursor}" in first.content.decode()
    assert len(second.context["feed_items"]) == 5
    assert second.context["next_cursor"] is None
    assert "Older news" not in second.content.decode()


def test_an_htmx_request_gets_only_the_next_items(client, supporter, member, section_space):
    make_activity(member, section_space, threads=25, replies_each=0)
    client.force_login(supporter)
    cursor = client.get(FEED_URL).context["next_cursor"]

    response = client.get(FEED_URL, {"cursor": cursor}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.count('class="card feed-item') == 5


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        base64.urlsafe_b64encode(b"123.unknown.4").decode(),
        base64.urlsafe_b64encode(b"123.thread").decode(),
        base64.urlsafe_b64encode(b"abc.thread.4").decode(),
        base64.urlsafe_b64encode(b"-5.thread.4").decode(),
        base64.urlsafe_b64encode(b"99999999999999999999999.thread.4").decode(),
        base64.urlsafe_b64encode("123.thread.\u00e9".encode()).decode(),
        "A" * 500,
    ],
)
def test_a_malformed_cursor_gets_a_400_with_a_message(client, supporter, cursor):
    client.force_login(supporter)

    response = client.get(FEED_URL, {"cursor": cursor})

    assert response.status_code == 400
    assert "This page of the feed does not exist" in response.content.decode()


def test_a_cursor_gives_back_the_position_it_names():
    at = timezone.now()

    position = decode_cursor(encode_cursor(at, "post", 42))

    assert (position.at, position.kind, position.id) == (at, "post", 42)


def test_decoding_a_malformed_cursor_raises_invalid_cursor():
    with pytest.raises(InvalidCursor):
        decode_cursor("garbage!")


def test_the_feed_is_for_signed_in_people(client, db):
    response = client.get(FEED_URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_the_feed_address_is_named(db):
    assert reverse("discovery:feed") == FEED_URL


# The home page -----------------------------------------------------------------------------


def test_the_home_page_shows_the_feed_to_signed_in_people(client, supporter, member, section_space):
    thread_create(author=member, space=section_space, title="Tractage samedi", body="Qui vient ?")
    client.force_login(supporter)

    page = client.get("/").content.decode()

    assert "What&#x27;s new" in page or "What's new" in page
    assert "Tractage samedi" in page


def test_the_home_page_shows_no_feed_to_visitors(client, member, section_space):
    thread_create(author=member, space=section_space, title="Tractage samedi", body="Qui vient ?")

    page = client.get("/").content.decode()

    assert "Tractage samedi" not in page


# Pinned numbers of queries -----------------------------------------------------------------


def count_feed_queries(client, url):
    client.get(url)  # caches warmed: instance settings, charter version
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response


def fill(viewer, member, section_space, group, count):
    """`count` threads, `count` replies and `count` newcomers, from authors
    with and without photos."""
    authors = [member, UserFactory(photo="photos/a.jpg"), UserFactory()]
    without_rate_limit(section_space)
    for index in range(count):
        thread = thread_create(
            author=authors[index % 3], space=section_space, title=f"Fil {index}", body="Début"
        )
        post_create(author=authors[(index + 1) % 3], thread=thread, body="Réponse")
        group_join(group=group, user=UserFactory())
    Follow.objects.get_or_create(follower=viewer, followed=authors[1])


@pytest.mark.parametrize("url", [FEED_URL, "/"])
def test_the_number_of_queries_does_not_grow_with_the_feed(
    client, supporter, member, section_space, public_group, url
):
    group_join(group=public_group, user=supporter)
    client.force_login(supporter)
    fill(supporter, member, section_space, public_group, 2)
    few, few_page = count_feed_queries(client, url)
    fill(supporter, member, section_space, public_group, 48)
    many, many_page = count_feed_queries(client, url)

    assert len(few_page.context["feed_items"]) < len(many_page.context["feed_items"])
    assert many == few


def test_a_federation_animator_sees_what_is_new_in_their_federation(
    federation_animator, member, federation_space, section_space
):
    thread_create(author=member, space=federation_space, title="Congrès fédéral", body="…")

    items, _cursor = feed_items(viewer=federation_animator)

    assert thread_titles(items) == {"Congrès fédéral"}
