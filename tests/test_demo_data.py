"""The demo generator: realistic counts, working logins, every person with a
consent, a verified email and the charter, and a second run that adds nothing."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse

from membrane.accounts.models import MembershipStatus, PoliticalOpinionConsent, User
from membrane.accounts.services import CONSENT_WORDING_VERSION
from membrane.charter.models import CharterAcceptance, CharterVersion
from membrane.territory.models import Animator, Unit
from membrane.territory.selectors import section_search

# The autouse cache fixture of conftest.py reaches the database (the cache is
# stored there), so every test here needs the marker, not only the `db` fixture.
pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "membrane-demo-2026"
DEMO_LOGINS = {
    "staff@demo.membrane.localhost": MembershipStatus.SUPPORTER,
    "animatrice@demo.membrane.localhost": MembershipStatus.MEMBER,
    "adherent@demo.membrane.localhost": MembershipStatus.MEMBER,
    "sympathisant@demo.membrane.localhost": MembershipStatus.SUPPORTER,
    "a-verifier@demo.membrane.localhost": MembershipStatus.TO_VERIFY,
}


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def demo(db):
    return load_demo()


def demo_people():
    return User.objects.filter(email__endswith="@demo.membrane.localhost")


def test_the_demo_creates_about_300_people_and_40_sections_in_6_federations_or_more(demo):
    assert 280 <= demo_people().count() <= 320
    sections = Unit.objects.sections()
    assert 35 <= sections.count() <= 50
    assert sections.values("parent").distinct().count() >= 6
    assert not sections.filter(commune="").exists()
    assert not sections.exclude(postcode__regex=r"^\d{5}$").exists()
    assert "Demo logins" in demo


def test_the_demo_mixes_supporters_members_and_members_to_verify(demo):
    people = list(demo_people())
    total = len(people)
    counts = {status: 0 for status in MembershipStatus}
    for person in people:
        counts[person.membership_status] += 1

    assert 0.45 <= counts[MembershipStatus.SUPPORTER] / total <= 0.65
    assert 0.22 <= counts[MembershipStatus.MEMBER] / total <= 0.38
    assert 0.08 <= counts[MembershipStatus.TO_VERIFY] / total <= 0.22
    attached = sum(person.section_id is not None for person in people)
    assert 0.7 <= attached / total <= 0.9
    members = [p for p in people if p.membership_status == MembershipStatus.MEMBER]
    assert all(p.membership_number.startswith("PS-") for p in members)
    assert len({p.membership_number for p in members}) == len(members)
    assert len({p.profile_visibility for p in people}) == 3
    assert any(p.bio for p in people)
    assert all(p.welcomed_at is not None for p in people)
    joined = sorted(p.date_joined for p in people)
    assert (joined[-1] - joined[0]).days >= 365


def test_every_demo_person_has_a_consent_a_verified_email_and_the_charter(demo):
    charter = CharterVersion.objects.get()
    people = demo_people()
    total = people.count()

    assert charter.number == 1
    assert charter.is_published
    assert charter.articles.count() == 6
    assert (
        PoliticalOpinionConsent.objects.filter(
            user__in=people, wording_version=CONSENT_WORDING_VERSION
        )
        .values("user")
        .distinct()
        .count()
        == total
    )
    assert (
        EmailAddress.objects.filter(user__in=people, verified=True, primary=True)
        .values("user")
        .distinct()
        .count()
        == total
    )
    assert CharterAcceptance.objects.filter(user__in=people, version=charter).count() == total
    assert not people.exclude(charter_version_accepted=1).exists()
    for email in list(people.values_list("email", flat=True)[:20]):
        assert EmailAddress.objects.get(email=email).verified


def test_every_section_has_one_or_two_animators_who_are_verified_members(demo):
    for section in Unit.objects.sections().prefetch_related("animators__user"):
        animators = list(section.animators.all())
        assert 1 <= len(animators) <= 2, section
        assert all(a.user.is_verified_member for a in animators)
    demo_federations = Unit.objects.federations().filter(children__isnull=False).distinct()
    for federation in demo_federations:
        assert Animator.objects.filter(unit=federation).count() == 1
    assert Animator.objects.filter(unit__kind=Unit.Kind.NATIONAL).count() == 1


def test_the_demo_personas_share_a_bordeaux_section_with_the_right_roles(demo):
    personas = {u.email: u for u in User.objects.filter(email__in=DEMO_LOGINS)}
    animatrice = personas["animatrice@demo.membrane.localhost"]

    assert {p.membership_status for p in personas.values()} == set(MembershipStatus)
    for email, status in DEMO_LOGINS.items():
        assert personas[email].membership_status == status
    assert len({p.section_id for p in personas.values()}) == 1
    assert animatrice.section.commune == "Bordeaux"
    assert Animator.objects.filter(user=animatrice, unit=animatrice.section).exists()
    assert personas["staff@demo.membrane.localhost"].is_superuser
    assert not Animator.objects.filter(user=personas["adherent@demo.membrane.localhost"]).exists()
    assert animatrice.section.people.count() >= 15


def test_searching_a_commune_finds_several_sections(demo):
    bordeaux = section_search("Bordeaux")
    assert {s.name for s in bordeaux} >= {
        "Section de Bordeaux-Centre",
        "Section de Bordeaux-Bastide",
    }
    assert section_search("33100").get().name == "Section de Bordeaux-Bastide"


@pytest.mark.parametrize("email", DEMO_LOGINS)
def test_the_demo_logins_can_sign_in_and_see_the_home_page(demo, client, email):
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == User.objects.get(email=email).pk
    assert client.get(reverse("home")).status_code == 200  # no charter redirect


def test_a_wrong_password_does_not_sign_in(demo, client):
    client.post(
        reverse("account_login"),
        {"login": "adherent@demo.membrane.localhost", "password": "pas-le-bon-mot-de-passe"},
    )
    assert "_auth_user_id" not in client.session


def test_a_second_run_creates_nothing(demo):
    models = [User, EmailAddress, PoliticalOpinionConsent, CharterAcceptance, Animator, Unit]
    before = {model: model.objects.count() for model in models}
    versions = CharterVersion.objects.count()

    output = load_demo()

    assert {model: model.objects.count() for model in models} == before
    assert CharterVersion.objects.count() == versions
    assert "already loaded" in output


def test_an_existing_charter_is_kept_and_accepted(charter):
    load_demo()

    assert CharterVersion.objects.get() == charter
    people = demo_people()
    assert CharterAcceptance.objects.filter(user__in=people, version=charter).count() == (
        people.count()
    )
