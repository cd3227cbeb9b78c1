"""Demo events: over the coming six weeks, in some demo sections (their
animators organise), the national space and the two largest groups, with
real-looking French titles and places; answers from the demo people (one
event full, with a waiting list), and one past event of the Section de
Bordeaux-Centre whose attendance was checked.

Everything goes through the events services, with a clock set in the
past for the past event. Deterministic: a seeded generator and times
relative to today."""

import random
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from membrane.accounts.models import User
from membrane.events.models import Event
from membrane.events.services import attendance_check, event_create, rsvp_set
from membrane.spaces.models import Space
from membrane.spaces.services import territorial_space_ensure
from membrane.territory.models import Animator, Unit

PARIS = ZoneInfo("Europe/Paris")

# (section, title, description, days from today, hour, hours long, address, capacity)
SECTION_EVENTS: list[tuple[str, str, str, int, int, int, str, int | None]] = [
    (
        "Section de Bordeaux-Centre",
        "Porte-à-porte aux Capucins",
        "On se retrouve devant le marché, tracts et questionnaire sur les loyers.",
        4,
        10,
        3,
        "Place des Capucins",
        None,
    ),
    (
        "Section de Bordeaux-Centre",
        "Réunion de section : préparer les municipales",
        "Ordre du jour : bilan des ateliers, calendrier, appel à candidatures.",
        11,
        19,
        2,
        "Maison des associations, 12 rue Sainte-Catherine",
        25,
    ),
    (
        "Section de Bordeaux-Centre",
        "Atelier d'écriture de tracts",
        "Atelier en petit groupe : **6 places**, on écrit ensemble le tract de janvier.",
        18,
        14,
        2,
        "Local de la section, 5 cours Victor Hugo",
        6,
    ),
    (
        "Section de Bègles",
        "Collage d'affiches dans le quartier Terres Neuves",
        "Rendez-vous au local, on fournit la colle et les brosses.",
        6,
        18,
        2,
        "Local de la section, avenue Salvador Allende",
        None,
    ),
    (
        "Section de Lyon 7e",
        "Débat public : quelle place pour le vélo à Gerland ?",
        "Avec des associations d'usagers et des habitant·es du quartier.",
        9,
        19,
        2,
        "Salle Victor Basch, place Jean Macé",
        80,
    ),
    (
        "Section de Lille-Fives",
        "Permanence logement",
        "Aide aux démarches et recueil des témoignages sur l'habitat indigne.",
        13,
        17,
        3,
        "Maison de quartier, rue Pierre Legrand",
        None,
    ),
    (
        "Section de Marseille 13e",
        "Pique-nique militant au parc de Font-Obscure",
        "Chacun apporte un plat ; on parle transports et écoles.",
        20,
        12,
        3,
        "Parc de Font-Obscure",
        None,
    ),
    (
        "Section de Paris 18e",
        "Formation : animer une réunion publique",
        "Deux heures pour apprendre à préparer, animer et conclure une réunion.",
        27,
        10,
        2,
        "Local de la fédération, rue Doudeauville",
        20,
    ),
    (
        "Section de Nantes",
        "Distribution au marché de Talensac",
        "Sur le thème de la gratuité des transports.",
        33,
        9,
        3,
        "Marché de Talensac",
        None,
    ),
    (
        "Section de Toulouse",
        "Assemblée générale de la section",
        "Élection du bureau, rapport financier, motions.",
        40,
        18,
        3,
        "Salle du Sénéchal, 17 rue de Rémusat",
        None,
    ),
]

# (title, description, days from today, hour, hours long)
ONLINE_EVENTS = [
    (
        "national",
        "Webinaire : le programme pour la santé",
        "Présentation et questions en direct avec l'équipe du programme.",
        8,
        20,
        1,
    ),
    (
        "group:0",
        "Visio du groupe : bilan des actions du mois",
        "Tour de table et préparation des prochaines actions.",
        15,
        20,
        1,
    ),
    (
        "group:1",
        "Réunion en ligne : écrire notre contribution",
        "On relit ensemble le texte proposé au congrès.",
        24,
        19,
        2,
    ),
]

PAST_EVENT = (
    "Section de Bordeaux-Centre",
    "Accueil des nouveaux adhérent·es",
    "Présentation de la section autour d'un café.",
    "Local de la section, 5 cours Victor Hugo",
)


def events_loaded() -> bool:
    return Event.objects.filter(title=SECTION_EVENTS[0][1]).exists()


def load_events(domain: str) -> dict[str, int] | None:
    """Load the demo events; None if the demo people or spaces are missing,
    and nothing added if they are already there."""
    staff = User.objects.filter(email=f"staff@{domain}").first()
    national = Space.objects.filter(kind=Space.Kind.NATIONAL).first()
    if staff is None or national is None:
        return None
    if events_loaded():
        return {"events": 0, "rsvps": 0, "attended": 0}
    rng = random.Random(11)
    today = timezone.localdate()
    groups = list(
        Space.objects.groups().annotate(size=Count("memberships")).order_by("-size", "pk")[:2]
    )
    counts = {"events": 0, "rsvps": 0, "attended": 0}
    with transaction.atomic():
        for (
            section_name,
            title,
            description,
            days,
            hour,
            hours,
            address,
            capacity,
        ) in SECTION_EVENTS:
            unit = Unit.objects.filter(name=section_name, kind=Unit.Kind.SECTION).first()
            if unit is None:
                continue
            space = territorial_space_ensure(unit)
            start = _local(today, days, hour)
            event = event_create(
                organiser=_animator(unit) or staff,
                space=space,
                title=title,
                description=description,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                address=address,
                postcode=unit.postcode,
                commune=unit.commune,
                capacity=capacity,
                attendees_visible=capacity is not None,
            )
            counts["events"] += 1
            counts["rsvps"] += _answers(event, _people_of(unit, domain), rng)
        for where, title, description, days, hour, hours in ONLINE_EVENTS:
            if where == "national":
                space = national
            else:
                index = int(where.split(":")[1])
                if index >= len(groups):
                    continue
                space = groups[index]
            start = _local(today, days, hour)
            event = event_create(
                organiser=staff,
                space=space,
                title=title,
                description=description,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                online_url=f"https://visio.example.org/{space.slug}-{days}",
            )
            counts["events"] += 1
            pool = _members_of(space, domain) if space.is_group else _everyone(domain)
            counts["rsvps"] += _answers(event, pool, rng)
        counts["attended"] = _past_event(today, staff, domain, rng)
        if counts["attended"]:
            counts["events"] += 1
    return counts


def _local(today: Any, days: int, hour: int) -> datetime:
    return datetime.combine(today + timedelta(days=days), time(hour), tzinfo=PARIS)


def _animator(unit: Unit) -> User | None:
    found = Animator.objects.filter(unit=unit).select_related("user").order_by("pk").first()
    return found.user if found is not None else None


def _people_of(unit: Unit, domain: str) -> list[User]:
    return list(
        User.objects.filter(section=unit, email__endswith=f"@{domain}", is_active=True).order_by(
            "pk"
        )
    )


def _members_of(space: Space, domain: str) -> list[User]:
    return list(
        User.objects.filter(
            space_memberships__space=space, email__endswith=f"@{domain}", is_active=True
        ).order_by("pk")
    )


def _everyone(domain: str) -> list[User]:
    return list(
        User.objects.filter(email__endswith=f"@{domain}", is_active=True, is_staff=False).order_by(
            "pk"
        )[:60]
    )


def _answers(event: Event, pool: list[User], rng: random.Random, *, now: Any = None) -> int:
    """Some of the pool answer: mostly going, some interested, a few not.
    A small event fills up and its last ones wait."""
    pool = [p for p in pool if p.pk != event.organiser_id]
    rng.shuffle(pool)
    share = 1.0 if event.capacity is not None and event.capacity <= 10 else 0.4
    answered = pool[: max(1, int(len(pool) * share))] if pool else []
    for person in answered:
        status = rng.choices(["going", "interested", "not_going"], weights=[6, 3, 1])[0]
        rsvp_set(user=person, event=event, status=status, now=now)
    return len(answered)


def _past_event(today: Any, staff: User, domain: str, rng: random.Random) -> int:
    """Ten days ago, in the Section de Bordeaux-Centre: answered, held, and
    its attendance checked by its organiser (points for those present)."""
    section_name, title, description, address = PAST_EVENT
    unit = Unit.objects.filter(name=section_name, kind=Unit.Kind.SECTION).first()
    if unit is None:
        return 0
    organiser = _animator(unit) or staff
    start = _local(today, -10, 18)
    event = event_create(
        organiser=organiser,
        space=territorial_space_ensure(unit),
        title=title,
        description=description,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        address=address,
        postcode=unit.postcode,
        commune=unit.commune,
        now=start - timedelta(days=14),
    )
    _answers(event, _people_of(unit, domain), rng, now=start - timedelta(days=7))
    going = list(event.rsvps.filter(status="going").values_list("user_id", flat=True))
    present = {user_id for user_id in going if rng.random() < 0.8}
    attendance_check(by=organiser, event=event, present=present, now=start + timedelta(hours=3))
    return len(present)
