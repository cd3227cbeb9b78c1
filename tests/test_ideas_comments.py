"""Comments on ideas: the posts of the idea's thread, started by the first
comment in its box's space through the conversations services; who may
comment (conversations' rule), refusals that say why and keep the text, the
idea's page showing the comments in a constant number of queries, the thread
page leading back to the idea, and the API."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membrane.conversations.models import Mention, Post, Thread
from membrane.conversations.services import reaction_toggle, thread_set_locked
from membrane.ideas.models import Idea
from membrane.ideas.services import box_open, idea_comment, idea_submit
from membrane.moderation.models import Action, ModerationState
from membrane.moderation.services import decide
from membrane.spaces.models import Membership, Role, Space
from membrane.spaces.services import group_create
from tests.factories import MemberFactory, UserFactory
from tests.spaces_factories import GroupFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def idea(box, member):
    return idea_submit(
        author=member,
        box=box,
        title="Un composteur partagé par quartier",
        description="Des composteurs gérés par les habitant·es.",
    )


@pytest.fixture
def group_box(member, staff):
    """The box of a public group animated by `member`: anyone may read it,
    only its members write there."""
    group = group_create(creator=member, name="Services publics")
    return box_open(space=group, by=staff, threshold_supports=3)


def idea_url(idea):
    return reverse("ideas:idea", args=[idea.pk])


def comment_url(idea):
    return reverse("ideas:comment", args=[idea.pk])


def login_as(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


def send(client, method, path, data=None):
    body = json.dumps(data) if data is not None else ""
    return getattr(client, method)(f"{API}{path}", data=body, content_type="application/json")


# The service ------------------------------------------------------------------------------


def test_the_first_comment_starts_the_thread_in_the_box_s_space_and_the_next_replies_in_it(
    idea, supporter, section_animator
):
    first, created = idea_comment(author=supporter, idea=idea, body="Bonne idée !")
    second, _ = idea_comment(author=section_animator, idea=idea, body="On en parle jeudi.")

    thread = Idea.objects.get(pk=idea.pk).thread
    assert created
    assert Thread.objects.count() == 1
    assert thread.space == idea.box.space
    assert idea.title in thread.title
    assert thread.author == supporter
    assert [p.pk for p in thread.posts.order_by("created_at", "pk")] == [first.pk, second.pk]
    assert thread.post_count == 2


def test_the_same_comment_sent_twice_within_seconds_is_not_doubled(idea, supporter):
    idea_comment(author=supporter, idea=idea, body="Bonne idée !")

    _post, created = idea_comment(author=supporter, idea=idea, body="Bonne idée !")

    assert not created
    assert Post.objects.count() == 1


def test_a_comment_mentioning_someone_mentions_them_as_any_post(idea, supporter, section_animator):
    post, _ = idea_comment(
        author=supporter, idea=idea, body=f"@{section_animator.handle} qu'en penses-tu ?"
    )
    assert Mention.objects.filter(post=post, user=section_animator).exists()


# The pages --------------------------------------------------------------------------------


def test_a_member_comments_and_comes_back_to_the_comment_on_the_idea_page(client, idea, supporter):
    client.force_login(supporter)

    response = client.post(comment_url(idea), {"body": "Je peux aider à le construire."})

    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{idea_url(idea)}#post-{post.pk}"
    html = client.get(idea_url(idea)).content.decode()
    assert "Je peux aider à le construire." in html
    assert f'id="reactions-{post.pk}"' in html  # rendered as on the thread's page
    assert reverse("conversations:thread", args=[post.thread_id]) in html  # see the discussion


def test_two_comments_from_the_page_make_one_thread(client, idea, supporter, member):
    for person, text in ((supporter, "Oui !"), (member, "Merci.")):
        client.force_login(person)
        assert client.post(comment_url(idea), {"body": text}).status_code == 302

    assert Thread.objects.count() == 1
    assert Idea.objects.get(pk=idea.pk).thread.posts.count() == 2


def test_the_thread_page_leads_back_to_the_idea(client, idea, supporter):
    post, _ = idea_comment(author=supporter, idea=idea, body="Bonne idée !")
    client.force_login(supporter)

    html = client.get(reverse("conversations:thread", args=[post.thread_id])).content.decode()

    assert idea_url(idea) in html


def test_a_thread_of_no_idea_shows_no_such_link(client, spaces, supporter):
    from membrane.conversations.services import thread_create

    thread = thread_create(author=supporter, space=spaces["section"], title="Fil", body="Texte")
    client.force_login(supporter)

    html = client.get(reverse("conversations:thread", args=[thread.pk])).content.decode()

    assert "/idees/idee/" not in html


def test_a_comment_past_the_first_page_is_reached_on_its_page(client, idea, section, charter):
    from membrane.ideas.views import COMMENTS_PER_PAGE

    for _ in range(COMMENTS_PER_PAGE):
        person = MemberFactory(section=section, charter_version_accepted=charter.number)
        idea_comment(author=person, idea=idea, body=f"Avis de {person.handle}")
    latecomer = MemberFactory(section=section, charter_version_accepted=charter.number)
    client.force_login(latecomer)

    response = client.post(comment_url(idea), {"body": "Le dernier mot."})

    post = Post.objects.get(body="Le dernier mot.")
    assert response["Location"] == f"{idea_url(idea)}?page=2#post-{post.pk}"
    assert "Le dernier mot." in client.get(f"{idea_url(idea)}?page=2").content.decode()
    assert "Le dernier mot." not in client.get(idea_url(idea)).content.decode()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("", None),
        ("Mon texte " + "x" * 20_000, "Mon texte"),
        ("Mon texte pour @personne-inconnue", "Mon texte pour @personne-inconnue"),
    ],
)
def test_bad_input_is_a_400_with_the_form_and_the_text_kept(client, idea, supporter, text, kept):
    client.force_login(supporter)

    response = client.post(comment_url(idea), {"body": text})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'action="' + comment_url(idea) + '"' in html
    if kept:
        assert kept in html
    assert not Post.objects.exists()
    assert Idea.objects.get(pk=idea.pk).thread is None


def test_the_idea_page_makes_as_many_queries_for_3_comments_as_for_30(
    client, box, member, section, charter, supporter
):
    few = idea_submit(author=member, box=box, title="Peu commentée", description="…")
    many = idea_submit(author=member, box=box, title="Très commentée", description="…")

    def discuss(idea, n):
        previous = None
        for index in range(n):
            person = MemberFactory(
                section=section,
                charter_version_accepted=charter.number,
                photo=f"photos/{index}.jpg" if index % 3 == 0 else "",
            )
            post, _ = idea_comment(author=person, idea=idea, body=f"Avis {index} @{member.handle}")
            reaction_toggle(post=post, user=member)
            if previous is not None:
                reaction_toggle(post=previous, user=person)
            previous = post

    discuss(few, 3)
    discuss(many, 30)
    client.force_login(supporter)

    def count(idea):
        client.get(idea_url(idea))  # warm the caches (session, charter)
        with CaptureQueriesContext(connection) as context:
            response = client.get(idea_url(idea))
        assert response.status_code == 200
        return len(context)

    assert count(few) == count(many)


# Who may comment --------------------------------------------------------------------------

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
def test_who_may_comment_on_an_idea_of_a_section(client, request, persona, idea):
    login_as(client, request, persona)

    response = client.post(comment_url(idea), {"body": "Mon avis"})

    expected = {
        "anonymous": 302,  # to the login page
        "outsider_animator": 404,  # the idea is not shown outside its space
    }.get(persona, 302)
    assert response.status_code == expected
    assert Post.objects.exists() == (persona not in {"anonymous", "outsider_animator"})
    if persona == "anonymous":
        assert "/login/" in response["Location"] or "connexion" in response["Location"]


def test_the_page_shows_the_form_only_to_those_who_may_comment(client, idea, supporter):
    assert 'name="body"' not in client.get(idea_url(idea)).content.decode()
    client.force_login(supporter)
    assert 'name="body"' in client.get(idea_url(idea)).content.decode()


def test_a_reader_who_is_not_a_member_of_a_public_group_is_told_why_and_keeps_the_text(
    client, group_box, member, outsider_animator
):
    idea = idea_submit(author=member, box=group_box, title="Une idée", description="…")
    client.force_login(outsider_animator)

    page = client.get(idea_url(idea)).content.decode()
    response = client.post(comment_url(idea), {"body": "Mon texte à garder"})

    assert "Only the people of “Services publics” can comment on its ideas." in page
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only the people of “Services publics” can comment on its ideas." in html
    assert "Mon texte à garder" in html
    assert not Post.objects.exists()


def test_a_member_of_the_group_comments(client, group_box, member, supporter):
    Membership.objects.create(space=group_box.space, user=supporter, role=Role.MEMBER)
    idea = idea_submit(author=member, box=group_box, title="Une idée", description="…")
    client.force_login(supporter)

    assert client.post(comment_url(idea), {"body": "Bravo"}).status_code == 302
    assert Idea.objects.get(pk=idea.pk).thread.space == group_box.space


def test_an_outsider_of_a_private_group_is_not_told_the_idea_exists(
    client, staff, member, outsider_animator
):
    group = GroupFactory(visibility=Space.Visibility.PRIVATE)
    Membership.objects.create(space=group, user=member, role=Role.MEMBER)
    box = box_open(space=group, by=staff, threshold_supports=3)
    idea = idea_submit(author=member, box=box, title="Secrète", description="…")
    client.force_login(outsider_animator)

    assert client.post(comment_url(idea), {"body": "Coucou"}).status_code == 404
    assert send(client, "get", f"/ideas/{idea.pk}/comments").status_code == 404
    assert send(client, "post", f"/ideas/{idea.pk}/comments", {"body": "Hop"}).status_code == 404


def test_a_muted_member_is_refused_with_a_403_keeping_the_text(
    client, idea, supporter, section_animator
):
    post, _ = idea_comment(author=supporter, idea=idea, body="Un message de trop.")
    decide(
        moderator=section_animator,
        content=post,
        action=Action.MUTE,
        article=1,
        reason="Une pause.",
        mute_days=3,
    )
    client.force_login(supporter)

    response = client.post(comment_url(idea), {"body": "Mon texte à garder"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "You are muted in this space" in html
    assert "Mon texte à garder" in html
    assert Post.objects.count() == 1


def test_a_locked_discussion_refuses_comments_saying_why_and_keeping_the_text(
    client, idea, supporter, member
):
    post, _ = idea_comment(author=supporter, idea=idea, body="Premier avis")
    thread_set_locked(thread=post.thread, locked=True)
    client.force_login(member)

    response = client.post(comment_url(idea), {"body": "Mon texte à garder"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "locked" in html
    assert "Mon texte à garder" in html


def test_an_idea_held_by_moderation_takes_no_comment(client, idea, member):
    Idea.objects.filter(pk=idea.pk).update(moderation_state=ModerationState.HELD)
    client.force_login(member)  # its author, who alone still sees it

    response = client.post(comment_url(idea), {"body": "Mon texte"})

    assert response.status_code == 403
    assert "Mon texte" in response.content.decode()
    assert not Thread.objects.exists()


# Privacy ----------------------------------------------------------------------------------


def test_an_erased_idea_leaves_its_discussion_without_its_title(idea, member, supporter):
    from membrane.ideas.privacy import erase_personal_data

    post, _ = idea_comment(author=supporter, idea=idea, body="Bonne idée !")

    erase_personal_data(member, keep_contributions=False)

    thread = Thread.objects.get(pk=post.thread_id)
    assert idea.title not in thread.title
    assert thread.posts.count() == 1


# The API ----------------------------------------------------------------------------------


def test_the_api_lists_no_comment_before_the_first_then_the_comments(client, idea, supporter):
    client.force_login(supporter)

    empty = send(client, "get", f"/ideas/{idea.pk}/comments").json()
    first = send(client, "post", f"/ideas/{idea.pk}/comments", {"body": "Oui !"})
    second = send(client, "post", f"/ideas/{idea.pk}/comments", {"body": "Encore oui."})
    again = send(client, "post", f"/ideas/{idea.pk}/comments", {"body": "Encore oui."})
    listed = send(client, "get", f"/ideas/{idea.pk}/comments").json()

    assert empty == {
        "thread_id": None,
        "can_comment": True,
        "comment_refusal": None,
        "items": [],
        "next": None,
    }
    assert (first.status_code, second.status_code, again.status_code) == (201, 201, 200)
    assert first.json()["thread_id"] == second.json()["thread_id"] == listed["thread_id"]
    assert [item["body"] for item in listed["items"]] == ["Oui !", "Encore oui."]
    detail = send(client, "get", f"/ideas/{idea.pk}").json()
    assert detail["thread_id"] == listed["thread_id"]
    assert detail["can_comment"] is True


def test_the_api_pages_the_comments(client, idea, section, charter, supporter):
    for index in range(3):
        person = MemberFactory(section=section, charter_version_accepted=charter.number)
        idea_comment(author=person, idea=idea, body=f"Avis {index}")
    client.force_login(supporter)

    first = send(client, "get", f"/ideas/{idea.pk}/comments?limit=2").json()
    second = send(client, "get", f"/ideas/{idea.pk}/comments?limit=2&cursor={first['next']}")

    assert [item["body"] for item in first["items"]] == ["Avis 0", "Avis 1"]
    assert [item["body"] for item in second.json()["items"]] == ["Avis 2"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("outsider_animator", 404),
        ("supporter", 201),
        ("member", 201),
        ("section_animator", 201),
        ("staff", 201),
    ],
)
def test_who_may_comment_through_the_api(client, request, idea, persona, expected):
    login_as(client, request, persona)

    response = send(client, "post", f"/ideas/{idea.pk}/comments", {"body": "Mon avis"})

    assert response.status_code == expected


def test_the_api_says_why_a_non_member_of_a_group_may_not_comment(
    client, group_box, member, outsider_animator
):
    idea = idea_submit(author=member, box=group_box, title="Une idée", description="…")
    client.force_login(outsider_animator)

    listed = send(client, "get", f"/ideas/{idea.pk}/comments").json()
    response = send(client, "post", f"/ideas/{idea.pk}/comments", {"body": "Mon avis"})

    assert (listed["can_comment"], listed["comment_refusal"]) == (False, "outsider")
    assert response.status_code == 403
    assert "Services publics" in response.json()["detail"]


@pytest.mark.parametrize("body", ["", "   ", "x" * 20_001, "Bonjour @personne-inconnue"])
def test_the_api_refuses_bad_comments_with_a_422(client, idea, supporter, body):
    client.force_login(supporter)

    response = send(client, "post", f"/ideas/{idea.pk}/comments", {"body": body})

    assert response.status_code == 422
    assert not Post.objects.exists()


def test_the_api_comments_come_in_a_constant_number_of_queries(
    client, idea, section, charter, supporter
):
    def add(n):
        for index in range(n):
            person = UserFactory(section=section, charter_version_accepted=charter.number)
            post, _ = idea_comment(author=person, idea=idea, body=f"Avis {index}")
            reaction_toggle(post=post, user=supporter)

    def count():
        send(client, "get", f"/ideas/{idea.pk}/comments?limit=100")
        with CaptureQueriesContext(connection) as context:
            assert send(client, "get", f"/ideas/{idea.pk}/comments?limit=100").status_code == 200
        return len(context)

    client.force_login(supporter)
    add(3)
    few = count()
    add(27)
    assert count() == few


def test_the_openapi_schema_describes_the_comments(client):
    schema = client.get(f"{API}/openapi.json").json()

    assert {"get", "post"} <= set(schema["paths"][f"{API}/ideas/{{idea_id}}/comments"])
    assert "CommentPage" in schema["components"]["schemas"]
    assert "CommentIn" in schema["components"]["schemas"]
