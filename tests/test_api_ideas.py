"""The API of ideas: boxes and their rules, a box's ideas page by page,
submitting, supporting (409 on a double), answering, sending up, merging and
the report — under the rules of the idea pages."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from membrane.ideas.models import Idea, Status, Support
from membrane.ideas.services import idea_answer, idea_submit, support_add
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def idea(box, member):
    return idea_submit(
        author=member, box=box, title="Un composteur partagé", description="**Compost**"
    )


def send(client, method, path, data=None):
    body = json.dumps(data) if data is not None else ""
    return getattr(client, method)(f"{API}{path}", data=body, content_type="application/json")


def login_as(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


def test_the_boxes_are_listed_with_their_rules(client, box):
    response = send(client, "get", "/idea-boxes")

    assert response.status_code == 200
    [listed] = response.json()
    assert listed["space"]["slug"] == box.space.slug
    assert (listed["threshold"], listed["answer_delay_days"]) == (2, 10)


def test_a_box_tells_whether_the_caller_may_submit(client, box, member):
    assert send(client, "get", f"/idea-boxes/{box.space.slug}").json()["can_submit"] is False
    client.force_login(member)
    assert send(client, "get", f"/idea-boxes/{box.space.slug}").json()["can_submit"] is True


def test_a_box_s_ideas_come_page_by_page_for_the_people_of_the_space(client, box, member):
    for i in range(3):
        idea_submit(author=member, box=box, title=f"Idée {i}", description="…")
    assert send(client, "get", f"/idea-boxes/{box.space.slug}/ideas").status_code == 403
    client.force_login(member)

    first = send(client, "get", f"/idea-boxes/{box.space.slug}/ideas?limit=2").json()
    second = send(
        client, "get", f"/idea-boxes/{box.space.slug}/ideas?limit=2&cursor={first['next']}"
    ).json()

    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert second["next"] is None
    titles = {item["title"] for item in first["items"] + second["items"]}
    assert titles == {"Idée 0", "Idée 1", "Idée 2"}


def test_the_ideas_page_makes_as_many_queries_for_3_ideas_as_for_30(
    client, box, member, section, charter
):
    crowd = [
        MemberFactory(section=section, charter_version_accepted=charter.number) for _ in range(3)
    ]
    client.force_login(member)

    def add(n):
        for i in range(n):
            idea = idea_submit(author=member, box=box, title=f"Idée {i}", description="…")
            for person in crowd:
                support_add(user=person, idea=idea)

    def count():
        send(client, "get", f"/idea-boxes/{box.space.slug}/ideas?limit=100")
        with CaptureQueriesContext(connection) as context:
            assert (
                send(client, "get", f"/idea-boxes/{box.space.slug}/ideas?limit=100").status_code
                == 200
            )
        return len(context)

    add(3)
    few = count()
    add(27)
    assert count() == few


def test_a_member_submits_an_idea(client, box, member):
    client.force_login(member)

    response = send(
        client,
        "post",
        f"/idea-boxes/{box.space.slug}/ideas",
        {"title": "Jardins", "description": "Oui"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    assert len(response.json()["steps"]) == 1


def test_an_empty_title_is_a_422(client, box, member):
    client.force_login(member)
    response = send(
        client, "post", f"/idea-boxes/{box.space.slug}/ideas", {"title": "", "description": "Oui"}
    )
    assert response.status_code == 422
    assert not Idea.objects.exists()


def test_similar_ideas_are_suggested(client, idea, supporter):
    client.force_login(supporter)
    response = send(client, "get", f"/idea-boxes/{idea.box.space.slug}/similar?title=composteur")
    assert [item["id"] for item in response.json()] == [idea.pk]


def test_supporting_twice_is_a_409_and_withdrawing_a_204(client, idea, supporter):
    client.force_login(supporter)

    assert send(client, "post", f"/ideas/{idea.pk}/support").status_code == 201
    assert send(client, "post", f"/ideas/{idea.pk}/support").status_code == 409
    assert send(client, "delete", f"/ideas/{idea.pk}/support").status_code == 204
    assert send(client, "delete", f"/ideas/{idea.pk}/support").status_code == 404
    assert not Support.objects.exists()


def test_the_idea_comes_with_its_steps_and_answers(client, idea, section_animator, supporter):
    idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Oui.")
    client.force_login(supporter)

    body = send(client, "get", f"/ideas/{idea.pk}").json()

    assert body["status"] == "retained"
    [step] = body["steps"]
    assert step["answers"][0]["text"] == "Oui."
    assert step["answers"][0]["author"]["id"] == section_animator.pk


def test_an_answer_out_of_the_pipeline_is_a_400(client, idea, section_animator):
    client.force_login(section_animator)
    response = send(
        client, "post", f"/ideas/{idea.pk}/answers", {"status": "implemented", "text": "x"}
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_merge_into_itself_or_another_box_is_a_400(
    client, idea, section_animator, upper_box, staff
):
    elsewhere = idea_submit(author=staff, box=upper_box, title="Ailleurs", description="…")
    client.force_login(section_animator)
    assert send(client, "post", f"/ideas/{idea.pk}/merge", {"into": idea.pk}).status_code == 400
    assert (
        send(client, "post", f"/ideas/{idea.pk}/merge", {"into": elsewhere.pk}).status_code == 400
    )


def test_the_report_counts_ideas_by_status(client, idea):
    body = send(client, "get", "/ideas-report").json()
    assert body["total"] == 1
    assert body["by_status"]["submitted"] == 1
    assert send(client, "get", f"/idea-boxes/{idea.box.space.slug}/report").status_code == 200


# The permission matrix --------------------------------------------------------------------

PERSONAS = [
    "anonymous",
    "supporter",
    "member",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
]
ACCOUNTABLE = {"section_animator", "federation_animator", "staff"}
# Anonymous callers must authenticate, an outsider is not told the idea
# exists, the people of the space are told why.
REFUSED = {"anonymous": 401, "outsider_animator": 404, "supporter": 403, "member": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_support(client, request, persona, box, section_animator):
    idea = idea_submit(author=section_animator, box=box, title="Des bancs", description="…")
    login_as(client, request, persona)

    response = send(client, "post", f"/ideas/{idea.pk}/support")

    expected = {**REFUSED, "supporter": 201, "member": 201, "section_animator": 403}.get(
        persona, 201
    )
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_answer(client, request, persona, idea):
    login_as(client, request, persona)

    response = send(
        client, "post", f"/ideas/{idea.pk}/answers", {"status": "under_study", "text": "Vu."}
    )

    assert response.status_code == (201 if persona in ACCOUNTABLE else REFUSED[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_send_up(client, request, persona, idea, upper_box, section_animator):
    idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Oui.")
    login_as(client, request, persona)

    response = send(client, "post", f"/ideas/{idea.pk}/forward")

    assert response.status_code == (200 if persona in ACCOUNTABLE else REFUSED[persona])
    assert (Idea.objects.get().box_id == upper_box.pk) == (persona in ACCOUNTABLE)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_merge(client, request, persona, idea, box, supporter):
    other = idea_submit(author=supporter, box=box, title="Compost", description="…")
    login_as(client, request, persona)

    response = send(client, "post", f"/ideas/{idea.pk}/merge", {"into": other.pk})

    assert response.status_code == (200 if persona in ACCOUNTABLE else REFUSED[persona])


# Themes -----------------------------------------------------------------------------------


def test_the_themes_are_listed(client, themes):
    response = send(client, "get", "/idea-themes")

    assert response.status_code == 200
    assert [t["slug"] for t in response.json()] == sorted(
        themes, key=lambda slug: themes[slug].name
    )


def test_a_member_submits_an_idea_with_its_themes(client, box, member, themes):
    client.force_login(member)

    response = send(
        client,
        "post",
        f"/idea-boxes/{box.space.slug}/ideas",
        {"title": "Des vélos", "description": "…", "themes": ["transports", "ecologie"]},
    )

    assert response.status_code == 201
    assert {t["slug"] for t in response.json()["themes"]} == {"transports", "ecologie"}


@pytest.mark.parametrize("chosen", [["ecologie", "education", "sante", "logement"], ["nulle-part"]])
def test_too_many_or_unknown_themes_are_a_422(client, box, member, themes, chosen):
    client.force_login(member)

    response = send(
        client,
        "post",
        f"/idea-boxes/{box.space.slug}/ideas",
        {"title": "Des vélos", "description": "…", "themes": chosen},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "themes"
    assert not Idea.objects.exists()


def test_a_box_s_ideas_are_filtered_by_theme_with_their_themes(client, box, member, themes):
    idea_submit(
        author=member, box=box, title="Des arbres", description="…", themes=[themes["ecologie"]]
    )
    idea_submit(author=member, box=box, title="Sans thème", description="…")
    client.force_login(member)

    listed = send(client, "get", f"/idea-boxes/{box.space.slug}/ideas?theme=ecologie").json()
    unknown = send(client, "get", f"/idea-boxes/{box.space.slug}/ideas?theme=nulle-part")

    assert [item["title"] for item in listed["items"]] == ["Des arbres"]
    assert listed["items"][0]["themes"] == [{"slug": "ecologie", "name": "Écologie"}]
    assert unknown.status_code == 404
