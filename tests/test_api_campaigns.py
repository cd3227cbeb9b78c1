"""The campaigns API: the same rights as the pages (a matrix of personas),
counters and goals in the list and the detail, rankings, the caller's own
reports (never someone else's), bad input as JSON 4xx, and pinned numbers
of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from membrane.accounts.tokens import access_token_create
from membrane.campaigns.models import ActionKind, FieldReport
from membrane.campaigns.services import backdate_report
from tests.api_helpers import API, assert_json_error, count_queries
from tests.factories import SectionFactory, UserFactory
from tests.test_campaigns_support import (
    EDIT_GIRONDE,
    PERSONAS,
    REPORT_GIRONDE,
    SEE_GIRONDE,
    gironde_section,
    national_campaign,
    report,
    user_of,
)

pytestmark = pytest.mark.django_db


def call(client, method, path, user=None, data=None):
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {access_token_create(user=user, name='t')[1]}"
    if data is None:
        return getattr(client, method)(f"{API}{path}", headers=headers)
    return getattr(client, method)(
        f"{API}{path}", data=data, content_type="application/json", headers=headers
    )


# -- The matrix -------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_federation_campaign(client, people, poste, trains, persona):
    user = user_of(people, persona)

    detail = call(client, "get", f"/campaigns/{trains.slug}", user)
    listing = call(client, "get", "/campaigns", user)

    if persona == "anonymous":
        assert_json_error(detail, 401)
        assert_json_error(listing, 401)
        return
    slugs = [c["slug"] for c in listing.json()]
    if persona in SEE_GIRONDE:
        assert detail.status_code == 200
        assert detail.json()["can_edit"] is (persona in EDIT_GIRONDE)
        assert sorted(slugs) == sorted([poste.slug, trains.slug])
    else:
        assert_json_error(detail, 404)
        assert slugs == [poste.slug]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reports_for_the_federation_campaign(client, people, trains, persona):
    user = user_of(people, persona)

    response = call(
        client,
        "post",
        f"/campaigns/{trains.slug}/reports",
        user,
        {"kind": "leafleting", "count": 300},
    )

    if persona == "anonymous":
        assert_json_error(response, 401)
    elif persona in REPORT_GIRONDE:
        assert response.status_code == 201, response.content
        assert response.json()["count"] == 300
        assert response.json()["can_delete"] is True
        assert FieldReport.objects.get().user == user
    elif persona in SEE_GIRONDE:
        assert "federation" in assert_json_error(response, 403)
    else:
        assert_json_error(response, 404)
    if persona not in REPORT_GIRONDE:
        assert not FieldReport.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_deletes_a_report(client, people, trains, supporter, persona):
    made = report(supporter, trains)
    user = user_of(people, persona)

    response = call(client, "delete", f"/field-reports/{made.pk}", user)

    if persona == "anonymous":
        assert_json_error(response, 401)
    elif persona == "supporter" or persona in EDIT_GIRONDE:
        assert response.status_code == 204
        assert not FieldReport.objects.exists()
    else:
        assert_json_error(response, 404)
        assert FieldReport.objects.exists()


# -- Counters ---------------------------------------------------------------


def test_the_list_and_detail_carry_totals_and_goals(client, poste, supporter, member):
    report(supporter, poste, ActionKind.DOOR_TO_DOOR, 300)
    report(member, poste, ActionKind.DOOR_TO_DOOR, 200)
    report(member, poste, ActionKind.SIGNATURES, 50)

    listed = call(client, "get", "/campaigns", member).json()[0]
    detail = call(client, "get", f"/campaigns/{poste.slug}", member).json()

    assert listed["totals"] == {"door_to_door": 500, "signatures": 50}
    assert (listed["report_count"], listed["people_count"]) == (3, 2)
    assert listed["period"] == "current"
    goals = {g["kind"]: g for g in detail["goals"]}
    assert goals["door_to_door"] == {
        "kind": "door_to_door",
        "target": 1000,
        "done": 500,
        "percent": 50,
        "reached": False,
    }
    assert goals["signatures"]["reached"] is True
    assert (detail["report_count"], detail["people_count"]) == (3, 2)
    assert "<strong>guichets</strong>" in detail["description_html"]
    assert detail["report_refusal"] is None


def test_rankings_by_kind_with_ties_broken_by_name(client, poste, member, federation):
    lormont = UserFactory(section=gironde_section(federation))
    report(lormont, poste, ActionKind.DOOR_TO_DOOR, 40)
    report(member, poste, ActionKind.DOOR_TO_DOOR, 40)
    report(member, poste, ActionKind.SIGNATURES, 5)

    doors = call(client, "get", f"/campaigns/{poste.slug}/rankings?kind=door_to_door", member)
    everything = call(client, "get", f"/campaigns/{poste.slug}/rankings", member)
    bad = call(client, "get", f"/campaigns/{poste.slug}/rankings?kind=juggling", member)

    assert [(r["name"], r["total"]) for r in doors.json()["sections"]] == [
        ("Section de Bègles", 40),
        ("Section de Lormont", 40),
    ]
    assert [(r["code"], r["total"]) for r in doors.json()["federations"]] == [("33", 80)]
    assert everything.json()["sections"][0] == {
        "rank": 1,
        "id": member.section_id,
        "name": "Section de Bègles",
        "code": None,
        "federation_code": "33",
        "total": 45,
        "reports": 2,
        "people": 1,
    }
    assert bad.status_code == 422


# -- Reports ----------------------------------------------------------------


def test_the_reports_listed_are_the_callers_own(client, poste, supporter, member):
    report(supporter, poste, count=11)
    report(member, poste, count=22)

    mine = call(client, "get", f"/campaigns/{poste.slug}/reports", supporter).json()

    assert [r["count"] for r in mine] == [11]


def test_a_body_naming_another_person_is_refused(client, poste, supporter, member):
    response = call(
        client,
        "post",
        f"/campaigns/{poste.slug}/reports",
        supporter,
        {"kind": "door_to_door", "count": 5, "user": member.pk},
    )

    assert_json_error(response, 422)
    assert not FieldReport.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kind": "door_to_door", "count": -1}, "at least one"),
        ({"kind": "door_to_door", "count": 0}, "at least one"),
        ({"kind": "door_to_door", "count": 2001}, "At most 2 000"),
        ({"kind": "phoning", "count": 10**30}, "At most 1 000"),
        ({"kind": "juggling", "count": 3}, ""),
        ({"kind": "door_to_door", "count": "many"}, ""),
        ({"kind": "door_to_door", "count": 3, "done_on": "2999-01-01"}, "future"),
        ({"kind": "door_to_door", "count": 3, "done_on": "2000-01-01"}, "during the campaign"),
        ({"kind": "door_to_door", "count": 3, "done_on": "not a date"}, ""),
        ({"kind": "door_to_door", "count": 3, "section": 10**9}, "No such section"),
    ],
)
def test_bad_reports_are_a_422_that_says_why(client, poste, supporter, body, message):
    response = call(client, "post", f"/campaigns/{poste.slug}/reports", supporter, body)

    detail = assert_json_error(response, 422)
    assert message in str(detail)
    assert not FieldReport.objects.exists()


def test_a_section_the_caller_does_not_animate_is_refused(client, poste, supporter, other_section):
    response = call(
        client,
        "post",
        f"/campaigns/{poste.slug}/reports",
        supporter,
        {"kind": "door_to_door", "count": 3, "section": other_section.pk},
    )

    assert "own section" in str(assert_json_error(response, 422))


def test_after_24_hours_the_author_can_no_longer_delete(client, poste, supporter):
    made = report(supporter, poste)
    backdate_report(made, timezone.now() - timedelta(hours=25))

    response = call(client, "delete", f"/field-reports/{made.pk}", supporter)

    assert "24 hours" in assert_json_error(response, 403)
    assert FieldReport.objects.exists()


def test_forged_ids_are_404s(client, poste, supporter):
    assert_json_error(call(client, "delete", "/field-reports/99999", supporter), 404)
    assert_json_error(call(client, "get", "/campaigns/nope", supporter), 404)
    assert_json_error(call(client, "get", "/campaigns/nope/rankings", supporter), 404)


# -- Pinned numbers of queries ----------------------------------------------


def test_the_list_does_not_grow_with_the_campaigns(client, people, member):
    client.force_login(member)
    for n in range(3):
        report(member, national_campaign(title=f"C{n}"))
    count_queries(client, "/campaigns")
    few = count_queries(client, "/campaigns")
    for n in range(3, 30):
        report(member, national_campaign(title=f"C{n}"))

    assert count_queries(client, "/campaigns") == few


def test_the_rankings_do_not_grow_with_the_sections(client, poste, member, federation):
    client.force_login(member)
    path = f"/campaigns/{poste.slug}/rankings"
    for _n in range(3):
        report(UserFactory(section=SectionFactory(parent=federation)), poste)
    count_queries(client, path)
    few = count_queries(client, path)
    for _n in range(27):
        report(UserFactory(section=SectionFactory(parent=federation)), poste)

    assert count_queries(client, path) == few
