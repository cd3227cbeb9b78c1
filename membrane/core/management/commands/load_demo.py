"""A lively, realistic and deterministic demo: a published charter, ~40 sections
in real communes, ~300 people (sympathisants, adhérents, adhérents to verify),
animators at every level and five fixed logins (see docs/demo.md); then ~40
thematic groups with threads, replies, reactions and follows
(core.demo_conversations).

Writes that have a service go through it (charter, sections, groups); people,
posts and their related rows are bulk-created so the whole demo loads in
seconds on SQLite. Each part has its marker: the staff login for the people,
the first demo group for the conversations, so a database loaded before the
conversations existed gets them on the next run.
"""

import random
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from membrane.accounts.handles import handle_available, handle_base
from membrane.accounts.models import (
    MembershipStatus,
    PoliticalOpinionConsent,
    ProfileVisibility,
    User,
)
from membrane.accounts.services import CONSENT_WORDING_VERSION
from membrane.campaigns.demo import load_campaigns
from membrane.charter.models import CharterAcceptance, CharterVersion
from membrane.charter.services import charter_create, charter_publish, current_charter
from membrane.core.demo_conversations import conversations_loaded, load_conversations
from membrane.core.demo_ideas import ideas_loaded, load_ideas
from membrane.core.demo_moderation import load_moderation, moderation_loaded
from membrane.engagement.demo import engagement_loaded, load_engagement
from membrane.events.demo import events_loaded, load_events
from membrane.quizzes.demo import load_quizzes
from membrane.spaces.services import member_counts_recount
from membrane.territory.models import Animator, Unit
from membrane.territory.services import national_unit, section_counts_recount, section_create

SEED = 2026
CONVERSATIONS_SEED = SEED + 1
PEOPLE = 300
DEMO_DOMAIN = "demo.membrane.localhost"
DEMO_PASSWORD = "membrane-demo-2026"  # noqa: S105 - public, documented demo password
STAFF_EMAIL = f"staff@{DEMO_DOMAIN}"

CHARTER_TITLE = "Charte de la coopérative"
CHARTER_PREAMBLE = (
    "Cette coopérative est l'espace de débat et d'action des adhérent·es et des "
    "sympathisant·es. Pour que chacun·e s'y sente libre de parler, nous nous engageons "
    "à respecter les règles qui suivent."
)
CHARTER_ARTICLES = [
    (
        "Respect",
        "On débat des idées, pas des personnes. Chacun·e s'exprime avec courtoisie, "
        "y compris dans le désaccord, et lit les autres avec bienveillance.",
    ),
    (
        "Pluralisme",
        "Adhérent·es et sympathisant·es ont la même voix dans le débat. Le désaccord est "
        "légitime : la diversité des sensibilités est une richesse, pas une menace.",
    ),
    (
        "Pas d'attaques personnelles",
        "Insultes, moqueries, procès d'intention et harcèlement n'ont pas leur place ici, "
        "y compris envers les élu·es, les responsables du parti ou nos adversaires.",
    ),
    (
        "Pas de propos haineux",
        "Aucun propos raciste, antisémite, sexiste, homophobe, transphobe ou validiste, "
        "ni appel à la violence. De tels propos sont masqués et peuvent être signalés "
        "aux autorités.",
    ),
    (
        "Vie privée d'autrui",
        "On ne publie pas d'informations personnelles sur une autre personne (adresse, "
        "téléphone, santé, vie familiale), ni une conversation privée sans son accord.",
    ),
    (
        "Une modération transparente, qui peut être contestée",
        "La modération s'appuie sur cette charte et en cite l'article. Un message modéré "
        "est masqué, pas supprimé, et le motif s'affiche à sa place. Chaque décision figure "
        "au journal public de modération ; chacun·e peut faire appel, et l'appel est "
        "examiné par un·e autre modérateur·rice.",
    ),
]

# (département code, section name, commune, postcode, weight in the draw of members)
SECTIONS: tuple[tuple[str, str, str, str, int], ...] = (
    ("33", "Section de Bordeaux-Centre", "Bordeaux", "33000", 8),
    ("33", "Section de Bordeaux-Bastide", "Bordeaux", "33100", 3),
    ("33", "Section de Bègles", "Bègles", "33130", 2),
    ("33", "Section de Mérignac", "Mérignac", "33700", 2),
    ("33", "Section de Pessac", "Pessac", "33600", 2),
    ("33", "Section de Talence", "Talence", "33400", 1),
    ("33", "Section de Libourne", "Libourne", "33500", 1),
    ("33", "Section d'Arcachon", "Arcachon", "33120", 1),
    ("69", "Section de Lyon 1er", "Lyon", "69001", 3),
    ("69", "Section de Lyon 7e", "Lyon", "69007", 3),
    ("69", "Section de Villeurbanne", "Villeurbanne", "69100", 2),
    ("69", "Section de Vénissieux", "Vénissieux", "69200", 1),
    ("69", "Section de Villefranche-sur-Saône", "Villefranche-sur-Saône", "69400", 1),
    ("59", "Section de Lille-Centre", "Lille", "59000", 3),
    ("59", "Section de Lille-Fives", "Lille", "59800", 2),
    ("59", "Section de Roubaix", "Roubaix", "59100", 2),
    ("59", "Section de Tourcoing", "Tourcoing", "59200", 1),
    ("59", "Section de Villeneuve-d'Ascq", "Villeneuve-d'Ascq", "59650", 1),
    ("59", "Section de Dunkerque", "Dunkerque", "59140", 1),
    ("59", "Section de Valenciennes", "Valenciennes", "59300", 1),
    ("13", "Section de Marseille 1er", "Marseille", "13001", 3),
    ("13", "Section de Marseille 13e", "Marseille", "13013", 2),
    ("13", "Section d'Aix-en-Provence", "Aix-en-Provence", "13100", 2),
    ("13", "Section d'Arles", "Arles", "13200", 1),
    ("13", "Section d'Aubagne", "Aubagne", "13400", 1),
    ("13", "Section de Martigues", "Martigues", "13500", 1),
    ("75", "Section de Paris 5e", "Paris", "75005", 2),
    ("75", "Section de Paris 11e", "Paris", "75011", 3),
    ("75", "Section de Paris 13e", "Paris", "75013", 2),
    ("75", "Section de Paris 18e", "Paris", "75018", 3),
    ("75", "Section de Paris 20e", "Paris", "75020", 3),
    ("44", "Section de Nantes", "Nantes", "44000", 3),
    ("44", "Section de Saint-Nazaire", "Saint-Nazaire", "44600", 2),
    ("44", "Section de Rezé", "Rezé", "44400", 1),
    ("44", "Section de Saint-Herblain", "Saint-Herblain", "44800", 1),
    ("31", "Section de Toulouse", "Toulouse", "31000", 3),
    ("31", "Section de Colomiers", "Colomiers", "31770", 1),
    ("31", "Section de Blagnac", "Blagnac", "31700", 1),
    ("31", "Section de Muret", "Muret", "31600", 1),
    ("38", "Section de Grenoble", "Grenoble", "38000", 3),
    ("38", "Section d'Échirolles", "Échirolles", "38130", 1),
    ("38", "Section de Saint-Martin-d'Hères", "Saint-Martin-d'Hères", "38400", 1),
    ("38", "Section de Vienne", "Vienne", "38200", 1),
)
PERSONA_SECTION = "Section de Bordeaux-Centre"

# Where the people attached to no section say they live.
OTHER_COMMUNES = (
    "Rennes",
    "Strasbourg",
    "Montpellier",
    "Dijon",
    "Clermont-Ferrand",
    "Tours",
    "Limoges",
    "Brest",
    "Poitiers",
    "Amiens",
    "Besançon",
    "Perpignan",
    "Nancy",
    "Caen",
)

BIOS = (
    "J'enseigne les mathématiques en collège depuis quinze ans. L'école publique avant tout.",
    "Je travaille à l'hôpital public et je veux qu'on parle enfin de l'accès aux soins.",
    "Syndicaliste dans l'automobile, j'ai rejoint la section pour les municipales.",
    "Je fais mes études de droit et je m'intéresse au logement étudiant.",
    "Je tiens une librairie de quartier : culture, commerce de proximité, centre-ville vivant.",
    "Trente ans dans le bâtiment. La transition écologique se fera aussi avec nos métiers.",
    "Bénévole au Secours populaire, je veux des réponses concrètes contre la précarité.",
    "Je travaille à la SNCF : le service public du rail, c'est mon combat.",
    "Parent d'élèves, je me bats pour des cantines bio et des écoles rénovées.",
    "Aide à domicile, je veux que nos métiers soient enfin reconnus.",
    "Je travaille dans le numérique et je m'intéresse aux communs et aux logiciels libres.",
    "J'ai pris ma carte en 2017 et je n'ai jamais raté une réunion de section depuis.",
    "Maraîchage bio en circuit court, pas loin de la ville.",
    "Locataire HLM et membre d'une amicale de locataires.",
    "Je découvre la politique : ici pour écouter, apprendre et donner un coup de main.",
    "Sport amateur, vie associative et solidarité entre les générations.",
    "Je travaille dans une mairie et je vois chaque jour l'utilité des services publics.",
    "Convictions européennes et écologistes, militantisme de terrain.",
)


@dataclass
class _Persona:
    local: str
    first_name: str
    last_name: str
    status: MembershipStatus
    label: str
    days_ago: int


PERSONAS = (
    _Persona("staff", "Claire", "Fontaine", MembershipStatus.SUPPORTER, "équipe (staff)", 700),
    _Persona(
        "animatrice",
        "Nadia",
        "Benali",
        MembershipStatus.MEMBER,
        "animatrice de section, adhérente",
        640,
    ),
    _Persona("adherent", "Thomas", "Lefèvre", MembershipStatus.MEMBER, "adhérent vérifié", 420),
    _Persona("sympathisant", "Julie", "Moreau", MembershipStatus.SUPPORTER, "sympathisante", 90),
    _Persona(
        "a-verifier", "Karim", "Haddad", MembershipStatus.TO_VERIFY, "adhérent à vérifier", 12
    ),
)


@dataclass
class _Person:
    """A person to create, planned in memory before one bulk insert."""

    email: str
    first_name: str
    last_name: str
    status: MembershipStatus
    section: Unit | None
    date_joined: datetime
    commune: str = ""
    bio: str = ""
    visibility: str = ProfileVisibility.SIGNED_IN
    membership_number: str = ""
    persona: bool = False
    is_staff: bool = False


class Command(BaseCommand):
    help = (
        "Load the demo: territory, charter, sections, ~300 people, the demo logins, "
        "~40 groups and their conversations."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_territory", stdout=self.stdout, stderr=self.stderr)
        # Two national quizzes; idempotent, they need no demo people.
        load_quizzes()
        people_loaded = User.objects.filter(email=STAFF_EMAIL).exists()
        if people_loaded and conversations_loaded(DEMO_DOMAIN):
            if not moderation_loaded(DEMO_DOMAIN):
                self._moderation()
            if not ideas_loaded():
                self._ideas()
            self._mobilisation()
            member_counts_recount()
            section_counts_recount()
            self.stdout.write(
                f"The demo is already loaded ({STAFF_EMAIL} and the demo groups exist): "
                "nothing to do."
            )
            return
        if people_loaded:
            self.stdout.write(
                f"The demo people are already loaded ({STAFF_EMAIL} exists): adding the groups "
                "and conversations."
            )
        else:
            self._people()
        summary = load_conversations(domain=DEMO_DOMAIN, seed=CONVERSATIONS_SEED)
        if summary is None:
            self.stderr.write("The demo people are incomplete: no groups or conversations.")
        else:
            self.stdout.write(summary.line())
            if not moderation_loaded(DEMO_DOMAIN):
                self._moderation()
            if not ideas_loaded():
                self._ideas()
            self._mobilisation()
        # The demo writes memberships and people in bulk, past the services
        # that count them.
        member_counts_recount()
        section_counts_recount()
        self._logins()

    def _ideas(self) -> None:
        summary = load_ideas(domain=DEMO_DOMAIN)
        if summary is None:
            self.stderr.write("The demo spaces are incomplete: no ideas.")
        else:
            self.stdout.write(summary.line())

    def _mobilisation(self) -> None:
        """Events, campaigns, invitations and points: each part loads once."""
        if not events_loaded():
            events = load_events(DEMO_DOMAIN)
            if events is None:
                self.stderr.write("The demo spaces are incomplete: no events.")
            else:
                self.stdout.write("Events: " + ", ".join(f"{k} {v}" for k, v in events.items()))
        campaigns = load_campaigns(DEMO_DOMAIN)
        if campaigns:
            self.stdout.write("Campaigns: " + ", ".join(f"{k} {v}" for k, v in campaigns.items()))
        if not engagement_loaded(DEMO_DOMAIN):
            engagement = load_engagement(domain=DEMO_DOMAIN)
            if engagement is None:
                self.stderr.write("The demo people are incomplete: no invitations or points.")
            else:
                self.stdout.write(engagement.line())

    def _moderation(self) -> None:
        summary = load_moderation(domain=DEMO_DOMAIN)
        if summary is None:
            self.stderr.write("The demo groups are incomplete: no moderation.")
        else:
            self.stdout.write(summary.line())

    def _people(self) -> None:
        started = time.monotonic()
        rng = random.Random(SEED)
        fake = Faker("fr_FR")
        fake.seed_instance(SEED)
        with transaction.atomic():
            charter = self._charter()
            sections = self._sections()
            people = _plan_people(sections=sections, rng=rng, fake=fake)
            roles = _plan_animators(people=people, sections=sections, rng=rng)
            users = _create_people(people=people, charter=charter, rng=rng)
            animator_count = _create_animators(roles=roles, people=people, users=users, rng=rng)
        self._summary(
            people=people,
            sections=sections,
            animator_count=animator_count,
            seconds=time.monotonic() - started,
        )

    def _charter(self) -> CharterVersion | None:
        if not CharterVersion.objects.exists():
            version = charter_create(
                title=CHARTER_TITLE, preamble=CHARTER_PREAMBLE, articles=CHARTER_ARTICLES
            )
            charter_publish(version=version)
            self.stdout.write(f"Charter v{version.number} created and published.")
        charter = current_charter()
        if charter is None:
            self.stderr.write("No published charter: demo people accept none.")
        return charter

    def _sections(self) -> list[Unit]:
        federations = {unit.code: unit for unit in Unit.objects.federations()}
        return [
            section_create(
                federation=federations[code], name=name, commune=commune, postcode=postcode
            )
            for code, name, commune, postcode, _weight in SECTIONS
        ]

    def _summary(
        self, *, people: list["_Person"], sections: list[Unit], animator_count: int, seconds: float
    ) -> None:
        statuses = {status: 0 for status in MembershipStatus}
        for person in people:
            statuses[person.status] += 1
        attached = sum(person.section is not None for person in people)
        federation_count = len({section.parent_id for section in sections})
        self.stdout.write(
            f"Demo people loaded in {seconds:.1f} s: {len(sections)} sections in {federation_count} "
            f"federations; {len(people)} people ({statuses[MembershipStatus.SUPPORTER]} "
            f"sympathisants, {statuses[MembershipStatus.MEMBER]} verified adhérents, "
            f"{statuses[MembershipStatus.TO_VERIFY]} adhérents to verify), {attached} attached "
            f"to a section; {animator_count} animator roles."
        )

    def _logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(p.local) for p in PERSONAS) + len(DEMO_DOMAIN) + 1
        for persona in PERSONAS:
            email = f"{persona.local}@{DEMO_DOMAIN}"
            self.stdout.write(f"  {email:<{width}}  {persona.label}")
        self.stdout.write(f"  (all in the {PERSONA_SECTION})")


def _status_draw(count: int, rng: random.Random) -> list[MembershipStatus]:
    """~55% sympathisants, ~30% verified adhérents, ~15% to verify, shuffled."""
    members = round(count * 0.26)
    to_verify = round(count * 0.15)
    statuses = (
        [MembershipStatus.MEMBER] * members
        + [MembershipStatus.TO_VERIFY] * to_verify
        + [MembershipStatus.SUPPORTER] * (count - members - to_verify)
    )
    rng.shuffle(statuses)
    return statuses


def _membership_number(rng: random.Random, used: set[str]) -> str:
    while True:
        number = f"PS-{rng.randint(2008, 2026)}-{rng.randint(1, 99999):05d}"
        if number not in used:
            used.add(number)
            return number


def _plan_people(*, sections: list[Unit], rng: random.Random, fake: Faker) -> list[_Person]:
    now = timezone.now()
    home = next(section for section in sections if section.name == PERSONA_SECTION)
    people = [
        _Person(
            email=f"{persona.local}@{DEMO_DOMAIN}",
            first_name=persona.first_name,
            last_name=persona.last_name,
            status=persona.status,
            section=home,
            commune=home.commune,
            date_joined=now - timedelta(days=persona.days_ago),
            persona=True,
            is_staff=persona.local == "staff",
        )
        for persona in PERSONAS
    ]
    count = PEOPLE - len(people)
    statuses = _status_draw(count, rng)
    # ~80% in all (the personas included) are attached to a section, every
    # section gets at least two people, the big cities more.
    attached = round(PEOPLE * 0.8) - len(people)
    weights = [weight for *_rest, weight in SECTIONS]
    placements: list[Unit | None] = [*sections, *sections]
    placements += rng.choices(sections, weights=weights, k=attached - len(placements))
    placements += [None] * (count - attached)
    rng.shuffle(placements)
    for index, (status, section) in enumerate(zip(statuses, placements, strict=True), start=1):
        female = rng.random() < 0.52
        first_name = fake.first_name_female() if female else fake.first_name_male()
        last_name = fake.last_name()
        commune = ""
        if section is not None and rng.random() < 0.7:
            commune = section.commune
        elif section is None and rng.random() < 0.5:
            commune = rng.choice(OTHER_COMMUNES)
        people.append(
            _Person(
                email=f"{slugify(first_name)}.{slugify(last_name)}.{index}@{DEMO_DOMAIN}",
                first_name=first_name,
                last_name=last_name,
                status=status,
                section=section,
                commune=commune,
                bio=rng.choice(BIOS) if rng.random() < 0.35 else "",
                visibility=rng.choices(
                    [
                        ProfileVisibility.SIGNED_IN,
                        ProfileVisibility.PUBLIC,
                        ProfileVisibility.STAFF,
                    ],
                    weights=[75, 18, 7],
                )[0],
                date_joined=now - timedelta(seconds=rng.uniform(3600, 730 * 86400)),
            )
        )
    used: set[str] = set()
    for person in people:
        if person.status == MembershipStatus.MEMBER or (
            person.status == MembershipStatus.TO_VERIFY and (person.persona or rng.random() < 0.75)
        ):
            person.membership_number = _membership_number(rng, used)
    return people


def _make_member(person: _Person, rng: random.Random, people: list[_Person]) -> None:
    """Animators are verified adhérents: promote the chosen person if needed."""
    if person.status != MembershipStatus.MEMBER:
        person.status = MembershipStatus.MEMBER
        used = {p.membership_number for p in people if p.membership_number}
        person.membership_number = person.membership_number or _membership_number(rng, used)


def _plan_animators(
    *, people: list[_Person], sections: list[Unit], rng: random.Random
) -> list[tuple[Unit, _Person]]:
    """One or two animators per section, one per demo federation, one national; the
    animatrice persona runs her Bordeaux section, the other personas run nothing."""
    roles: list[tuple[Unit, _Person]] = []
    taken: set[str] = set()

    def pick(candidates: list[_Person]) -> _Person:
        free = [p for p in candidates if not p.persona and p.email not in taken]
        members = [p for p in free if p.status == MembershipStatus.MEMBER]
        chosen = rng.choice(members or free)
        _make_member(chosen, rng, people)
        taken.add(chosen.email)
        return chosen

    animatrice = next(p for p in people if p.email == f"animatrice@{DEMO_DOMAIN}")
    for section in sections:
        local = [p for p in people if p.section is section]
        wanted = 2 if len(local) >= 6 else 1
        if section.name == PERSONA_SECTION:
            roles.append((section, animatrice))
            taken.add(animatrice.email)
            wanted -= 1
        for _ in range(wanted):
            roles.append((section, pick(local)))
    federations = {section.parent_id: section.parent for section in sections}
    for federation_id, federation in federations.items():
        assert federation is not None
        local = [p for p in people if p.section and p.section.parent_id == federation_id]
        roles.append((federation, pick(local)))
    roles.append((national_unit(), pick([p for p in people if p.section is None])))
    return roles


def _create_people(
    *, people: list[_Person], charter: CharterVersion | None, rng: random.Random
) -> dict[str, User]:
    """Bulk-create the people with a verified primary email, their consent and
    their charter acceptance. Returns them by email."""
    now = timezone.now()
    # Hashing is deliberately slow: once for everybody.
    password = make_password(DEMO_PASSWORD)
    rows = []
    taken = {h for h in User.objects.exclude(handle=None).values_list("handle", flat=True) if h}
    for person in people:
        handle = handle_available(handle_base(person.first_name, person.last_name), taken)
        taken.add(handle)
        joined = person.date_joined
        claimed = person.status != MembershipStatus.SUPPORTER
        verified_at = None
        if person.status == MembershipStatus.MEMBER:
            verified_at = min(joined + timedelta(days=rng.uniform(0, 30)), now)
        rows.append(
            User(
                email=person.email,
                password=password,
                first_name=person.first_name,
                last_name=person.last_name,
                handle=handle,
                is_staff=person.is_staff,
                is_superuser=person.is_staff,
                date_joined=joined,
                last_login=joined + (now - joined) * rng.random() if rng.random() < 0.85 else None,
                welcomed_at=min(joined + timedelta(minutes=rng.randint(1, 30)), now),
                bio=person.bio,
                commune=person.commune,
                profile_visibility=person.visibility,
                # Seven in ten chose to be found in the directory (a stable
                # choice per person that leaves the random sequence alone).
                listed_in_directory=zlib.crc32(person.email.encode()) % 10 < 7,
                section=person.section,
                membership_claimed=claimed,
                membership_number=person.membership_number,
                membership_verified_at=verified_at,
                charter_version_accepted=charter.number if charter else None,
            )
        )
    for row in rows:
        row.refresh_search_key()  # bulk_create() does not call save()
    User.objects.bulk_create(rows, batch_size=500)
    users = {user.email: user for user in User.objects.filter(email__in=[p.email for p in people])}
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in users.values()
    )
    PoliticalOpinionConsent.objects.bulk_create(
        PoliticalOpinionConsent(user=user, wording_version=CONSENT_WORDING_VERSION)
        for user in users.values()
    )
    # `given_at` is set on insert; backdate it to the sign-up, when consent is given.
    joined_at = {user.pk: user.date_joined for user in users.values()}
    consents = list(PoliticalOpinionConsent.objects.filter(user__in=users.values()))
    for consent in consents:
        consent.given_at = joined_at[consent.user_id]
    PoliticalOpinionConsent.objects.bulk_update(consents, ["given_at"], batch_size=500)
    if charter is not None:
        CharterAcceptance.objects.bulk_create(
            CharterAcceptance(user=user, version=charter) for user in users.values()
        )
    return users


def _create_animators(
    *,
    roles: list[tuple[Unit, _Person]],
    people: list[_Person],
    users: dict[str, User],
    rng: random.Random,
) -> int:
    Animator.objects.bulk_create(Animator(unit=unit, user=users[p.email]) for unit, p in roles)
    # A section's verified adhérents were verified by one of its animators, or
    # (verified_by left empty) by an import of the member file.
    section_animators: dict[int, list[User]] = {}
    for unit, person in roles:
        if unit.is_section:
            section_animators.setdefault(unit.pk, []).append(users[person.email])
    verified = []
    for person in people:
        user = users[person.email]
        candidates = [
            animator
            for animator in section_animators.get(user.section_id or 0, [])
            if animator.pk != user.pk
        ]
        if user.membership_verified_at and candidates and rng.random() < 0.7:
            user.membership_verified_by = rng.choice(candidates)
            verified.append(user)
    User.objects.bulk_update(verified, ["membership_verified_by"], batch_size=500)
    return len(roles)
