"""Helpers shared by the API tests: requests as JSON, the error shape, and
the number of queries of a GET."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

API = "/api/v1"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def send(client, method, path, data=None, **kwargs):
    body = json.dumps(data) if data is not None else ""
    return getattr(client, method)(
        f"{API}{path}", data=body, content_type="application/json", **kwargs
    )


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail"}
    assert body["detail"]
    return body["detail"]


def count_queries(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}{path}", params or {})
    assert response.status_code == 200, response.content
    return len(queries)
