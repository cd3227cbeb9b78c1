"""The API against its own OpenAPI schema, with generated requests
(schemathesis): no 5xx, and every answer conforms to the schema it
declares. Bounded: a few examples per operation, signed in with a
supporter's token, inside the test's transaction."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from membrane.accounts.tokens import access_token_create
from membrane.api.api import api
from tests.spaces_factories import GroupFactory, PostFactory, ThreadFactory

# A few examples per operation: the whole API runs in a couple of minutes.
MAX_EXAMPLES = 2


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """Called through the WSGI application, each request would close the
    database connection at its end (close_old_connections), and with it the
    test's transaction on PostgreSQL: off during the test, as Django's own
    test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.MFA_REQUIRED_FOR_MODERATORS = False
    settings.POSTING_RATE_LIMIT = 10_000
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "testserver"]


@pytest.fixture
def bearer(db, supporter):
    """A supporter's token, and something for them to read."""
    group = GroupFactory(slug="climat")
    PostFactory(thread=ThreadFactory(space=group, author=supporter), author=supporter)
    _token, raw = access_token_create(user=supporter, name="schemathesis")
    return {"Authorization": f"Bearer {raw}"}


# The schema as the API serves it at /api/v1/openapi.json (tests/test_api.py
# checks that), called through the WSGI application.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_within_its_schema_and_never_with_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])


def test_no_two_api_schemas_share_a_name():
    """django-ninja names each schema's OpenAPI component after its class:
    two classes of the same name (ideas' and moderation's ReportOut, once)
    silently document one response with the other's shape."""
    import inspect
    import pkgutil
    from importlib import import_module

    from ninja import Schema

    import membrane.api

    owners: dict[str, set[str]] = {}
    for module_info in pkgutil.iter_modules(membrane.api.__path__):
        module = import_module(f"membrane.api.{module_info.name}")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                owners.setdefault(name, set()).add(module.__name__)

    shared = {name: sorted(modules) for name, modules in owners.items() if len(modules) > 1}
    assert not shared, shared
