"""The few seconds of cache for anonymous visitors' pages
(membrane.core.anonymous_cache): shared only when the page is the same for
every anonymous visitor, never for signed-in people, emptied by moderation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from membrane.core.anonymous_cache import forget_anonymous_pages
from membrane.moderation.models import ModerationState
from membrane.moderation.services import _set_state
from tests.spaces_factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 30
    return settings


def _queries(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return response, len(queries)


def test_a_second_anonymous_visit_is_served_from_the_cache(cached, client, charter):
    first, first_queries = _queries(client, "/groupes/")
    second, second_queries = _queries(client, "/groupes/")
    assert first.status_code == second.status_code == 200
    assert first_queries > 0
    # The in-memory cache of the tests: no SQL at all on a hit.
    assert second_queries == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second


def test_the_cached_page_carries_no_csrf_token_nor_nonce(cached, client, charter):
    response = client.get("/groupes/")
    page = response.content.decode()
    assert "csrfmiddlewaretoken" not in page and "X-CSRFToken" not in page
    assert "nonce" not in page and "nonce-" not in response["Content-Security-Policy"]
    assert not response.cookies


def test_each_language_has_its_own_copy(cached, client, charter):
    french = client.get("/groupes/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/groupes/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="fr"' in french.content.decode()
    assert 'lang="en"' in english.content.decode()


def test_signed_in_people_never_get_a_cached_page(cached, client, member):
    client.get("/groupes/")  # an anonymous copy exists
    client.force_login(member)
    response, queries = _queries(client, "/groupes/")
    assert queries > 0
    assert "X-CSRFToken" in response.content.decode()


def test_pages_that_set_a_cookie_are_not_stored(cached, client, charter):
    # The login form holds a CSRF token, so it sets the CSRF cookie: each
    # visit gets a freshly masked token, never another visit's page.
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    assert first.cookies and second.cookies
    assert "csrfmiddlewaretoken" in second.content.decode()
    assert first.content != second.content


def test_posts_and_htmx_requests_bypass_the_cache(cached, client, charter):
    client.get("/groupes/")
    _, htmx_queries = _queries(client, "/groupes/", HTTP_HX_REQUEST="true")
    assert htmx_queries > 0


def test_off_when_the_setting_is_zero(settings, client, charter):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    client.get("/groupes/")
    _, queries = _queries(client, "/groupes/")
    assert queries > 0


def test_a_moderation_decision_empties_it(
    cached, client, charter, django_capture_on_commit_callbacks
):
    post = PostFactory(
        body="Un message bientôt masqué par la modération",
        body_html="<p>Un message bientôt masqué par la modération</p>",
    )
    path = f"/discussions/{post.thread_id}/"
    assert "bientôt masqué" in client.get(path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _set_state(post, ModerationState.HIDDEN, None)
    assert "bientôt masqué" not in client.get(path).content.decode()


def test_forgetting_twice_still_gives_fresh_pages(cached, client, charter):
    forget_anonymous_pages()
    client.get("/groupes/")
    forget_anonymous_pages()
    _, queries = _queries(client, "/groupes/")
    assert queries > 0


def test_the_theme_stylesheet_holds_the_instance_colour(client):
    from membrane.core.instance import forget_instance_settings, get_instance_settings

    instance = get_instance_settings()
    instance.primary_colour = "#123abc"
    instance.save()
    forget_instance_settings()
    response = client.get("/theme.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "--primary: #123abc;" in response.content.decode()
    instance.primary_colour = "red;}{x"  # 7 characters, not a colour
    instance.save()
    forget_instance_settings()
    assert "--primary: #8a1538;" in client.get("/theme.css").content.decode()


def test_the_language_link_sets_the_cookie_and_stays_on_the_site(client, settings):
    response = client.get("/langue/en/", {"next": "/groupes/"})
    assert response.status_code == 302 and response["Location"] == "/groupes/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    elsewhere = client.get("/langue/fr/", {"next": "https://example.org/"})
    assert elsewhere["Location"] == "/"
    unknown = client.get("/langue/xx/", {"next": "/groupes/"})
    assert unknown.status_code == 302 and settings.LANGUAGE_COOKIE_NAME not in unknown.cookies


def test_the_benchmarks_bare_view_is_never_cached(cached, client, monkeypatch):
    from membrane.core import anonymous_cache

    touched = []

    class Recorder:
        def get(self, *args, **kwargs):
            touched.append(args)

        def set(self, *args, **kwargs):
            touched.append(args)

    monkeypatch.setattr(anonymous_cache, "cache", Recorder())
    assert client.get("/_perf/bare/").status_code == 200
    assert touched == []  # the bare view measures Django, not this cache
    client.get("/groupes/")
    assert touched  # while a page goes through it
