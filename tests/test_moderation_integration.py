"""Moderation in the content, through the pages and the API: the posting
guards (a muted person refused, a rate limit, messages held for review and
seen by their author alone until approved, then notified), hidden content
replaced in place by its reason (its author and moderators still read it,
its author may appeal), hidden and held content filtered out of every list
(feed, search, profiles, the directory, the API), report and moderate links,
and numbers of queries that do not grow with hidden or held content."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membrane.conversations.models import Post, Thread
from membrane.conversations.moderated import hiding_decisions
from membrane.conversations.services import post_create, thread_create
from membrane.moderation.models import Action, ModerationState, Report, SpacePolicy
from membrane.moderation.services import appeal_create, decide
from membrane.notifications.models import Kind, Notification
from membrane.notifications.selectors import notifications_of
from membrane.spaces.models import Role
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
SECRET = "Propos xq7 à ne montrer à personne"
TITLE = "Un titre zk4 litigieux"
REASON = "Le message vise une personne."
HIDDEN_NOTICE = "Hidden by moderation — reason: article 1 of the charter"
HELD_NOTICE = "Waiting for a moderator&#x27;s review: only you see it for now"
LINKS = " ".join(f"https://exemple.fr/{n}" for n in range(5))


# -- Personas and content --------------------------------------------------------------------


@pytest.fixture
def moderator(charter):
    return UserFactory(charter_version_accepted=charter.number, display_name="Modératrice Zen")


@pytest.fixture
def group(member, supporter, moderator):
    """A public group: the member writes, the supporter reads, the moderator moderates."""
    group = GroupFactory(name="Services publics", description="Défendre la Poste.")
    MembershipFactory(space=group, user=moderator, role=Role.MODERATOR)
    MembershipFactory(space=group, user=member)
    MembershipFactory(space=group, user=supporter)
    return group


@pytest.fixture
def thread(group, member):
    return thread_create(author=member, space=group, title="Le service public", body="Ouvrons.")


@pytest.fixture
def hidden_reply(thread, member, moderator):
    post = post_create(author=member, thread=thread, body=SECRET)
    hide(moderator, post)
    return post


def hide(moderator, content, *, article=1):
    return decide(
        moderator=moderator, content=content, action=Action.HIDE, article=article, reason=REASON
    )


def approve(moderator, content):
    return decide(
        moderator=moderator, content=content, action=Action.APPROVE, article="", reason="Ok."
    )


def decide_of(content):
    """The decision that hid the content."""
    return hiding_decisions([content])[content.pk]


def policy(space, **fields):
    SpacePolicy.objects.update_or_create(space=space, defaults=fields)


def muted(member, thread, moderator):
    post = post_create(author=member, thread=thread, body="Un message de trop.")
    decide(
        moderator=moderator,
        content=post,
        action=Action.MUTE,
        article=1,
        reason="Une pause.",
        mute_days=3,
    )


def thread_url(thread):
    return reverse("conversations:thread", args=[thread.pk])


def reply_url(thread):
    return reverse("conversations:reply", args=[thread.pk])


def new_thread_url(space):
    return reverse("conversations:thread_create", args=[space.slug])


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def as_(client, person):
    client.logout()
    if person is not None:
        client.force_login(person)
    return client


def api_get(client, path, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def api_post(client, path, payload):
    return client.post(f"{API}{path}", payload, content_type="application/json")


# -- 1. Posting: mutes and rate limits, before anything is saved -------------------------------


def test_a_muted_person_is_refused_with_403_and_keeps_their_reply(
    client, member, thread, moderator
):
    muted(member, thread, moderator)
    before = Post.objects.count()
    client.force_login(member)

    response = client.post(reply_url(thread), {"body": "Mon texte gardé ab1"})

    assert response.status_code == 403
    content = response.content.decode()
    assert "You are muted in this space" in content
    assert "Mon texte gardé ab1" in content
    assert Post.objects.count() == before


def test_a_muted_person_cannot_start_a_thread_and_keeps_title_and_text(
    client, member, thread, moderator, group
):
    muted(member, thread, moderator)
    client.force_login(member)

    response = client.post(new_thread_url(group), {"title": "Titre gardé", "body": "Corps gardé"})

    assert response.status_code == 403
    content = response.content.decode()
    assert "You are muted in this space" in content
    assert "Titre gardé" in content and "Corps gardé" in content
    assert not Thread.objects.filter(title="Titre gardé").exists()


def test_a_muted_person_is_refused_by_the_api_with_403(client, member, thread, moderator, group):
    muted(member, thread, moderator)
    client.force_login(member)

    reply = api_post(client, f"/threads/{thread.pk}/posts", {"body": "Non"})
    start = api_post(client, f"/spaces/{group.slug}/threads", {"title": "Non", "body": "Non"})

    for response in (reply, start):
        assert response.status_code == 403
        assert "You are muted in this space" in response.json()["detail"]
    assert not Post.objects.filter(body="Non").exists()


def test_over_the_space_rate_the_page_answers_429_and_keeps_the_text(client, member, thread, group):
    policy(group, posts_per_hour=2)
    post_create(author=member, thread=thread, body="Deuxième")
    client.force_login(member)

    response = client.post(reply_url(thread), {"body": "Troisième gardé"})

    assert response.status_code == 429
    content = response.content.decode()
    assert "This space accepts 2 messages an hour" in content
    assert "Troisième gardé" in content
    assert not Post.objects.filter(body="Troisième gardé").exists()


def test_over_the_space_rate_the_api_answers_429(client, member, thread, group):
    policy(group, posts_per_hour=2)
    post_create(author=member, thread=thread, body="Deuxième")
    client.force_login(member)

    response = api_post(client, f"/threads/{thread.pk}/posts", {"body": "Troisième"})

    assert response.status_code == 429
    assert set(response.json()) == {"detail"}
    assert "2 messages an hour" in response.json()["detail"]


def test_the_moderators_of_a_space_are_not_rate_limited(client, moderator, thread, group):
    policy(group, posts_per_hour=1)
    client.force_login(moderator)

    for number in range(3):
        assert client.post(reply_url(thread), {"body": f"Modération {number}"}).status_code == 302


# -- 1. Posting: guards hold messages, seen by their author alone --------------------------------


@pytest.mark.parametrize(
    ("guard", "body", "source"),
    [
        ({"premoderation": True}, "Mon avis", Report.Source.PREMODERATION),
        ({"newcomer_guard": True}, "Bonjour à toutes", Report.Source.NEWCOMER),
        ({}, f"Regardez {LINKS}", Report.Source.LINKS),
    ],
)
def test_a_guarded_reply_is_held_and_seen_by_its_author_alone(
    client, member, supporter, moderator, thread, group, guard, body, source
):
    policy(group, **guard)
    client.force_login(member)

    response = client.post(reply_url(thread), {"body": body}, follow=True)

    post = Post.objects.get(body=body)
    assert post.moderation_state == ModerationState.HELD
    assert Report.objects.filter(object_id=post.pk, kind="post", source=source).exists()
    content = response.content.decode()
    assert HELD_NOTICE in content and f'id="post-{post.pk}"' in content
    for other in (supporter, moderator, None):
        assert f'id="post-{post.pk}"' not in page(as_(client, other), thread_url(thread))
    assert (
        as_(client, supporter).get(reverse("conversations:post", args=[post.pk])).status_code == 404
    )


def test_a_held_reply_is_in_the_api_for_its_author_alone(client, member, supporter, thread, group):
    policy(group, premoderation=True)
    client.force_login(member)

    response = api_post(client, f"/threads/{thread.pk}/posts", {"body": "En attente"})

    assert response.status_code == 201
    assert response.json()["moderation"] == {"state": "held", "article": None, "decision_id": None}
    mine = api_get(client, f"/threads/{thread.pk}/posts")["items"]
    theirs = api_get(as_(client, supporter), f"/threads/{thread.pk}/posts")["items"]
    assert "En attente" in [post["body"] for post in mine]
    assert "En attente" not in [post["body"] for post in theirs]


def test_a_held_reply_notifies_nobody_and_does_not_move_its_thread(
    client, member, supporter, thread, group, django_capture_on_commit_callbacks
):
    policy(group, premoderation=True)
    before = Thread.objects.get(pk=thread.pk)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reply_url(thread), {"body": f"@{supporter.handle} {SECRET}"})

    assert not Notification.objects.filter(recipient=supporter).exists()
    after = Thread.objects.get(pk=thread.pk)
    assert (after.post_count, after.last_activity_at) == (1, before.last_activity_at)


def test_approving_a_held_reply_publishes_it_and_notifies_the_mentioned_person(
    client, member, supporter, moderator, thread, group, django_capture_on_commit_callbacks
):
    policy(group, premoderation=True)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=member, thread=thread, body=f"@{supporter.handle} {SECRET}")
    assert not Notification.objects.filter(recipient=supporter, kind=Kind.MENTION).exists()

    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator, post)

    assert Notification.objects.filter(recipient=supporter, kind=Kind.MENTION, post=post).exists()
    assert Thread.objects.get(pk=thread.pk).post_count == 2
    assert SECRET in page(as_(client, supporter), thread_url(thread))


def test_a_held_thread_is_its_authors_alone_until_approved(
    client, member, supporter, moderator, group, django_capture_on_commit_callbacks
):
    animator = UserFactory()
    MembershipFactory(space=group, user=animator, role=Role.ANIMATOR)
    policy(group, premoderation=True)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_thread_url(group), {"title": TITLE, "body": f"@{supporter.handle} Lisez"}
        )

    thread = Thread.objects.get(title=TITLE)
    assert response.status_code == 302
    assert thread.moderation_state == ModerationState.HELD
    assert thread.posts.get().moderation_state == ModerationState.HELD
    assert HELD_NOTICE in page(client, thread_url(thread))
    assert TITLE in page(client, reverse("spaces:group", args=[group.slug]))
    assert not Notification.objects.filter(thread=thread).exists()
    for other in (supporter, moderator, None):
        as_(client, other)
        assert client.get(thread_url(thread)).status_code == 404
        assert client.get(f"{API}/threads/{thread.pk}").status_code == 404
        assert TITLE not in page(client, reverse("spaces:group", args=[group.slug]))
        listed = api_get(client, f"/spaces/{group.slug}/threads")["items"]
        assert thread.pk not in [item["id"] for item in listed]

    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator, thread)

    assert thread.posts.get().moderation_state == ModerationState.VISIBLE
    assert Notification.objects.filter(recipient=animator, kind=Kind.NEW_THREAD).exists()
    assert Notification.objects.filter(recipient=supporter, kind=Kind.MENTION).exists()
    assert TITLE in page(as_(client, supporter), thread_url(thread))


def test_nobody_replies_in_a_held_thread(client, member, group):
    policy(group, premoderation=True)
    thread = thread_create(author=member, space=group, title=TITLE, body="Début")
    client.force_login(member)

    response = client.post(reply_url(thread), {"body": "Ma suite gardée"})

    assert response.status_code == 403
    assert "waiting for a moderator" in response.content.decode()
    assert "Ma suite gardée" in response.content.decode()


# -- 2. Hidden content in place ----------------------------------------------------------------


def test_a_hidden_reply_is_masked_for_others_with_its_reason_and_decision(
    client, supporter, thread, hidden_reply
):
    decision = decide_of(hidden_reply)
    for viewer in (supporter, None):
        content = page(as_(client, viewer), thread_url(thread))
        assert SECRET not in content
        assert HIDDEN_NOTICE in content
        assert reverse("moderation:decision", args=[decision.pk]) in content
        assert reverse("moderation:appeal", args=[decision.pk]) not in content


def test_the_author_sees_the_hidden_text_with_the_notice_and_may_appeal_once(
    client, member, thread, hidden_reply
):
    decision = decide_of(hidden_reply)
    client.force_login(member)

    content = page(client, thread_url(thread))

    assert SECRET in content and HIDDEN_NOTICE in content
    assert reverse("moderation:appeal", args=[decision.pk]) in content
    appeal_create(author=member, decision=decision, text="Je conteste.")
    assert reverse("moderation:appeal", args=[decision.pk]) not in page(client, thread_url(thread))


def test_the_moderators_see_the_hidden_text_with_the_notice(
    client, moderator, thread, hidden_reply
):
    content = page(as_(client, moderator), thread_url(thread))

    assert SECRET in content and HIDDEN_NOTICE in content
    assert reverse("moderation:decide", args=["post", hidden_reply.pk]) in content


def test_a_hidden_reply_gives_null_text_and_its_decision_in_the_api(
    client, supporter, member, thread, hidden_reply
):
    decision = decide_of(hidden_reply)
    expected = {"state": "hidden", "article": 1, "decision_id": decision.pk}

    theirs = api_get(as_(client, supporter), f"/threads/{thread.pk}/posts")["items"][-1]
    mine = api_get(as_(client, member), f"/threads/{thread.pk}/posts")["items"][-1]

    assert (theirs["body"], theirs["body_html"], theirs["moderation"]) == (None, None, expected)
    assert mine["body"] == SECRET and mine["moderation"] == expected


def test_the_history_of_a_hidden_reply_is_not_shown_to_others(
    client, supporter, member, thread, moderator
):
    post = post_create(author=member, thread=thread, body="Première version")
    client.force_login(member)
    client.post(reverse("conversations:post_edit", args=[post.pk]), {"body": SECRET})
    hide(moderator, Post.objects.get(pk=post.pk))

    content = page(as_(client, supporter), reverse("conversations:post_history", args=[post.pk]))
    response = client.get(f"{API}/posts/{post.pk}/revisions")

    assert "Première version" not in content and SECRET not in content
    assert HIDDEN_NOTICE in content
    assert response.status_code == 403 and "hidden by moderation" in response.json()["detail"]


def test_a_hidden_thread_keeps_its_page_but_masks_its_title_and_opening_post(
    client, supporter, member, moderator, group
):
    thread = thread_create(author=member, space=group, title=TITLE, body=SECRET)
    hide(moderator, thread)

    content = page(as_(client, supporter), thread_url(thread))
    detail = api_get(client, f"/threads/{thread.pk}")
    opening = api_get(client, f"/threads/{thread.pk}/posts")["items"][0]

    assert TITLE not in content and SECRET not in content and HIDDEN_NOTICE in content
    assert detail["title"] is None and detail["moderation"]["state"] == "hidden"
    assert detail["can_reply"] is False
    assert opening["body"] is None and opening["moderation"]["state"] == "hidden"
    mine = page(as_(client, member), thread_url(thread))
    assert TITLE in mine and SECRET in mine and HIDDEN_NOTICE in mine


def test_a_quote_of_a_hidden_reply_never_shows_its_text(
    client, supporter, member, moderator, thread
):
    quoted = post_create(author=member, thread=thread, body=SECRET)
    post_create(author=supporter, thread=thread, body="Je cite", quoted=quoted)
    hide(moderator, quoted)

    for viewer in (supporter, member, moderator):
        content = page(as_(client, viewer), thread_url(thread))
        assert "In reply to a message hidden by moderation." in content
        quote = api_get(client, f"/threads/{thread.pk}/posts")["items"][-1]["quoted"]
        assert quote["excerpt"] is None and quote["hidden"] is True
    assert content.count(SECRET) == 1  # the moderator's view of the hidden reply itself


def test_a_hidden_reply_cannot_be_quoted_nor_reacted_to(client, supporter, thread, hidden_reply):
    client.force_login(supporter)

    page_reply = client.post(
        reply_url(thread), {"body": "Texte gardé cd2", "quote": hidden_reply.pk}
    )
    api_reply = api_post(
        client, f"/threads/{thread.pk}/posts", {"body": "Non", "quote_id": hidden_reply.pk}
    )
    reaction = client.post(reverse("conversations:react", args=[hidden_reply.pk]))

    assert page_reply.status_code == 400 and "Texte gardé cd2" in page_reply.content.decode()
    assert api_reply.status_code == 422
    assert reaction.status_code == 403


def test_nobody_replies_in_a_hidden_thread_and_the_text_is_kept(
    client, supporter, member, moderator, group
):
    thread = thread_create(author=member, space=group, title=TITLE, body="Début")
    hide(moderator, thread)
    client.force_login(supporter)

    response = client.post(reply_url(thread), {"body": "Texte gardé ef3"})
    api = api_post(client, f"/threads/{thread.pk}/posts", {"body": "Non"})

    assert response.status_code == 403
    assert "hidden by moderation" in response.content.decode()
    assert "Texte gardé ef3" in response.content.decode()
    assert api.status_code == 403


def test_a_hidden_group_keeps_its_name_but_masks_its_description_and_image(
    client, supporter, staff, charter
):
    creator = UserFactory(charter_version_accepted=charter.number)
    group = GroupFactory(name="Groupe masqué", description=SECRET, created_by=creator)
    group.image = default_storage.save("spaces/g.jpg", ContentFile(b"\xff\xd8\xff"))
    group.save()
    decision = hide(staff, group)
    group_page = reverse("spaces:group", args=[group.slug])
    image = reverse("spaces:image", args=[group.slug])

    content = page(as_(client, supporter), group_page)
    detail = api_get(client, f"/groups/{group.slug}")

    assert "Groupe masqué" in content and SECRET not in content and HIDDEN_NOTICE in content
    assert reverse("moderation:decision", args=[decision.pk]) in content
    assert client.get(image).status_code == 404
    assert detail["description"] is None and detail["image_url"] is None
    assert detail["moderation"] == {"state": "hidden", "article": 1, "decision_id": decision.pk}
    mine = page(as_(client, creator), group_page)
    assert SECRET in mine and reverse("moderation:appeal", args=[decision.pk]) in mine
    assert client.get(image).status_code == 200


def test_a_hidden_profile_masks_its_name_photo_and_bio(client, supporter, staff, charter):
    person = UserFactory(
        charter_version_accepted=charter.number, display_name="Pseudo Choquant", bio=SECRET
    )
    person.photo = default_storage.save("photos/p.jpg", ContentFile(b"\xff\xd8\xff"))
    person.save()
    decision = hide(staff, person)
    profile = reverse("accounts:profile", args=[person.pk])
    photo = reverse("accounts:photo", args=[person.pk])

    content = page(as_(client, supporter), profile)
    detail = api_get(client, f"/profiles/{person.pk}")

    assert "Pseudo Choquant" not in content and SECRET not in content
    assert HIDDEN_NOTICE in content and photo not in content
    assert "Profile hidden by moderation" in content
    assert client.get(photo).status_code == 404
    assert detail["public_name"] == "Profile hidden by moderation"
    assert (detail["bio"], detail["photo_url"]) == (None, None)
    assert detail["moderation"]["decision_id"] == decision.pk
    mine = page(as_(client, person), profile)
    assert "Pseudo Choquant" in mine and SECRET in mine and HIDDEN_NOTICE in mine
    assert client.get(photo).status_code == 200


def test_the_author_of_a_post_with_a_hidden_profile_is_masked_beside_it(
    client, supporter, staff, thread, group, charter
):
    person = UserFactory(charter_version_accepted=charter.number, display_name="Pseudo Choquant")
    MembershipFactory(space=group, user=person)
    post_create(author=person, thread=thread, body="Un avis")
    hide(staff, person)

    content = page(as_(client, supporter), thread_url(thread))
    author = api_get(client, f"/threads/{thread.pk}/posts")["items"][-1]["author"]

    assert "Pseudo Choquant" not in content and "Profile hidden by moderation" in content
    assert author["public_name"] == "Profile hidden by moderation" and author["handle"] is None


# -- 3. Filtering: hidden and held content in no list -----------------------------------------


@pytest.fixture
def held_reply(thread, member, group):
    policy(group, premoderation=True)
    post = post_create(author=member, thread=thread, body=f"{SECRET} en attente")
    policy(group, premoderation=False)
    return post


def test_hidden_and_held_replies_are_absent_from_the_feed(
    client, supporter, hidden_reply, held_reply
):
    content = page(as_(client, supporter), reverse("discovery:feed"))
    items = api_get(client, "/feed")["items"]

    assert SECRET not in content
    assert {hidden_reply.pk, held_reply.pk}.isdisjoint(item["post_id"] for item in items)


def test_hidden_and_held_replies_are_absent_from_search(
    client, supporter, member, hidden_reply, held_reply
):
    content = page(as_(client, supporter), reverse("discovery:search"), q="xq7", type="posts")
    found = api_get(client, "/search", q="xq7", type="posts")["posts"]

    assert SECRET not in content and "0 messages" in content
    assert found["count"] == 0 and found["items"] == []
    own = api_get(as_(client, member), "/search", q="xq7", type="posts")["posts"]
    assert own["count"] == 2


def test_a_hidden_thread_is_absent_from_search_and_lists(
    client, supporter, member, moderator, group
):
    thread = thread_create(author=member, space=group, title=TITLE, body="Début")
    hide(moderator, thread)
    as_(client, supporter)

    content = page(client, reverse("discovery:search"), q="zk4", type="threads")
    found = api_get(client, "/search", q="zk4", type="threads")["threads"]
    listed = api_get(client, f"/spaces/{group.slug}/threads")["items"]

    assert TITLE not in content and found["count"] == 0
    assert thread.pk not in [item["id"] for item in listed]
    assert TITLE not in page(client, reverse("spaces:group", args=[group.slug]))


def test_hidden_and_held_replies_are_absent_from_the_profile_contributions(
    client, supporter, member, hidden_reply, held_reply
):
    content = page(as_(client, supporter), reverse("accounts:profile", args=[member.pk]))

    assert SECRET not in content
    mine = page(as_(client, member), reverse("accounts:profile", args=[member.pk]))
    assert SECRET in mine and "Hidden by moderation" in mine


def test_a_hidden_group_is_absent_from_the_directory_its_rankings_and_search(
    client, supporter, staff, member, thread
):
    hidden = GroupFactory(name="Groupe masqué pq8", description="Rien")
    MembershipFactory.create_batch(3, space=hidden)
    hide(staff, hidden)
    as_(client, supporter)

    response = client.get(reverse("spaces:groups"))
    listed = api_get(client, "/groups")["items"]
    found = api_get(client, "/search", q="pq8", type="groups")["groups"]

    assert hidden not in list(response.context["page"].object_list)
    assert hidden not in list(response.context["most_populated"])
    assert hidden not in list(response.context["most_active"])
    assert "pq8" not in response.content.decode()
    assert hidden.slug not in [group["slug"] for group in listed]
    assert found["count"] == 0


def test_notifications_about_a_hidden_reply_never_show_its_text(
    client, supporter, member, moderator, thread, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=member, thread=thread, body=f"@{supporter.handle} {SECRET}")
    hide(moderator, post)
    client.force_login(supporter)

    content = page(client, reverse("notifications:list"))
    items = api_get(client, "/notifications")["items"]

    assert Notification.objects.filter(recipient=supporter, post=post).exists()
    assert SECRET not in content
    assert SECRET not in str(items)


# -- 4. Report and moderate links --------------------------------------------------------------


def test_report_links_for_readers_and_moderate_links_for_moderators(
    client, supporter, member, moderator, thread
):
    reply = post_create(author=member, thread=thread, body="Un avis")
    report_post = reverse("moderation:report", args=["post", reply.pk])
    report_thread = reverse("moderation:report", args=["thread", thread.pk])
    decide_post = reverse("moderation:decide", args=["post", reply.pk])

    theirs = page(as_(client, supporter), thread_url(thread))
    mine = page(as_(client, member), thread_url(thread))
    moderators = page(as_(client, moderator), thread_url(thread))
    visitors = page(as_(client, None), thread_url(thread))

    assert report_post in theirs and report_thread in theirs and decide_post not in theirs
    assert report_post not in mine and report_thread not in mine
    assert decide_post in moderators
    assert report_post not in visitors and decide_post not in visitors


def test_profiles_and_groups_have_a_report_link_and_staff_a_moderate_link(
    client, supporter, member, staff, group
):
    profile = reverse("accounts:profile", args=[member.pk])
    group_page = reverse("spaces:group", args=[group.slug])

    assert reverse("moderation:report", args=["profile", member.pk]) in page(
        as_(client, supporter), profile
    )
    assert reverse("moderation:report", args=["group", group.pk]) in page(client, group_page)
    assert reverse("moderation:report", args=["profile", member.pk]) not in page(
        as_(client, member), profile
    )
    assert reverse("moderation:decide", args=["profile", member.pk]) in page(
        as_(client, staff), profile
    )
    assert reverse("moderation:decide", args=["group", group.pk]) in page(client, group_page)


# -- Numbers of queries: the same for 3 or 30 hidden or held items ----------------------------


def count_queries(client, url):
    client.get(url)  # warm the caches (session, charter, content types)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def moderated_thread(group, author, moderator, count):
    """A thread with `count` visible, `count` hidden and `count` held replies."""
    thread = ThreadFactory(space=group, author=author, post_count=2 * count + 1)
    PostFactory(thread=thread, author=author)
    for _index in range(count):
        PostFactory(thread=thread, author=UserFactory())
        hide(moderator, PostFactory(thread=thread, author=author, body=SECRET))
        PostFactory(thread=thread, author=author, moderation_state=ModerationState.HELD)
    return thread


@pytest.mark.parametrize("viewer", ["supporter", "member", "moderator", "anonymous"])
def test_the_thread_page_queries_do_not_grow_with_hidden_or_held_replies(
    request, client, group, member, moderator, viewer
):
    few = moderated_thread(group, member, moderator, 3)
    many = moderated_thread(group, member, moderator, 30)
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))

    assert count_queries(client, thread_url(few)) == count_queries(client, thread_url(many))


def test_the_group_page_queries_do_not_grow_with_hidden_threads(
    client, supporter, member, moderator, charter
):
    def group_with_hidden_threads(count):
        group = GroupFactory()
        MembershipFactory(space=group, user=supporter)
        for _index in range(count):
            hide(moderator, ThreadFactory(space=group, author=member))
            ThreadFactory(space=group, author=member, moderation_state=ModerationState.HELD)
            ThreadFactory(space=group, author=member)
        return reverse("spaces:group", args=[group.slug])

    few, many = group_with_hidden_threads(3), group_with_hidden_threads(30)
    client.force_login(supporter)

    assert count_queries(client, few) == count_queries(client, many)


def test_the_feed_queries_do_not_grow_with_hidden_or_held_replies(
    client, supporter, member, moderator, group
):
    def add(count):
        thread = ThreadFactory(space=group, author=member)
        PostFactory(thread=thread, author=member)
        for _index in range(count):
            PostFactory(thread=thread, author=member)
            hide(moderator, PostFactory(thread=thread, author=member))
            PostFactory(thread=thread, author=member, moderation_state=ModerationState.HELD)

    client.force_login(supporter)
    add(3)
    few = count_queries(client, reverse("discovery:feed"))
    add(27)
    many = count_queries(client, reverse("discovery:feed"))

    assert many == few


def test_the_directory_queries_do_not_grow_with_hidden_groups(client, supporter, staff):
    def add(count):
        for _index in range(count):
            hide(staff, GroupFactory())
            GroupFactory()

    client.force_login(supporter)
    add(3)
    few = count_queries(client, reverse("spaces:groups"))
    add(27)
    many = count_queries(client, reverse("spaces:groups"))

    assert many == few


# Notifications follow the content they are about ------------------------------------------


def test_notifications_about_a_hidden_thread_or_reply_vanish_for_others(
    client, group, member, supporter, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_create(
            author=supporter,
            space=group,
            title="Un titre bientôt masqué",
            body=f"@{member.handle}, ton avis ?",
        )
    as_(client, member)
    assert "Un titre bientôt masqué" in page(client, reverse("notifications:list"))
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_create(author=member, thread=thread, body=f"@{supporter.handle} regarde.")
    assert notifications_of(supporter).filter(post=reply).exists()

    hide(moderator, reply)
    assert not notifications_of(supporter).filter(post=reply).exists()

    with django_capture_on_commit_callbacks(execute=True):
        other = post_create(author=member, thread=thread, body="Une autre réponse.")
    hide(moderator, thread)
    # The thread's author keeps the notification of a reply in it…
    assert notifications_of(supporter).filter(post=other).exists()
    # …but the person mentioned in it no longer reads its title.
    assert "Un titre bientôt masqué" not in page(client, reverse("notifications:list"))
