"""Helpers shared by the campaigns tests (no test here): a national and a
Gironde campaign around today, reports written straight through the
service, the personas of the matrix and who may do what with the Gironde
campaign. Their fixtures (`people`, `poste`, `trains`) are in
tests/campaigns_fixtures.py."""

from datetime import timedelta

from django.utils import timezone

from membrane.campaigns.models import ActionKind
from membrane.campaigns.services import campaign_create, report_create
from membrane.spaces.services import territorial_space_ensure
from membrane.territory.models import Unit
from tests.factories import SectionFactory

PERSONAS = [
    "anonymous",
    "supporter",
    "member_to_verify",
    "member",
    "section_animator",
    "federation_animator",
    "national_animator",
    "staff",
    "outsider",
]

# The Gironde campaign (`trains`): seen by everyone signed in but the outsider,
# edited by the federation's animators and above, reported on by the people of
# a Gironde section (the federation and national animators and staff of the
# personas have none).
SEE_GIRONDE = set(PERSONAS) - {"anonymous", "outsider"}
EDIT_GIRONDE = {"federation_animator", "national_animator", "staff"}
REPORT_GIRONDE = {"supporter", "member_to_verify", "member", "section_animator"}


def user_of(people, persona):
    """The persona's user, None for "anonymous"."""
    return None if persona == "anonymous" else people[persona]


def login(client, people, persona):
    """Sign the test client in as the persona (or stay anonymous)."""
    if persona != "anonymous":
        client.force_login(people[persona])


def national_campaign(*, by=None, days_before=10, days_after=20, goals=None, title=None):
    national = Unit.objects.get(kind=Unit.Kind.NATIONAL)
    today = timezone.localdate()
    return campaign_create(
        by=by,
        space=territorial_space_ensure(national),
        title=title or "Défendons La Poste",
        description="Des **guichets** ouverts partout. <script>alert(1)</script>",
        starts_on=today - timedelta(days=days_before),
        ends_on=today + timedelta(days=days_after),
        goals=goals
        if goals is not None
        else {ActionKind.DOOR_TO_DOOR: 1000, ActionKind.SIGNATURES: 40, ActionKind.LEAFLETING: 400},
    )


def federation_campaign(federation, *, by=None, days_before=5, days_after=20):
    today = timezone.localdate()
    return campaign_create(
        by=by,
        space=territorial_space_ensure(federation),
        title="Des trains tous les jours",
        description="Tractage en gare.",
        starts_on=today - timedelta(days=days_before),
        ends_on=today + timedelta(days=days_after),
        goals={ActionKind.LEAFLETING: 5000},
    )


def report(user, campaign, kind=ActionKind.DOOR_TO_DOOR, count=10, days_ago=1, **kwargs):
    return report_create(
        user=user,
        campaign=campaign,
        kind=kind,
        count=count,
        done_on=timezone.localdate() - timedelta(days=days_ago),
        **kwargs,
    )


def gironde_section(federation, name="Section de Lormont"):
    return SectionFactory(parent=federation, name=name, commune=name.split()[-1])
