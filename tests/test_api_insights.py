"""The insights API: the same rules and the same figures as the pages."""

import pytest

from membrane.insights.models import Publication
from tests.api_helpers import API, assert_json_error


def _get(client, path, **params):
    return client.get(f"{API}{path}", params)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 403), ("outsider", 403), ("member", 403), ("animator", 200), ("staff", 200)],
)
def test_who_reads_a_space_s_measures(client, group_roles, persona, status):
    group, people = group_roles
    if people[persona] is not None:
        client.force_login(people[persona])
    response = _get(client, f"/spaces/{group.slug}/insights")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["full"] is True
        assert body["measures"]["posts"] == 4
        assert body["measures"]["members"] == 6
        assert "adherents_members" in body["measures"]


def test_a_published_summary_is_read_by_anyone_who_reads_the_space(client, group_roles):
    group, _people = group_roles
    Publication.objects.create(space=group)
    body = _get(client, f"/spaces/{group.slug}/insights").json()
    assert body["full"] is False
    assert body["measures"]["posts"] == 4
    assert "adherents_members" not in body["measures"]
    assert "recent_silent" not in body["measures"]


def test_a_bad_period_is_a_422(client, group_roles):
    group, people = group_roles
    client.force_login(people["animator"])
    response = _get(client, f"/spaces/{group.slug}/insights", start="2026-05-10", end="2026-05-01")
    assert response.status_code == 422
    response = _get(client, f"/spaces/{group.slug}/insights", days=12)
    assert response.status_code == 422


def test_platform_measures_are_for_staff(client, group_roles):
    _group, people = group_roles
    client.force_login(people["animator"])
    assert_json_error(_get(client, "/insights"), 404)
    client.force_login(people["staff"])
    assert _get(client, "/insights").json()["measures"]["posts"] == 4


def test_the_export_is_for_animators(client, group_roles):
    group, people = group_roles
    client.force_login(people["member"])
    assert_json_error(_get(client, f"/spaces/{group.slug}/insights/export.csv"), 403)
    client.force_login(people["animator"])
    response = _get(client, f"/spaces/{group.slug}/insights/export.csv")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("person,status,member")
    assert len(lines) == 7


def test_unknown_space_is_a_404(client, group_roles):
    _group, people = group_roles
    client.force_login(people["staff"])
    assert_json_error(_get(client, "/spaces/nulle-part/insights"), 404)
