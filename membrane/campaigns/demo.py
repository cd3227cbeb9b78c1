"""Demo campaigns: "Défendons La Poste", a national campaign running now with
goals, a kit and a few hundred field reports by demo people across their
sections; a campaign of the persona section's federation (Gironde) running
too; and a national campaign that is over.

Deterministic (a fixed seed, dates relative to today); everything goes
through the campaigns services; loaded once (a second call adds nothing)."""

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from membrane.accounts.models import User
from membrane.campaigns.models import ActionKind, Campaign, FieldReport
from membrane.campaigns.services import (
    backdate_report,
    campaign_create,
    kit_document_add,
    report_create,
)
from membrane.spaces.services import territorial_space_ensure
from membrane.territory.models import Unit

SEED = 2027
PERSONA_SECTION = "Section de Bordeaux-Centre"
POSTE_TITLE = "Défendons La Poste"

POSTE_DESCRIPTION = """\
Partout, des bureaux de poste ferment ou réduisent leurs horaires. Derrière, ce sont des
personnes âgées sans guichet, des commerces sans service, des villages qui se vident.

**Notre objectif** : 10 000 portes frappées et 20 000 signatures d'ici la fin de la campagne,
pour porter la pétition au ministère.

- Frappez aux portes avec le tract recto-verso ;
- faites signer la pétition sur les marchés ;
- organisez une réunion publique devant le bureau menacé de votre commune.

Pensez à déclarer chaque action ici : c'est ce qui nous permet de montrer notre force.
"""

TRAINS_TITLE = "Gironde : des trains tous les jours"
TRAINS_DESCRIPTION = """\
Les TER de la ligne Bordeaux-Arcachon et des lignes du Médoc sont supprimés faute de
personnel. Tractage en gare chaque matin de la semaine, et une pétition à la Région.
"""

HOSPITAL_TITLE = "Pour nos hôpitaux de proximité"
HOSPITAL_DESCRIPTION = """\
Campagne d'automne : des urgences ouvertes la nuit à moins de 30 minutes de chacun·e.
Merci à toutes celles et ceux qui ont tracté et fait signer !
"""

# The usual size of one report, per kind: (smallest, largest).
SIZES: dict[str, tuple[int, int]] = {
    ActionKind.DOOR_TO_DOOR: (15, 120),
    ActionKind.LEAFLETING: (50, 600),
    ActionKind.PHONING: (5, 60),
    ActionKind.PUBLIC_MEETING: (15, 120),
    ActionKind.SIGNATURES: (5, 90),
}


def load_campaigns(domain: str) -> dict[str, int] | None:
    """Load the demo campaigns; None if the demo people or the persona
    section are missing. Returns what was added: {"campaigns": n, "reports": n}
    (zeros when the campaigns were already there)."""
    people = list(
        User.objects.filter(email__endswith=f"@{domain}", is_active=True, erased_at__isnull=True)
        .select_related("section__parent")
        .order_by("pk")
    )
    by_local = {person.email.split("@")[0]: person for person in people}
    staff = by_local.get("staff")
    section = Unit.objects.filter(name=PERSONA_SECTION, kind=Unit.Kind.SECTION).first()
    national = Unit.objects.filter(kind=Unit.Kind.NATIONAL).first()
    if staff is None or section is None or national is None or section.parent is None:
        return None
    if Campaign.objects.filter(title=POSTE_TITLE).exists():
        return {"campaigns": 0, "reports": 0}
    reporters = [p for p in people if p.section_id is not None and not p.is_staff]
    if not reporters:
        return None
    federation = section.parent
    rng = random.Random(SEED)
    today = timezone.localdate()
    with transaction.atomic():
        national_space = territorial_space_ensure(national)
        federation_space = territorial_space_ensure(federation)
        poste = campaign_create(
            by=staff,
            space=national_space,
            title=POSTE_TITLE,
            description=POSTE_DESCRIPTION,
            starts_on=today - timedelta(days=24),
            ends_on=today + timedelta(days=35),
            goals={
                ActionKind.DOOR_TO_DOOR: 10_000,
                ActionKind.SIGNATURES: 20_000,
                ActionKind.LEAFLETING: 60_000,
                ActionKind.PUBLIC_MEETING: 2_000,
            },
        )
        for title, url in [
            ("Tract recto-verso (PDF)", "https://example.org/defendons-la-poste/tract.pdf"),
            ("Pétition à imprimer", "https://example.org/defendons-la-poste/petition.pdf"),
            ("Argumentaire pour le porte-à-porte", "https://example.org/defendons-la-poste/argu"),
            ("Affiche A3", "https://example.org/defendons-la-poste/affiche.png"),
        ]:
            kit_document_add(campaign=poste, title=title, url=url)
        trains = campaign_create(
            by=staff,
            space=federation_space,
            title=TRAINS_TITLE,
            description=TRAINS_DESCRIPTION,
            starts_on=today - timedelta(days=10),
            ends_on=today + timedelta(days=20),
            goals={ActionKind.LEAFLETING: 15_000, ActionKind.SIGNATURES: 3_000},
        )
        kit_document_add(
            campaign=trains, title="Tract gare (PDF)", url="https://example.org/trains/tract.pdf"
        )
        hospital = campaign_create(
            by=staff,
            space=national_space,
            title=HOSPITAL_TITLE,
            description=HOSPITAL_DESCRIPTION,
            starts_on=today - timedelta(days=120),
            ends_on=today - timedelta(days=60),
            goals={ActionKind.SIGNATURES: 5_000},
        )
        count = _reports(
            poste,
            reporters,
            rng,
            today,
            number=420,
            kinds=[
                (ActionKind.DOOR_TO_DOOR, 5),
                (ActionKind.SIGNATURES, 4),
                (ActionKind.LEAFLETING, 3),
                (ActionKind.PHONING, 1),
                (ActionKind.PUBLIC_MEETING, 1),
            ],
        )
        locals_ = [p for p in reporters if p.section and p.section.parent_id == federation.pk]
        count += _reports(
            trains,
            locals_,
            rng,
            today,
            number=90,
            kinds=[(ActionKind.LEAFLETING, 3), (ActionKind.SIGNATURES, 2)],
        )
        count += _reports(
            hospital,
            reporters,
            rng,
            today,
            number=60,
            kinds=[(ActionKind.SIGNATURES, 3), (ActionKind.LEAFLETING, 2)],
        )
    return {"campaigns": 3, "reports": count}


def _reports(
    campaign: Campaign,
    people: list[Any],
    rng: random.Random,
    today: date,
    *,
    number: int,
    kinds: list[tuple[str, int]],
) -> int:
    """`number` reports by a core of active people (a few report a lot, most
    a little), on days of the campaign up to today, sent the same evening."""
    if not people:
        return 0
    pool = list(people)
    rng.shuffle(pool)
    active = pool[: max(1, len(pool) * 2 // 5)]
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(active))]
    last_day = min(today, campaign.ends_on)
    days = (last_day - campaign.starts_on).days
    kind_names = [kind for kind, _weight in kinds]
    kind_weights = [weight for _kind, weight in kinds]
    zone = timezone.get_current_timezone()
    made: list[FieldReport] = []
    for _n in range(number):
        person = rng.choices(active, weights=weights)[0]
        kind = rng.choices(kind_names, weights=kind_weights)[0]
        low, high = SIZES[kind]
        done_on = campaign.starts_on + timedelta(days=rng.randint(0, days))
        sent = datetime.combine(done_on, time(20, rng.randint(0, 59)), tzinfo=zone)
        sent = min(sent, timezone.now() - timedelta(days=1))
        report = report_create(
            user=person,
            campaign=campaign,
            kind=kind,
            count=rng.randint(low, high),
            done_on=done_on,
            now=max(sent, datetime.combine(done_on, time(0, 0), tzinfo=zone)),
        )
        made.append(report)
    for report in made:
        backdate_report(report, _sent_at(report, zone))
    return len(made)


def _sent_at(report: FieldReport, zone: Any) -> datetime:
    sent = datetime.combine(report.done_on, time(21, 0), tzinfo=zone)
    return min(sent, timezone.now() - timedelta(days=1, hours=1))
