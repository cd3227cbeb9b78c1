"""Helpers shared by the campaigns tests (no test here): a national and a
Gironde campaign around today, reports written straight through the
service, and the personas of the matrix."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from membrane.campaigns.models import ActionKind
from membrane.campaigns.services import campaign_create, report_create
from membrane.spaces.services import territorial_space_ensure
from membrane.territory.models import Unit
from tests.factories import AnimatorFactory, SectionFactory, UserFactory

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


def make_people(
    *,
    supporter,
    member_to_verify,
    member,
    section_animator,
    federation_animator,
    staff,
    other_section,
    federation,
):
    charter = {"charter_version_accepted": supporter.charter_version_accepted}
    national_animator = AnimatorFactory(unit=federation.parent, user=UserFactory(**charter)).user
    return {
        "anonymous": AnonymousUser(),
        "supporter": supporter,
        "member_to_verify": member_to_verify,
        "member": member,
        "section_animator": section_animator,
        "federation_animator": federation_animator,
        "national_animator": national_animator,
        "staff": staff,
        "outsider": UserFactory(section=other_section, **charter),
    }


def gironde_section(federation, name="Section de Lormont"):
    return SectionFactory(parent=federation, name=name, commune=name.split()[-1])
