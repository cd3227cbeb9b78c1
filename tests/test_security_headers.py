"""Security headers: a strict Content Security Policy on every kind of page
(with no inline script, handler or style the policy would have to allow),
Argon2 password hashing, `manage.py check --deploy` clean with production
settings, and `Cache-Control: no-store` on personal pages."""

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse
from django.utils import timezone

import membrane.settings as membrane_settings
from membrane.events.services import calendar_token_get
from membrane.ideas.services import idea_submit
from membrane.polls.services import ballot_cast, poll_create
from membrane.spaces.models import Role
from tests.spaces_factories import GroupFactory, MembershipFactory, PostFactory, ThreadFactory
from tests.test_events_fixtures import make_event_fixture  # noqa: F401
from tests.test_mfa import reauthenticate

BASE_DIR = Path(__file__).resolve().parent.parent

# -- Content Security Policy ------------------------------------------------------------


def parse_policy(header: str) -> dict[str, list[str]]:
    policy = {}
    for directive in header.split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


class InlineCodeFinder(HTMLParser):
    """Collects what a strict policy would block: scripts and <style> blocks
    without the nonce, on*= handlers, style= attributes, javascript: links."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> handler")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self.scripts += 1
            src = values.get("src")
            if src is not None:
                if not src.startswith("/") or src.startswith("//"):
                    self.problems.append(f"<script src={src!r}> from elsewhere")
            elif values.get("type") == "application/json":
                pass  # a data block: never executed
            elif self.nonce is None or values.get("nonce") != self.nonce:
                self.problems.append("inline <script> without the nonce")
        if tag == "style" and (self.nonce is None or values.get("nonce") != self.nonce):
            self.problems.append("<style> without the nonce")


def assert_strict_csp(response) -> None:
    """The policy enforced (not report-only) and strict; the page complies."""
    assert response.status_code == 200, response.status_code
    policy = parse_policy(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    for directive in ("script-src", "style-src"):
        values = policy[directive]
        assert values[0] == "'self'"
        assert all(value.startswith("'nonce-") for value in values[1:]), values
    nonces = {
        value[len("'nonce-") : -1]
        for value in policy["script-src"] + policy["style-src"]
        if value.startswith("'nonce-")
    }
    assert len(nonces) <= 1
    finder = InlineCodeFinder(nonces.pop() if nonces else None)
    finder.feed(response.content.decode())
    assert finder.problems == []


@pytest.fixture
def pages(section, member, staff, spaces, box, make_event):
    """A representative page of each kind, with who looks at it."""
    group = GroupFactory(name="Climat et transports", slug="climat")
    MembershipFactory(space=group, user=member, role=Role.MEMBER)
    thread = ThreadFactory(space=group, author=member, title="Des bus la nuit")
    PostFactory(thread=thread, author=member, body="Et le **dimanche**.")
    idea = idea_submit(
        author=member, box=box, title="Un abri vélo à la gare", description="Avec des arceaux."
    )
    event = make_event()
    now = timezone.now()
    poll = poll_create(
        creator=None,
        space=spaces["section"],
        question="Faut-il une fête de la section ?",
        options=["Oui", "Non"],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=24),
    )
    ballot_cast(poll=poll, voter=member, option_ids=[poll.options.first().pk])
    return {
        "home": (None, reverse("home")),
        "login": (None, reverse("account_login")),
        "signup": (None, reverse("account_signup")),
        "api docs": (None, "/api/v1/docs"),
        "home, signed in": (member, reverse("home")),
        "group": (member, reverse("spaces:group", args=[group.slug])),
        "thread": (member, reverse("conversations:thread", args=[thread.pk])),
        "idea": (member, reverse("ideas:idea", args=[idea.pk])),
        "event": (member, reverse("events:event", args=[event.pk])),
        "poll with its result bars": (member, reverse("polls:poll", args=[poll.pk])),
        "account": (member, reverse("accounts:home")),
        "insights": (staff, reverse("insights:platform")),
    }


def test_every_kind_of_page_has_a_strict_policy_and_nothing_inline_it_would_block(client, pages):
    for name, (person, url) in pages.items():
        client.logout()
        if person is not None:
            client.force_login(person)
        response = client.get(url)
        try:
            assert_strict_csp(response)
            if name == "poll with its result bars":
                assert b'class="poll-bar-fill" width="100%"' in response.content
        except AssertionError as error:
            raise AssertionError(f"{name} ({url}): {error}") from error


def test_pages_carry_no_inline_style_nor_script_so_no_nonce(client, db):
    # The instance colour is a stylesheet (/theme.css) and htmx a file of our
    # own: 'self' allows both, and a page without a nonce can be shared by
    # every anonymous visitor (membrane.core.anonymous_cache).
    response = client.get(reverse("home"))
    policy = parse_policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    page = response.content.decode()
    assert "<style" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert 'href="/theme.css?v=' in page
    htmx = re.search(r"<script[^>]*htmx[^>]*>", page)
    assert htmx is not None and 'src="/static/' in htmx.group()


def test_the_policy_is_enforced_not_only_reported(client, db):
    response = client.get(reverse("home"))
    assert "Content-Security-Policy" in response
    assert "Content-Security-Policy-Report-Only" not in response
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_other_security_headers_are_on_every_page(client, db):
    response = client.get(reverse("home"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# -- Passwords ------------------------------------------------------------------------


def test_argon2_hashes_new_passwords_and_older_hashes_still_work():
    """The default list (tests use a fast hasher: see conftest) starts with
    Argon2 and keeps PBKDF2, whose hashes verify and are upgraded."""
    hashers = membrane_settings.PASSWORD_HASHERS
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers


def test_an_old_pbkdf2_hash_is_upgraded_to_argon2_at_login(settings):
    settings.PASSWORD_HASHERS = membrane_settings.PASSWORD_HASHERS
    assert make_password("un mot de passe").startswith("argon2$")
    old = make_password("un mot de passe", hasher="pbkdf2_sha256")
    upgraded = []
    assert check_password("un mot de passe", old, setter=upgraded.append)
    assert upgraded == ["un mot de passe"]
    assert not check_password("un autre", old)


# -- manage.py check --deploy -----------------------------------------------------------


def production_environment(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The test run's own settings: DJANGO_ALLOW_ASYNC_UNSAFE is for Playwright.
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "PASSWORD_HASHERS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not key.startswith(("SECURE_", "MAIL_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "membrane.settings",
            "MEMBRANE_PRODUCTION": "true",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "membrane.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://membrane.example.org",
            "SITE_URL": "https://membrane.example.org",
            "MEMBRANE_VAR_DIR": str(tmp_path),
            "MAIL_HOST": "smtp.example.org",
            **values,
        }
    )
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # our own interpreter and manage.py
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_environment(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_when_production_runs_over_plain_http(tmp_path):
    """The same check catches a site set up without HTTPS: the test above
    would notice a setting lost."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_environment(tmp_path, SECURE_COOKIES="false"),
    )
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout


def test_production_defaults_are_those_of_an_https_site(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_PROXY_SSL_HEADER)"
    )
    result = run(
        ["-c", code],
        production_environment(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(maxsplit=6) == [
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "False",
        "('HTTP_X_FORWARDED_PROTO', 'https')\n",
    ]


def test_development_needs_no_https(db):
    """Without MEMBRANE_PRODUCTION nothing redirects nor pins HTTPS."""
    assert not django_settings.SECURE_SSL_REDIRECT
    assert django_settings.SECURE_HSTS_SECONDS == 0
    assert not django_settings.SESSION_COOKIE_SECURE


# -- Cache-Control: no-store ------------------------------------------------------------


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_personal_pages_are_never_stored(client, member, staff, section, charter):
    group = GroupFactory(slug="climat")
    animator = MembershipFactory(space=group, role=Role.ANIMATOR).user
    animator.charter_version_accepted = charter.number
    animator.save()
    token = calendar_token_get(user=member).token
    personal = {
        member: [
            reverse("accounts:home"),
            reverse("accounts:profile_edit"),
            reverse("accounts:membership"),
            reverse("accounts:data_export"),
            reverse("accounts:delete"),
            reverse("accounts:tokens"),
            reverse("notifications:list"),
            reverse("notifications:preferences"),
            reverse("events:mine"),
            reverse("events:calendar"),
            reverse("engagement:invitations"),
            reverse("engagement:points"),
            reverse("discovery:feed"),
            reverse("account_email"),
            reverse("account_change_password"),
        ],
        animator: [reverse("insights:export", args=[group.slug])],
        staff: [reverse("insights:platform_export"), reverse("insights:platform")],
        None: [reverse("events:feed", args=[token])],
    }
    for person, urls in personal.items():
        client.logout()
        if person is not None:
            client.force_login(person)
            reauthenticate(client)  # the deletion page asks for it
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert no_store(response), url


def test_any_page_shown_to_a_signed_in_person_is_not_stored(client, member):
    client.force_login(member)
    assert no_store(client.get(reverse("spaces:groups")))


def test_public_pages_seen_anonymously_may_be_cached(client, db):
    response = client.get(reverse("spaces:groups"))
    assert response.status_code == 200
    assert not no_store(response)
