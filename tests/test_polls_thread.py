"""A thread's page lists the thread's polls (question, state, link) in one
query, and offers "New poll in this thread" to those who may create one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.polls.services import poll_create
from membrane.spaces.services import territorial_space_ensure
from tests.spaces_factories import GroupFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(section):
    return territorial_space_ensure(section)


@pytest.fixture
def thread(space, member):
    thread = ThreadFactory(space=space, author=member, title="La fête de la section")
    PostFactory(thread=thread, author=member)
    return thread


def poll_on(thread, question, *, opens=-1, closes=24):
    now = timezone.now()
    return poll_create(
        creator=None,
        space=thread.space,
        thread=thread,
        question=question,
        options=["Oui", "Non"],
        opens_at=now + timedelta(hours=opens),
        closes_at=now + timedelta(hours=closes),
    )


def thread_page(client, thread):
    response = client.get(reverse("conversations:thread", args=[thread.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_thread_page_lists_its_polls_with_their_state(client, space, thread, member):
    open_poll = poll_on(thread, "Samedi ou dimanche ?")
    closed_poll = poll_on(thread, "Quel lieu ?", opens=-48, closes=-24)
    upcoming = poll_on(thread, "Quel menu ?", opens=24, closes=48)
    other = ThreadFactory(space=space, author=member)
    poll_on(other, "Une question d'un autre fil ?")
    client.force_login(member)

    page = thread_page(client, thread)

    assert "Polls on this thread" in page
    for poll in (open_poll, closed_poll, upcoming):
        assert reverse("polls:poll", args=[poll.pk]) in page
        assert poll.question.replace("'", "&#x27;") in page
    assert "Une question d" not in page
    block = page[page.index("thread-polls-title") :]
    assert "Open" in block and "Closed" in block and "Not open yet" in block


def test_a_thread_without_polls_shows_no_block_to_members(client, thread, member):
    client.force_login(member)

    assert "thread-polls-title" not in thread_page(client, thread)


@pytest.mark.parametrize(
    ("persona", "offered"),
    [("member", False), ("supporter", False), ("section_animator", True), ("staff", True)],
)
def test_new_poll_in_this_thread_is_offered_to_those_who_may_create_one(
    request, client, thread, persona, offered
):
    client.force_login(request.getfixturevalue(persona))
    link = f"{reverse('polls:create', args=[thread.space.slug])}?thread={thread.pk}"

    assert (link in thread_page(client, thread)) is offered


def test_anonymous_visitors_see_the_polls_of_a_public_group_thread(client):
    thread = ThreadFactory(space=GroupFactory())
    PostFactory(thread=thread, author=thread.author)
    poll = poll_on(thread, "Samedi ou dimanche ?")

    page = thread_page(client, thread)

    assert reverse("polls:poll", args=[poll.pk]) in page
    assert "?thread=" not in page


def test_the_new_poll_link_attaches_the_poll_to_the_thread(client, thread, section_animator):
    client.force_login(section_animator)
    url = f"{reverse('polls:create', args=[thread.space.slug])}?thread={thread.pk}"
    form = client.get(url).content.decode()
    assert f'name="thread" value="{thread.pk}"' in form
    now = timezone.localtime().replace(second=0, microsecond=0)

    response = client.post(
        url,
        {
            "thread": thread.pk,
            "question": "Samedi ou dimanche ?",
            "options": "Samedi\nDimanche",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "results": "after_vote",
        },
    )

    assert response.status_code == 302
    assert "Samedi ou dimanche ?" in thread_page(client, thread)


def _queries(client, thread):
    with CaptureQueriesContext(connection) as captured:
        thread_page(client, thread)
    return len(captured)


def test_the_thread_page_queries_do_not_grow_with_its_polls(client, thread, section_animator):
    client.force_login(section_animator)
    thread_page(client, thread)  # the first visit also records the reading
    for number in range(3):
        poll_on(thread, f"Question {number} ?")
    with_three = _queries(client, thread)
    for number in range(3, 30):
        poll_on(thread, f"Question {number} ?")

    assert _queries(client, thread) == with_three
