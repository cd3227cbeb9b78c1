"""The API of moderation: reports, the queue, decisions, appeals, the public
log and space policies — under the same rules as the moderation pages
(moderation/permissions.py), with a permission matrix over the personas."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from membrane.accounts.models import ProfileVisibility
from membrane.accounts.tokens import access_token_create
from membrane.conversations.services import post_create, thread_create
from membrane.moderation.models import (
    Action,
    Appeal,
    AuditEntry,
    Decision,
    ModerationState,
    Mute,
    Report,
    SpacePolicy,
)
from membrane.moderation.services import (
    REPORTS_PER_HOUR,
    appeal_create,
    appeal_decide,
    decide,
    hold_if_guarded,
    report_create,
)
from membrane.spaces.models import Role, Space
from membrane.spaces.services import (
    group_create,
    group_join,
    membership_set_role,
    territorial_space_ensure,
)
from tests.api_helpers import API, assert_json_error, bearer, count_queries, send
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


PERSONAS = [
    "anonymous",
    "supporter",
    "member",
    "group_moderator",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
]

SECRET = "Texte signalé xq7-confidentiel"
COMMENT = "Commentaire du signalement zr9"
APPEAL_TEXT = "Plaidoyer de l'autrice kw3"


# -- Helpers ----------------------------------------------------------------


def login(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


def report(reporter, content, article=1, comment=""):
    return report_create(reporter=reporter, content=content, article=article, comment=comment)


def hide(moderator, content, reason="Propos injurieux."):
    return decide(
        moderator=moderator, content=content, action=Action.HIDE, article=1, reason=reason
    )


def decision_body(kind, object_id, action="hide", **fields):
    return {
        "kind": kind,
        "object_id": object_id,
        "action": action,
        "article": 1,
        "reason": "Propos injurieux.",
        **fields,
    }


def as_text(data) -> str:
    return json.dumps(data, ensure_ascii=False)


# -- Fixtures ---------------------------------------------------------------


@pytest.fixture
def section_space(section):
    return territorial_space_ensure(section)


@pytest.fixture
def writer(section, charter):
    """The author of the reported content (a member of the section)."""
    return MemberFactory(
        section=section, charter_version_accepted=charter.number, display_name="Autrice Quillon"
    )


@pytest.fixture
def section_thread(writer, section_space):
    return thread_create(
        author=writer, space=section_space, title="Le marché de Bègles", body="Ouvrons le débat."
    )


@pytest.fixture
def section_post(writer, section_thread):
    return post_create(author=writer, thread=section_thread, body=SECRET)


@pytest.fixture
def group_animator(charter):
    return UserFactory(charter_version_accepted=charter.number)


@pytest.fixture
def group_moderator(charter):
    """A moderator of `group` (and of nothing else)."""
    return UserFactory(charter_version_accepted=charter.number, display_name="Modératrice Vrille")


@pytest.fixture
def group(group_animator, group_moderator, writer, supporter):
    group = group_create(creator=group_animator, name="Services publics")
    for person in (group_moderator, writer, supporter):
        group_join(group=group, user=person)
    membership_set_role(group=group, user=group_moderator, role=Role.MODERATOR)
    return group


@pytest.fixture
def group_post(group, writer):
    thread = thread_create(author=writer, space=group, title="La Poste", body="Défendons-la.")
    return post_create(author=writer, thread=thread, body="Un avis tranché.")


@pytest.fixture
def private_group(group_animator):
    return group_create(
        creator=group_animator,
        name="Stratégie municipale",
        visibility=Space.Visibility.PRIVATE,
        joining=Space.Joining.REQUEST,
    )


@pytest.fixture
def hidden(section_animator, section_post, supporter):
    """The section post, reported by the supporter and hidden by the section's animator."""
    report(supporter, section_post, comment=COMMENT)
    return hide(section_animator, section_post)


@pytest.fixture
def appeal(hidden, writer):
    return appeal_create(author=writer, decision=hidden, text=APPEAL_TEXT)


# -- Schema -----------------------------------------------------------------


def test_the_schema_documents_the_moderation_operations_and_their_errors(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    reports = paths[f"{API}/moderation/reports"]["post"]
    assert {"201", "400", "401", "403", "404", "409", "429"} <= set(reports["responses"])
    assert reports["tags"] == ["moderation"]
    assert "200" in paths[f"{API}/moderation/reports/mine"]["get"]["responses"]
    assert {"200", "403"} <= set(paths[f"{API}/moderation/queue"]["get"]["responses"])
    decisions = paths[f"{API}/moderation/decisions"]["post"]
    assert {"201", "400", "403", "404"} <= set(decisions["responses"])
    detail = paths[f"{API}/moderation/decisions/{{decision_id}}"]["get"]
    assert {"200", "404"} <= set(detail["responses"])
    log = paths[f"{API}/moderation/log"]["get"]
    assert {"200", "400", "404"} <= set(log["responses"])
    assert {} in log["security"]  # public
    assert {} in paths[f"{API}/moderation/log/counts"]["get"]["security"]
    appeal = paths[f"{API}/moderation/decisions/{{decision_id}}/appeal"]["post"]
    assert {"201", "400", "403", "409"} <= set(appeal["responses"])
    assert "403" in paths[f"{API}/moderation/appeals"]["get"]["responses"]
    appeal_decision = paths[f"{API}/moderation/appeals/{{appeal_id}}/decision"]["post"]
    assert {"200", "403", "404", "409"} <= set(appeal_decision["responses"])
    policies = paths[f"{API}/moderation/policies/{{slug}}"]
    assert {"200", "403", "404"} <= set(policies["get"]["responses"])
    assert {"200", "403", "404", "422"} <= set(policies["patch"]["responses"])


# -- Reports ----------------------------------------------------------------


def test_a_report_is_created_under_an_article(client, supporter, section_post):
    client.force_login(supporter)

    response = send(
        client,
        "post",
        "/moderation/reports",
        {"kind": "post", "object_id": section_post.pk, "article": 2, "comment": COMMENT},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "post"
    assert body["object_id"] == section_post.pk
    assert body["article"] == 2
    assert body["comment"] == COMMENT
    assert body["status"] == "open"
    assert body["created_at"]
    assert body["decision_id"] is None and body["action"] is None
    saved = Report.objects.get(pk=body["id"])
    assert saved.reporter == supporter
    assert saved.source == Report.Source.PERSON


def test_threads_profiles_and_groups_are_reportable_with_a_token(
    supporter, writer, section_thread, group
):
    _token, raw = access_token_create(user=supporter, name="script")
    client = Client(enforce_csrf_checks=True)

    for kind, object_id in (
        ("thread", section_thread.pk),
        ("profile", writer.pk),
        ("group", group.pk),
    ):
        response = send(
            client,
            "post",
            "/moderation/reports",
            {"kind": kind, "object_id": object_id, "article": 1},
            headers=bearer(raw),
        )
        assert response.status_code == 201, (kind, response.content)

    assert set(Report.objects.filter(reporter=supporter).values_list("kind", flat=True)) == {
        "thread",
        "profile",
        "group",
    }


def test_reporting_needs_to_be_signed_in(client, section_post):
    response = send(
        client, "post", "/moderation/reports", {"kind": "post", "object_id": section_post.pk}
    )
    assert_json_error(response, 401)


@pytest.mark.parametrize(
    ("kind", "object_id"),
    [("idea", 1), ("post", 999_999), ("post", 0), ("post", -3), ("profile", 999_999)],
)
def test_an_unknown_kind_or_a_forged_id_is_not_found(
    client, supporter, section_post, kind, object_id
):
    client.force_login(supporter)

    response = send(
        client,
        "post",
        "/moderation/reports",
        {"kind": kind, "object_id": object_id, "article": 1},
    )

    assert assert_json_error(response, 404) == "Not found."
    assert not Report.objects.exists()


def test_content_the_reporter_cannot_see_is_not_found(
    client, supporter, outsider_animator, section_post, private_group, group_animator
):
    private_thread = thread_create(
        author=group_animator, space=private_group, title="Liste", body="Entre nous."
    )
    hidden_profile = UserFactory(profile_visibility=ProfileVisibility.STAFF)
    client.force_login(outsider_animator)

    for kind, object_id in (
        ("post", section_post.pk),  # a section's space is private to its people
        ("thread", private_thread.pk),
        ("profile", hidden_profile.pk),
        ("group", section_post.thread.space_id),  # a territorial space is not a group
    ):
        response = send(
            client,
            "post",
            "/moderation/reports",
            {"kind": kind, "object_id": object_id, "article": 1},
        )
        assert_json_error(response, 404)
    assert not Report.objects.exists()


def test_one_cannot_report_ones_own_content(client, writer, section_post):
    client.force_login(writer)

    response = send(
        client,
        "post",
        "/moderation/reports",
        {"kind": "post", "object_id": section_post.pk, "article": 1},
    )

    assert "your own" in assert_json_error(response, 403)
    assert not Report.objects.exists()


def test_hidden_content_cannot_be_reported_again(client, member, hidden, section_post):
    client.force_login(member)

    response = send(
        client,
        "post",
        "/moderation/reports",
        {"kind": "post", "object_id": section_post.pk, "article": 1},
    )

    assert "moderators" in assert_json_error(response, 403)


def test_reporting_twice_is_a_conflict_and_keeps_the_first_report(client, supporter, section_post):
    client.force_login(supporter)
    payload = {"kind": "post", "object_id": section_post.pk, "article": 1}
    assert send(client, "post", "/moderation/reports", payload).status_code == 201

    response = send(client, "post", "/moderation/reports", {**payload, "article": 2})

    assert "already reported" in assert_json_error(response, 409)
    assert Report.objects.get().article == 1


def test_an_article_the_charter_does_not_have_is_refused(client, supporter, section_post):
    client.force_login(supporter)

    response = send(
        client,
        "post",
        "/moderation/reports",
        {"kind": "post", "object_id": section_post.pk, "article": 99},
    )

    assert "no article 99" in assert_json_error(response, 400)
    assert not Report.objects.exists()


def test_a_comment_too_long_is_a_validation_error(client, supporter, section_post):
    client.force_login(supporter)

    response = send(
        client,
        "post",
        "/moderation/reports",
        {"kind": "post", "object_id": section_post.pk, "article": 1, "comment": "x" * 1001},
    )

    assert response.status_code == 422


def test_reports_are_rate_limited(client, supporter, section_post):
    for _ in range(REPORTS_PER_HOUR):
        report(supporter, UserFactory(profile_visibility=ProfileVisibility.PUBLIC))
    client.force_login(supporter)

    response = send(
        client,
        "post",
        "/moderation/reports",
        {"kind": "post", "object_id": section_post.pk, "article": 1},
    )

    assert "try again later" in assert_json_error(response, 429)
    assert Report.objects.count() == REPORTS_PER_HOUR


def test_my_reports_tell_their_outcome_and_never_show_others_reports(
    client, supporter, member, section_post, section_thread, section_animator
):
    mine = report(supporter, section_post)
    other = report(member, section_post)
    pending = report(supporter, section_thread)
    decision = hide(section_animator, section_post)
    client.force_login(supporter)

    response = client.get(f"{API}/moderation/reports/mine")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [pending.pk, mine.pk]
    assert other.pk not in {item["id"] for item in items}
    assert items[0]["status"] == "open" and items[0]["action"] is None
    assert items[1]["status"] == "closed"
    assert items[1]["decision_id"] == decision.pk
    assert items[1]["action"] == "hide"
    assert response.json()["next"] is None


def test_my_reports_need_to_be_signed_in(client):
    assert_json_error(client.get(f"{API}/moderation/reports/mine"), 401)


# -- Queue ------------------------------------------------------------------


# What each persona finds in the queue: None for a 403 (or 401).
QUEUE_SEES = {
    "anonymous": None,
    "supporter": None,
    "member": None,
    "group_moderator": {"group-post"},
    "section_animator": {"section-post"},
    "federation_animator": {"section-post"},
    "outsider_animator": set(),
    "staff": {"section-post", "group-post", "profile"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_queue_shows_each_moderator_their_spaces(
    client, request, persona, member, supporter, writer, section_post, group_post
):
    report(member, section_post)
    report(supporter, group_post)
    report(supporter, writer)  # a profile: staff alone moderate it
    login(client, request, persona)

    response = client.get(f"{API}/moderation/queue")

    expected = QUEUE_SEES[persona]
    if expected is None:
        assert_json_error(response, 401 if persona == "anonymous" else 403)
        return
    assert response.status_code == 200, response.content
    names = {
        section_post.pk: "section-post",
        group_post.pk: "group-post",
    }
    found = {
        "profile" if item["kind"] == "profile" else names[item["object_id"]]
        for item in response.json()
    }
    assert found == expected


def test_a_queue_item_shows_the_content_and_its_reports(
    client, supporter, member, section_post, section_animator, section_space
):
    report(member, section_post, article=2)
    report(supporter, section_post, comment=COMMENT)
    client.force_login(section_animator)

    [item] = client.get(f"{API}/moderation/queue").json()

    assert item["kind"] == "post"
    assert item["kind_label"] == "reply"
    assert item["object_id"] == section_post.pk
    assert item["space"] == {
        "slug": section_space.slug,
        "name": section_space.name,
        "kind": "section",
    }
    assert item["state"] == "visible"
    assert item["report_count"] == 2
    assert item["first_reported_at"]
    assert item["excerpt"] == SECRET  # moderators read what they judge
    assert item["url"] == "http://testserver" + reverse(
        "conversations:post", args=[section_post.pk]
    )
    assert [(r["article"], r["comment"], r["source"]) for r in item["reports"]] == [
        (2, "", "person"),
        (1, COMMENT, "person"),
    ]
    assert [r["reporter"]["id"] for r in item["reports"]] == [member.pk, supporter.pk]
    assert "email" not in item["reports"][0]["reporter"]


def test_the_queue_filters_by_space(
    client, staff, member, supporter, section_post, group_post, group, section_space
):
    report(member, section_post)
    report(supporter, group_post)
    client.force_login(staff)

    response = client.get(f"{API}/moderation/queue", {"space": group.slug})

    assert [item["object_id"] for item in response.json()] == [group_post.pk]
    assert_json_error(client.get(f"{API}/moderation/queue", {"space": "nulle-part"}), 404)


def test_the_queue_of_a_space_one_does_not_moderate_is_refused(
    client, group_moderator, group, section_space
):
    client.force_login(group_moderator)

    response = client.get(f"{API}/moderation/queue", {"space": section_space.slug})

    assert_json_error(response, 403)


def test_the_queue_orders_by_number_of_reports_then_age(
    client, staff, supporter, member, writer, section_post, section_thread
):
    report(supporter, section_thread)
    report(supporter, section_post)
    report(member, section_post)
    client.force_login(staff)

    items = client.get(f"{API}/moderation/queue").json()

    assert [(item["kind"], item["report_count"]) for item in items] == [("post", 2), ("thread", 1)]


def _fill_queue(thread, reporters, count):
    for i in range(count):
        post = post_create(author=UserFactory(), thread=thread, body=f"Message {i}")
        report(reporters[i % len(reporters)], post, comment=f"Signalement {i}")


@pytest.mark.parametrize("persona", ["section_animator", "staff"])
def test_the_queue_runs_the_same_queries_for_3_or_30_items(
    client, request, persona, section_thread, writer
):
    reporters = UserFactory.create_batch(5)
    report(reporters[0], section_thread)
    report(reporters[1], writer)  # a profile, in the staff's queue
    _fill_queue(section_thread, reporters, 2)
    login(client, request, persona)
    client.get(f"{API}/moderation/queue", {"limit": 100})  # warm the content types' cache

    few = count_queries(client, "/moderation/queue", {"limit": 100})

    _fill_queue(section_thread, reporters, 27)
    assert len(client.get(f"{API}/moderation/queue", {"limit": 100}).json()) >= 30
    many = count_queries(client, "/moderation/queue", {"limit": 100})

    assert many == few


# -- Decisions --------------------------------------------------------------


# The answer to "hide the section post", then "ban its author", by persona.
SECTION_HIDE = {
    "anonymous": 401,
    "supporter": 403,
    "member": 403,
    "group_moderator": 404,  # cannot even see the section's space
    "section_animator": 201,
    "federation_animator": 201,
    "outsider_animator": 404,
    "staff": 201,
}
SECTION_BAN = {**SECTION_HIDE, "section_animator": 403, "federation_animator": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_hide_a_section_message(client, request, persona, section_post, group):
    login(client, request, persona)

    response = send(client, "post", "/moderation/decisions", decision_body("post", section_post.pk))

    assert response.status_code == SECTION_HIDE[persona], response.content
    section_post.refresh_from_db()
    if response.status_code == 201:
        assert section_post.moderation_state == ModerationState.HIDDEN
        assert section_post.moderation_article == 1
    else:
        assert section_post.moderation_state == ModerationState.VISIBLE
        assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_ban(client, request, persona, section_post, writer, group):
    login(client, request, persona)

    response = send(
        client, "post", "/moderation/decisions", decision_body("post", section_post.pk, "ban")
    )

    assert response.status_code == SECTION_BAN[persona], response.content
    writer.refresh_from_db()
    assert writer.is_active is (response.status_code != 201)
    if persona in ("section_animator", "federation_animator"):
        assert "ban" in response.json()["detail"]


GROUP_HIDE = {
    "anonymous": 401,
    "supporter": 403,  # a plain member of the group
    "member": 403,
    "group_moderator": 201,
    "section_animator": 403,  # sees the public group, does not moderate it
    "federation_animator": 403,
    "outsider_animator": 403,
    "staff": 201,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_hide_a_group_message(client, request, persona, group_post):
    login(client, request, persona)

    response = send(client, "post", "/moderation/decisions", decision_body("post", group_post.pk))

    assert response.status_code == GROUP_HIDE[persona], response.content


def test_a_group_moderator_cannot_ban(client, group_moderator, group_post):
    client.force_login(group_moderator)

    response = send(
        client, "post", "/moderation/decisions", decision_body("post", group_post.pk, "ban")
    )

    assert_json_error(response, 403)


def test_a_moderator_cannot_decide_on_their_own_content(client, section_animator, section_thread):
    own = post_create(author=section_animator, thread=section_thread, body="Mon avis.")
    client.force_login(section_animator)

    response = send(client, "post", "/moderation/decisions", decision_body("post", own.pk))

    assert "your own" in assert_json_error(response, 403)


def test_profiles_are_for_staff_and_cannot_be_muted(client, staff, section_animator, writer):
    client.force_login(section_animator)
    assert_json_error(
        send(client, "post", "/moderation/decisions", decision_body("profile", writer.pk, "warn")),
        403,
    )

    client.force_login(staff)
    muted = send(
        client,
        "post",
        "/moderation/decisions",
        decision_body("profile", writer.pk, "mute", mute_days=3),
    )
    assert_json_error(muted, 403)
    warned = send(
        client, "post", "/moderation/decisions", decision_body("profile", writer.pk, "warn")
    )
    assert warned.status_code == 201
    assert warned.json()["space"] is None


def test_a_decision_closes_the_reports_and_answers_its_public_form(
    client, section_animator, supporter, member, section_post, section_space
):
    report(supporter, section_post)
    report(member, section_post)
    client.force_login(section_animator)

    response = send(client, "post", "/moderation/decisions", decision_body("post", section_post.pk))

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "created_at",
        "space",
        "kind",
        "kind_label",
        "article",
        "action",
        "action_label",
        "reason",
        "until",
        "revisits",
        "appeal",
    }
    assert body["space"]["slug"] == section_space.slug
    assert (body["kind"], body["action"], body["article"]) == ("post", "hide", 1)
    assert body["reason"] == "Propos injurieux."
    assert body["appeal"] is None
    assert set(Report.objects.values_list("status", "decision_id")) == {("closed", body["id"])}
    assert AuditEntry.objects.filter(actor=section_animator, verb="decision:hide").exists()


def test_a_mute_lasts_the_days_asked(client, section_animator, writer, section_post, section_space):
    client.force_login(section_animator)

    response = send(
        client,
        "post",
        "/moderation/decisions",
        decision_body("post", section_post.pk, "mute", mute_days=7),
    )

    assert response.status_code == 201
    mute = Mute.objects.get()
    assert (mute.user, mute.space) == (writer, section_space)
    assert response.json()["until"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"article": None}, "article"),
        ({"article": 42}, "no article 42"),
        ({"reason": "   "}, "public reason"),
        ({"action": "mute", "mute_days": 0}, "1 to 365"),
        ({"action": "mute", "mute_days": 400}, "1 to 365"),
    ],
)
def test_a_decision_without_its_article_reason_or_duration_is_refused(
    client, section_animator, section_post, fields, message
):
    client.force_login(section_animator)

    response = send(
        client,
        "post",
        "/moderation/decisions",
        {**decision_body("post", section_post.pk), **fields},
    )

    assert message in assert_json_error(response, 400)
    assert not Decision.objects.exists()
    section_post.refresh_from_db()
    assert section_post.moderation_state == ModerationState.VISIBLE


def test_a_decision_on_a_forged_id_or_an_unknown_action(client, staff, section_post):
    client.force_login(staff)

    assert_json_error(
        send(client, "post", "/moderation/decisions", decision_body("post", 999_999)), 404
    )
    assert_json_error(
        send(client, "post", "/moderation/decisions", decision_body("idea", section_post.pk)), 404
    )
    unknown = send(
        client, "post", "/moderation/decisions", decision_body("post", section_post.pk, "erase")
    )
    assert unknown.status_code == 422


def test_a_held_message_is_approved(client, section_animator, writer, section_post, section_space):
    SpacePolicy.objects.create(space=section_space, premoderation=True)
    assert hold_if_guarded(
        content=section_post, author=writer, space=section_space, body=section_post.body
    )
    client.force_login(section_animator)
    [item] = client.get(f"{API}/moderation/queue").json()
    assert item["state"] == "held"
    assert item["reports"][0]["source"] == "premoderation"
    assert item["reports"][0]["reporter"] is None

    response = send(
        client,
        "post",
        "/moderation/decisions",
        decision_body("post", section_post.pk, "approve", article=None, reason="Conforme."),
    )

    assert response.status_code == 201, response.content
    section_post.refresh_from_db()
    assert section_post.moderation_state == ModerationState.VISIBLE
    assert client.get(f"{API}/moderation/queue").json() == []


def test_a_decision_is_public(client, hidden, writer):
    response = client.get(f"{API}/moderation/decisions/{hidden.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == hidden.pk
    assert body["action"] == "hide"
    assert body["can_appeal"] is False
    assert SECRET not in as_text(body)

    client.force_login(writer)
    assert client.get(f"{API}/moderation/decisions/{hidden.pk}").json()["can_appeal"] is True


@pytest.mark.parametrize("decision_id", [999_999, 0, 2**63 + 5])
def test_a_forged_decision_id_is_not_found(client, hidden, decision_id):
    assert_json_error(client.get(f"{API}/moderation/decisions/{decision_id}"), 404)


# -- Public log -------------------------------------------------------------


def test_the_log_never_names_reporters_authors_nor_moderators_nor_shows_hidden_text(
    client,
    supporter,
    writer,
    section_animator,
    federation_animator,
    section_post,
    group_post,
    group_moderator,
):
    report(supporter, section_post, comment=COMMENT)
    report(supporter, group_post, comment=COMMENT)
    decision = hide(section_animator, section_post)
    hide(group_moderator, group_post)
    appeal = appeal_create(author=writer, decision=decision, text=APPEAL_TEXT)
    appeal_decide(moderator=federation_animator, appeal=appeal, overturn=False, answer="Maintenue.")
    people = [supporter, writer, section_animator, federation_animator, group_moderator]

    for viewer in (None, supporter, writer):
        if viewer is not None:
            client.force_login(viewer)
        texts = [
            as_text(client.get(f"{API}/moderation/log").json()),
            as_text(client.get(f"{API}/moderation/log/counts").json()),
            as_text(client.get(f"{API}/moderation/decisions/{decision.pk}").json()),
        ]
        for text in texts:
            for person in people:
                assert person.public_name not in text
                assert person.handle not in text
                assert person.email not in text
            for secret in (SECRET, COMMENT, APPEAL_TEXT, "Un avis tranché", "Le marché de Bègles"):
                assert secret not in text

    items = client.get(f"{API}/moderation/log").json()["items"]
    for item in items:
        assert "object_id" not in item
        assert not {"author", "moderator", "reporter", "reporters", "content"} & set(item)
    assert items[-1]["appeal"] == {
        "status": "upheld",
        "answer": "Maintenue.",
        "decided_at": items[-1]["appeal"]["decided_at"],
    }


def test_the_log_is_public_and_filterable(
    client, staff, writer, section_post, group_post, group, section_space, section_thread
):
    hide(staff, section_post)
    decide(moderator=staff, content=group_post, action=Action.WARN, article=2, reason="Rappel.")
    decide(moderator=staff, content=writer, action=Action.WARN, article=2, reason="Profil.")
    decide(
        moderator=staff, content=section_thread, action=Action.DISMISS, article=None, reason="RAS."
    )

    def reasons(**params):
        response = client.get(f"{API}/moderation/log", params)
        assert response.status_code == 200, response.content
        return [item["reason"] for item in response.json()["items"]]

    assert reasons() == ["RAS.", "Profil.", "Rappel.", "Propos injurieux."]
    assert reasons(space=group.slug) == ["Rappel."]
    assert reasons(space=section_space.slug) == ["RAS.", "Propos injurieux."]
    assert reasons(article=2) == ["Profil.", "Rappel."]
    assert reasons(action="dismiss") == ["RAS."]
    assert reasons(kind="profile") == ["Profil."]
    assert reasons(kind="thread", space=section_space.slug) == ["RAS."]
    assert_json_error(client.get(f"{API}/moderation/log", {"space": "nulle-part"}), 404)
    assert client.get(f"{API}/moderation/log", {"action": "erase"}).status_code == 422
    assert_json_error(client.get(f"{API}/moderation/log", {"cursor": "pas-un-curseur"}), 400)


def test_the_log_cursor_walks_every_decision_once_newest_first(client, staff, section_thread):
    for i in range(7):
        post = post_create(author=UserFactory(), thread=section_thread, body=f"Message {i}")
        hide(staff, post, reason=f"Motif {i}")
    expected = list(Decision.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))

    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{API}/moderation/log", params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break

    assert seen == expected


def test_the_log_counts_per_space_and_per_article(
    client, staff, writer, section_post, group_post, group, section_space, section_thread
):
    hide(staff, section_post)
    decide(moderator=staff, content=section_thread, action=Action.WARN, article=2, reason="Rappel.")
    decide(moderator=staff, content=group_post, action=Action.WARN, article=2, reason="Rappel.")
    decide(moderator=staff, content=writer, action=Action.DISMISS, article=None, reason="RAS.")

    response = client.get(f"{API}/moderation/log/counts")

    assert response.status_code == 200
    body = response.json()
    assert body["spaces"][0] == {"slug": section_space.slug, "name": section_space.name, "count": 2}
    assert {"slug": group.slug, "name": group.name, "count": 1} in body["spaces"]
    assert {"slug": None, "name": None, "count": 1} in body["spaces"]
    assert body["articles"] == [{"article": 1, "count": 1}, {"article": 2, "count": 2}]
    filtered = client.get(f"{API}/moderation/log/counts", {"space": group.slug}).json()
    assert filtered == {
        "spaces": [{"slug": group.slug, "name": group.name, "count": 1}],
        "articles": [{"article": 2, "count": 1}],
    }


def _fill_log(staff, thread, count, *, appeal_every=3):
    for i in range(count):
        author = UserFactory()
        post = post_create(author=author, thread=thread, body=f"Message {i}")
        decision = hide(staff, post, reason=f"Motif {i}")
        if i % appeal_every == 0:
            appeal_create(author=author, decision=decision, text="Je conteste.")


@pytest.mark.parametrize("persona", ["anonymous", "member"])
def test_the_log_runs_the_same_queries_for_3_or_30_decisions(
    client, request, persona, staff, writer, section_thread, group_post
):
    decide(moderator=staff, content=writer, action=Action.WARN, article=2, reason="Profil.")
    hide(staff, group_post)
    _fill_log(staff, section_thread, 1)
    login(client, request, persona)
    client.get(f"{API}/moderation/log", {"limit": 100})

    few = count_queries(client, "/moderation/log", {"limit": 100})
    few_counts = count_queries(client, "/moderation/log/counts")

    _fill_log(staff, section_thread, 27)
    assert len(client.get(f"{API}/moderation/log", {"limit": 100}).json()["items"]) == 30
    many = count_queries(client, "/moderation/log", {"limit": 100})
    many_counts = count_queries(client, "/moderation/log/counts")

    assert many == few
    assert many_counts == few_counts


# -- Appeals ----------------------------------------------------------------


APPEAL_BY = {
    "anonymous": 401,
    "supporter": 403,  # the reporter
    "member": 403,
    "group_moderator": 403,
    "section_animator": 403,  # the moderator who decided
    "federation_animator": 403,
    "outsider_animator": 403,
    "staff": 403,
    "writer": 201,  # the author
}


@pytest.mark.parametrize("persona", [*PERSONAS, "writer"])
def test_only_the_author_appeals(client, request, persona, hidden, group):
    login(client, request, persona)

    response = send(
        client, "post", f"/moderation/decisions/{hidden.pk}/appeal", {"text": APPEAL_TEXT}
    )

    assert response.status_code == APPEAL_BY[persona], response.content
    if response.status_code == 201:
        body = response.json()
        assert body["status"] == "pending"
        assert body["text"] == APPEAL_TEXT
        assert body["decision"]["id"] == hidden.pk
        assert body["decision"]["appeal"]["status"] == "pending"
    else:
        assert not Appeal.objects.exists()


def test_an_appeal_is_made_once_and_says_why(client, writer, hidden):
    client.force_login(writer)
    path = f"/moderation/decisions/{hidden.pk}/appeal"

    assert "few words" in assert_json_error(send(client, "post", path, {"text": "  "}), 400)
    assert "At most" in assert_json_error(send(client, "post", path, {"text": "x" * 3001}), 400)
    assert send(client, "post", path, {"text": APPEAL_TEXT}).status_code == 201
    assert "already been appealed" in assert_json_error(
        send(client, "post", path, {"text": "Encore."}), 409
    )
    assert Appeal.objects.get().text == APPEAL_TEXT
    assert_json_error(
        send(client, "post", "/moderation/decisions/999999/appeal", {"text": "x"}), 404
    )


def test_a_dismissal_cannot_be_appealed(client, writer, staff, section_post):
    dismissal = decide(
        moderator=staff, content=section_post, action=Action.DISMISS, article=None, reason="RAS."
    )
    client.force_login(writer)

    response = send(client, "post", f"/moderation/decisions/{dismissal.pk}/appeal", {"text": "?"})

    assert "cannot be appealed" in assert_json_error(response, 403)


DECIDE_APPEAL = {
    "anonymous": 401,
    "supporter": 403,
    "member": 403,
    "writer": 403,  # the author
    "group_moderator": 403,
    "section_animator": 403,  # decided first
    "federation_animator": 200,
    "outsider_animator": 403,
    "staff": 200,
}


@pytest.mark.parametrize("persona", [*PERSONAS, "writer"])
def test_another_moderator_decides_the_appeal(
    client, request, persona, appeal, section_post, group
):
    login(client, request, persona)

    response = send(
        client,
        "post",
        f"/moderation/appeals/{appeal.pk}/decision",
        {"overturn": True, "answer": "Le message relevait du débat."},
    )

    assert response.status_code == DECIDE_APPEAL[persona], response.content
    appeal.refresh_from_db()
    section_post.refresh_from_db()
    if response.status_code == 200:
        assert appeal.status == Appeal.Status.OVERTURNED
        assert section_post.moderation_state == ModerationState.VISIBLE
        assert response.json()["status"] == "overturned"
        assert response.json()["decision"]["appeal"]["status"] == "overturned"
    else:
        assert appeal.status == Appeal.Status.PENDING
        assert section_post.moderation_state == ModerationState.HIDDEN


def test_the_moderator_who_decided_is_told_why_they_cannot(client, section_animator, appeal):
    client.force_login(section_animator)

    response = send(
        client,
        "post",
        f"/moderation/appeals/{appeal.pk}/decision",
        {"overturn": True, "answer": "x"},
    )

    assert "Another moderator" in assert_json_error(response, 403)


def test_an_overturned_decision_shows_in_the_log_with_its_restoration(
    client, federation_animator, appeal, hidden
):
    client.force_login(federation_animator)
    response = send(
        client,
        "post",
        f"/moderation/appeals/{appeal.pk}/decision",
        {"overturn": True, "answer": "Le message relevait du débat."},
    )
    assert response.status_code == 200
    client.logout()

    items = client.get(f"{API}/moderation/log").json()["items"]

    assert [(item["action"], item["revisits"]) for item in items] == [
        ("restore", hidden.pk),
        ("hide", None),
    ]
    assert items[0]["reason"] == "Le message relevait du débat."
    assert items[1]["appeal"]["status"] == "overturned"
    assert items[1]["appeal"]["answer"] == "Le message relevait du débat."
    assert items[1]["appeal"]["decided_at"]


def test_an_appeal_is_decided_once_and_with_an_answer(client, federation_animator, staff, appeal):
    path = f"/moderation/appeals/{appeal.pk}/decision"
    client.force_login(federation_animator)

    assert "public answer" in assert_json_error(
        send(client, "post", path, {"overturn": False, "answer": "  "}), 400
    )
    assert (
        send(client, "post", path, {"overturn": False, "answer": "Maintenue."}).status_code == 200
    )

    client.force_login(staff)
    assert "already been decided" in assert_json_error(
        send(client, "post", path, {"overturn": True, "answer": "Non."}), 409
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answer) == (Appeal.Status.UPHELD, "Maintenue.")
    assert_json_error(
        send(
            client, "post", "/moderation/appeals/999999/decision", {"overturn": True, "answer": "x"}
        ),
        404,
    )


APPEALS_SEEN = {
    "anonymous": None,
    "supporter": None,
    "member": None,
    "group_moderator": False,
    "section_animator": False,  # decided first
    "federation_animator": True,
    "outsider_animator": False,
    "staff": True,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_appeals_to_decide(client, request, persona, appeal, writer, section_animator, group):
    login(client, request, persona)

    response = client.get(f"{API}/moderation/appeals")

    seen = APPEALS_SEEN[persona]
    if seen is None:
        assert_json_error(response, 401 if persona == "anonymous" else 403)
        return
    assert response.status_code == 200, response.content
    items = response.json()
    assert [item["id"] for item in items] == ([appeal.pk] if seen else [])
    if seen:
        [item] = items
        assert item["text"] == APPEAL_TEXT
        assert item["author"]["id"] == writer.pk
        assert item["moderator"]["id"] == section_animator.pk
        assert item["content"]["kind"] == "post"
        assert item["content"]["state"] == "hidden"
        assert item["content"]["excerpt"] == SECRET
        assert item["decision"]["action"] == "hide"


# -- Policies ---------------------------------------------------------------


SECTION_POLICY = {
    "anonymous": 401,
    "supporter": 403,
    "member": 403,
    "group_moderator": 403,
    "section_animator": 200,
    "federation_animator": 200,
    "outsider_animator": 403,
    "staff": 200,
}
GROUP_POLICY = {
    **SECTION_POLICY,
    "group_moderator": 200,
    "section_animator": 403,
    "federation_animator": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_and_changes_a_policy(client, request, persona, section_space, group):
    login(client, request, persona)

    for space, expected in ((section_space, SECTION_POLICY), (group, GROUP_POLICY)):
        path = f"/moderation/policies/{space.slug}"
        read = client.get(f"{API}{path}")
        changed = send(client, "patch", path, {"premoderation": True, "posts_per_hour": 5})

        assert read.status_code == expected[persona], (space.slug, read.content)
        assert changed.status_code == expected[persona], (space.slug, changed.content)
        if expected[persona] == 200:
            assert read.json()["premoderation"] is False  # the defaults, before the change
            assert changed.json()["premoderation"] is True
            assert changed.json()["posts_per_hour"] == 5
            assert changed.json()["space"]["slug"] == space.slug
        else:
            assert not SpacePolicy.objects.filter(space=space).exists()


def test_a_policy_changes_only_the_fields_sent_and_is_audited(
    client, section_animator, section_space
):
    client.force_login(section_animator)
    path = f"/moderation/policies/{section_space.slug}"

    default = client.get(f"{API}{path}").json()
    assert default == {
        "space": {"slug": section_space.slug, "name": section_space.name, "kind": "section"},
        "premoderation": False,
        "newcomer_guard": False,
        "posts_per_hour": 20,
        "link_guard": True,
    }
    send(client, "patch", path, {"newcomer_guard": True})
    body = send(client, "patch", path, {"link_guard": False}).json()

    assert (body["newcomer_guard"], body["link_guard"], body["posts_per_hour"]) == (True, False, 20)
    assert AuditEntry.objects.filter(actor=section_animator, verb="policy:update").count() == 2


def test_a_policy_refuses_nulls_and_unknown_spaces(client, staff, section_space):
    client.force_login(staff)
    path = f"/moderation/policies/{section_space.slug}"

    assert send(client, "patch", path, {"premoderation": None}).status_code == 422
    assert send(client, "patch", path, {"posts_per_hour": -1}).status_code == 422
    assert send(client, "patch", path, {"unknown": True}).status_code == 422
    assert_json_error(client.get(f"{API}/moderation/policies/nulle-part"), 404)
    assert not SpacePolicy.objects.exists()
