"""An idea's comment thread is hidden and held with its idea: hiding the idea
makes its thread answer as a hidden thread (its page masks its title — the
idea's — and its opening comment, its posts leave search, the feed and the
lists of the API, notifications about it vanish for others; its moderators
still read it), holding the idea makes its thread its author's alone, and
restoring or approving the idea brings everything back. A thread hidden or
held on its own stays so whatever happens to its idea."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from membrane.conversations.models import Thread
from membrane.ideas.services import idea_comment, idea_submit
from membrane.moderation.models import Action, ModerationState, SpacePolicy
from membrane.moderation.services import (
    ModerationError,
    appeal_create,
    appeal_decide,
    decide,
    hold_if_guarded,
)
from membrane.notifications.models import Kind
from membrane.notifications.selectors import notifications_of
from membrane.notifications.services import notify
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
TITLE = "Un composteur qx5 par quartier"
OPENING = "Bonne idée zv8, qu'en dis-tu"
REPLY = "Une réponse zv8 du quartier"
HIDDEN_NOTICE = "Hidden by moderation — reason: article 1 of the charter"


@pytest.fixture
def idea(box, member):
    return idea_submit(author=member, box=box, title=TITLE, description="Géré par les habitant·es.")


@pytest.fixture
def reader(section, charter):
    """Someone of the section who neither wrote nor moderates anything here."""
    return UserFactory(section=section, charter_version_accepted=charter.number)


@pytest.fixture
def thread(idea, section, supporter, reader, django_capture_on_commit_callbacks):
    """The idea's discussion: the supporter's first comment (mentioning the
    reader) and a reply by someone else."""
    with django_capture_on_commit_callbacks(execute=True):
        post, _ = idea_comment(author=supporter, idea=idea, body=f"{OPENING} @{reader.handle} ?")
        idea_comment(author=MemberFactory(section=section), idea=idea, body=REPLY)
    return Thread.objects.get(pk=post.thread_id)


def act(moderator, content, action, *, article=1):
    return decide(
        moderator=moderator, content=content, action=action, article=article, reason="Motif."
    )


def state_of(thread):
    thread.refresh_from_db()
    return thread.moderation_state


def thread_url(thread):
    return reverse("conversations:thread", args=[thread.pk])


def as_(client, person):
    client.logout()
    if person is not None:
        client.force_login(person)
    return client


def api_get(client, path, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def reachable(client, thread):
    """What the client reaches of the thread through search, the feed and the
    space's list (page and API), as booleans."""
    space = thread.space
    found_posts = api_get(client, "/search", q="zv8", type="posts")["posts"]["count"]
    found_threads = api_get(client, "/search", q="qx5", type="threads")["threads"]["count"]
    feed = api_get(client, "/feed")["items"]
    listed = api_get(client, f"/spaces/{space.slug}/threads")["items"]
    search_page = client.get(reverse("discovery:search"), {"q": "zv8", "type": "posts"})
    return {
        "posts in search": found_posts == 2,
        "thread in search": found_threads == 1,
        "in the feed": any((item["thread"] or {}).get("id") == thread.pk for item in feed),
        "in the space's list": thread.pk in [item["id"] for item in listed],
        "on the search page": REPLY in search_page.content.decode(),
    }


EVERYWHERE = {
    "posts in search": True,
    "thread in search": True,
    "in the feed": True,
    "in the space's list": True,
    "on the search page": True,
}
NOWHERE = dict.fromkeys(EVERYWHERE, False)


# Hidden ---------------------------------------------------------------------------------


def test_hiding_an_idea_hides_its_thread_with_the_idea_s_article(thread, idea, section_animator):
    act(section_animator, idea, Action.HIDE)

    thread.refresh_from_db()
    assert thread.moderation_state == ModerationState.HIDDEN
    assert thread.moderation_article == 1


def test_the_thread_of_a_hidden_idea_answers_as_a_hidden_thread(
    client, thread, idea, reader, section_animator
):
    act(section_animator, idea, Action.HIDE)
    as_(client, reader)

    response = client.get(thread_url(thread))
    detail = api_get(client, f"/threads/{thread.pk}")
    posts = api_get(client, f"/threads/{thread.pk}/posts")["items"]

    assert response.status_code == 200
    content = response.content.decode()
    assert TITLE not in content and OPENING not in content and HIDDEN_NOTICE in content
    assert detail["title"] is None and detail["moderation"]["state"] == "hidden"
    assert detail["can_reply"] is False
    assert posts[0]["body"] is None and posts[0]["moderation"]["state"] == "hidden"


def test_the_posts_of_a_hidden_idea_s_thread_leave_search_the_feed_and_lists(
    client, thread, idea, reader, section_animator
):
    as_(client, reader)
    assert reachable(client, thread) == EVERYWHERE

    act(section_animator, idea, Action.HIDE)

    assert reachable(client, thread) == NOWHERE
    assert TITLE not in client.get(reverse("discovery:feed")).content.decode()


def test_notifications_about_a_hidden_idea_s_thread_vanish_for_others(
    thread, idea, reader, section_animator
):
    assert notifications_of(reader).filter(thread=thread).exists()

    act(section_animator, idea, Action.HIDE)

    assert not notifications_of(reader).filter(thread=thread).exists()


def test_notifications_about_a_hidden_idea_itself_vanish_for_others_not_for_its_author(
    idea, member, reader, section_animator
):
    """An answer to an idea quotes its title: it leaves with the idea."""
    notify(recipients=[reader, member], kind=Kind.IDEA_ANSWER, actor=section_animator, idea=idea)
    assert notifications_of(reader).filter(idea=idea).exists()

    act(section_animator, idea, Action.HIDE)

    assert not notifications_of(reader).filter(idea=idea).exists()
    assert notifications_of(member).filter(idea=idea).exists()
    act(section_animator, idea, Action.RESTORE)
    assert notifications_of(reader).filter(idea=idea).exists()


def test_the_moderators_still_read_the_thread_of_a_hidden_idea(
    client, thread, idea, section_animator
):
    act(section_animator, idea, Action.HIDE)
    as_(client, section_animator)

    content = client.get(thread_url(thread)).content.decode()
    detail = api_get(client, f"/threads/{thread.pk}")

    assert TITLE in content and OPENING in content and HIDDEN_NOTICE in content
    assert "as a moderator, you still see the text" in content
    assert TITLE in detail["title"]


def test_restoring_the_idea_brings_its_thread_back_everywhere(
    client, thread, idea, reader, section_animator
):
    act(section_animator, idea, Action.HIDE)

    act(section_animator, idea, Action.RESTORE, article=None)

    assert state_of(thread) == ModerationState.VISIBLE
    as_(client, reader)
    assert reachable(client, thread) == EVERYWHERE
    content = client.get(thread_url(thread)).content.decode()
    assert TITLE in content and OPENING in content and HIDDEN_NOTICE not in content
    assert api_get(client, f"/threads/{thread.pk}")["moderation"] is None
    assert notifications_of(reader).filter(thread=thread).exists()


def test_an_appeal_that_overturns_the_idea_s_hiding_brings_its_thread_back(
    thread, idea, member, section_animator, federation_animator
):
    decision = act(section_animator, idea, Action.HIDE)
    appeal = appeal_create(author=member, decision=decision, text="Elle est dans le sujet.")

    appeal_decide(moderator=federation_animator, appeal=appeal, overturn=True, answer="Oui.")

    assert state_of(thread) == ModerationState.VISIBLE


# Held -----------------------------------------------------------------------------------


def hold(idea):
    SpacePolicy.objects.update_or_create(space=idea.box.space, defaults={"premoderation": True})
    assert hold_if_guarded(
        content=idea, author=idea.author, space=idea.box.space, body=idea.description
    )


def test_the_thread_of_a_held_idea_is_its_author_s_alone_until_the_idea_is_approved(
    client, thread, idea, supporter, reader, section_animator
):
    hold(idea)

    assert state_of(thread) == ModerationState.HELD
    for other in (reader, section_animator, None):
        as_(client, other)
        assert client.get(thread_url(thread)).status_code == 404
        assert client.get(f"{API}/threads/{thread.pk}").status_code == 404
        assert client.get(f"{API}/threads/{thread.pk}/posts").status_code == 404
    assert as_(client, supporter).get(thread_url(thread)).status_code == 200
    assert not notifications_of(reader).filter(thread=thread).exists()

    act(section_animator, idea, Action.APPROVE, article=None)

    assert state_of(thread) == ModerationState.VISIBLE
    as_(client, reader)
    assert client.get(thread_url(thread)).status_code == 200
    assert reachable(client, thread) == EVERYWHERE


# A thread moderated on its own ----------------------------------------------------------------


def test_a_thread_hidden_on_its_own_stays_hidden_when_its_idea_is_restored(
    thread, idea, section_animator
):
    act(section_animator, thread, Action.HIDE, article=2)
    act(section_animator, idea, Action.HIDE)

    act(section_animator, idea, Action.RESTORE, article=None)

    thread.refresh_from_db()
    assert thread.moderation_state == ModerationState.HIDDEN
    assert thread.moderation_article == 2


def test_a_thread_held_on_its_own_and_approved_while_its_idea_is_hidden_stays_hidden_with_it(
    idea, supporter, section_animator
):
    SpacePolicy.objects.create(space=idea.box.space, premoderation=True)
    post, _ = idea_comment(author=supporter, idea=idea, body=OPENING)
    thread = post.thread
    act(section_animator, idea, Action.HIDE)
    assert state_of(thread) == ModerationState.HELD

    act(section_animator, thread, Action.APPROVE, article=None)
    assert state_of(thread) == ModerationState.HIDDEN

    act(section_animator, idea, Action.RESTORE, article=None)
    assert state_of(thread) == ModerationState.VISIBLE


def test_a_thread_hidden_only_with_its_idea_is_not_restored_alone(thread, idea, section_animator):
    act(section_animator, idea, Action.HIDE)
    thread.refresh_from_db()

    with pytest.raises(ModerationError, match="hidden with its idea"):
        act(section_animator, thread, Action.RESTORE, article=None)

    assert state_of(thread) == ModerationState.HIDDEN


def test_a_thread_hidden_with_its_idea_may_be_hidden_on_its_own_too(thread, idea, section_animator):
    act(section_animator, idea, Action.HIDE)
    thread.refresh_from_db()
    act(section_animator, thread, Action.HIDE, article=2)

    act(section_animator, idea, Action.RESTORE, article=None)

    assert state_of(thread) == ModerationState.HIDDEN


# Existing data --------------------------------------------------------------------------


def test_the_migration_hides_the_threads_of_ideas_already_hidden(thread, idea):
    type(idea).objects.filter(pk=idea.pk).update(
        moderation_state=ModerationState.HIDDEN, moderation_article=3
    )
    migration = importlib.import_module(
        "membrane.ideas.migrations.0004_idea_threads_follow_moderation"
    )

    migration.carry(apps, None)

    thread.refresh_from_db()
    assert thread.moderation_state == ModerationState.HIDDEN
    assert thread.moderation_article == 3
