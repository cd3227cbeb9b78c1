"""Shared fixtures: the territory, the charter and the personas of the
permission matrix (anonymous, supporter, member_to_verify, member,
section_animator, federation_animator, staff, outsider)."""

import os

import pytest
from factory.random import reseed_random

from tests.factories import (
    AnimatorFactory,
    CharterArticleFactory,
    CharterVersionFactory,
    FederationFactory,
    MemberFactory,
    SectionFactory,
    UserFactory,
)

# The ideas tests' spaces and boxes, the campaigns tests' people and campaigns
# (a module's own fixture of the same name wins).
pytest_plugins = ["tests.ideas_fixtures", "tests.insights_fixtures", "tests.campaigns_fixtures"]

# Playwright's sync API runs an event loop in the test thread; the ORM must
# still be usable there for setting up data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _same_fake_names_each_run(request):
    """Fake names seeded by the test's id: a test that a random name could
    break (a supporter called Hélène in a search for "hélène") fails every
    time or never, not once in a while."""
    reseed_random(request.node.nodeid)


@pytest.fixture(autouse=True)
def _clean_cache(settings, tmp_path):
    """Each test starts with an empty cache (rate limits, cached settings),
    its own media folder, fast password hashing and English as the default."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests read English text unless they ask for French (the product's
    # default is French: see test_instance.py, which checks it).
    settings.LANGUAGE_CODE = "en"
    # Two-factor authentication is required of moderators in production; the
    # tests that sign them in are about other things (tests/test_mfa.py and
    # tests/browser/test_mfa_flow.py turn it back on).
    settings.MFA_REQUIRED_FOR_MODERATORS = False
    # Bulk test data posts more than the platform's posting limit allows:
    # tests/test_rate_limits.py turns it back on.
    settings.POSTING_RATE_LIMIT = 0
    # Tests read pages right after writing: tests/test_anonymous_cache.py
    # turns the anonymous page cache back on.
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    settings.IDEAS_REPORT_CACHE_SECONDS = 0
    # A private in-memory cache per test: rate limits and cached settings never
    # leak between tests, and tests without the database can still run.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }
    yield


@pytest.fixture
def charter(db):
    version = CharterVersionFactory(number=1)
    CharterArticleFactory(version=version, number=1, title="Respect")
    CharterArticleFactory(
        version=version, number=2, title="Pluralisme", body="Chacun peut exprimer un désaccord."
    )
    return version


@pytest.fixture
def federation(db):
    return FederationFactory(code="33", name="Gironde", slug="federation-33")


@pytest.fixture
def section(federation):
    return SectionFactory(
        parent=federation,
        name="Section de Bègles",
        commune="Bègles",
        postcode="33130",
        slug="begles",
    )


@pytest.fixture
def other_section(db):
    other_federation = FederationFactory(code="69", name="Rhône", slug="federation-69")
    return SectionFactory(
        parent=other_federation,
        name="Section de Villeurbanne",
        commune="Villeurbanne",
        postcode="69100",
        slug="villeurbanne",
    )


@pytest.fixture
def supporter(section, charter):
    return UserFactory(section=section, charter_version_accepted=charter.number)


@pytest.fixture
def member_to_verify(section, charter):
    return UserFactory(
        section=section,
        membership_claimed=True,
        membership_number="A42",
        charter_version_accepted=charter.number,
    )


@pytest.fixture
def member(section, charter):
    return MemberFactory(section=section, charter_version_accepted=charter.number)


@pytest.fixture
def section_animator(section, charter):
    return AnimatorFactory(
        unit=section, user=MemberFactory(section=section, charter_version_accepted=charter.number)
    ).user


@pytest.fixture
def federation_animator(federation, charter):
    return AnimatorFactory(
        unit=federation, user=MemberFactory(charter_version_accepted=charter.number)
    ).user


@pytest.fixture
def outsider_animator(other_section, charter):
    """An animator of another federation's section."""
    return AnimatorFactory(
        unit=other_section,
        user=MemberFactory(section=other_section, charter_version_accepted=charter.number),
    ).user


@pytest.fixture
def staff(charter):
    return UserFactory(is_staff=True, charter_version_accepted=charter.number)
