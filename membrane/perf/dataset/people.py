"""Territory and people: sections under the 101 federations (sizes
heavy-tailed), people (70 % sympathisants) with a verified email, their
consent and charter acceptance, and animators at every level."""

import random
from array import array
from collections.abc import Iterator
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from membrane.accounts.models import (
    PoliticalOpinionConsent,
    ProfileVisibility,
    User,
    person_search_key,
)
from membrane.accounts.services import CONSENT_WORDING_VERSION
from membrane.charter.models import CharterAcceptance, CharterVersion
from membrane.core.text import normalize_for_search
from membrane.perf.dataset.texts import FIRST_NAMES, LAST_NAMES, commune_name
from membrane.perf.dataset.world import DAY, SpaceInfo, World, weighted_picker
from membrane.perf.dataset.writer import Loader, as_datetime
from membrane.spaces.models import Space
from membrane.territory.models import Animator, Unit

DOMAIN = "dataset.membrane.localhost"
PASSWORD = "membrane-dataset-2026"  # noqa: S105 - public, documented like the demo's
# Share of people who chose no section.
NO_SECTION = 0.08
# Share of people who opted in to the directory (opt-in: a minority).
LISTED_SHARE = 0.3
_FIRST_SLUGS = [slugify(name) for name in FIRST_NAMES]
_LAST_SLUGS = [slugify(name) for name in LAST_NAMES]


class _People:
    """Names and handles of the generated people, kept as small integers."""

    def __init__(self) -> None:
        self.first = array("H")
        self.last = array("H")
        self.suffix = array("I")

    def handle(self, index: int) -> str:
        base = f"{_FIRST_SLUGS[self.first[index]]}-{_LAST_SLUGS[self.last[index]]}"
        suffix = self.suffix[index]
        return base if suffix == 0 else f"{base}-{suffix + 1}"

    def email(self, index: int) -> str:
        return f"{self.handle(index)}@{DOMAIN}"


def generate_people(world: World, loader: Loader, charter: CharterVersion | None) -> None:
    loader.start_part("people & territory")
    rng = world.rng("people")
    national = Unit.objects.get(kind=Unit.Kind.NATIONAL)
    federations = list(Unit.objects.federations().order_by("code"))
    spaces = dict(Space.objects.filter(unit__isnull=False).values_list("unit_id", "id"))

    # Sections, under federations of random weights (each has one at least).
    count = world.scale.sections
    federation_of = list(range(len(federations)))[:count]
    picker = weighted_picker([rng.lognormvariate(0, 0.8) for _ in federations])
    federation_of += [picker(rng) for _ in range(count - len(federation_of))]
    communes = [commune_name(rng) for _ in range(count)]
    postcodes = [_postcode(federations[f].code, rng) for f in federation_of]
    first_unit = loader.reserve(Unit, count)
    first_space = loader.reserve(Space, count)
    created = [world.start - rng.uniform(0, 4 * 365) * DAY for _ in range(count)]

    # People.
    people = _People()
    section_picker = weighted_picker(
        [1 / (rank**0.7) for rank in rng.sample(range(1, count + 1), count)]
    )
    total = world.scale.people
    world.user_count = total
    world.first_user = loader.reserve(User, total)
    sections = array("i")
    taken = set(User.objects.exclude(handle=None).values_list("handle", flat=True))
    counters: dict[str, int] = {}
    for _ in range(total):
        first = int(rng.random() * len(FIRST_NAMES))
        last = int(rng.random() * len(LAST_NAMES))
        base = f"{_FIRST_SLUGS[first]}-{_LAST_SLUGS[last]}"
        suffix = counters.get(base, 0)
        while (base if suffix == 0 else f"{base}-{suffix + 1}") in taken:
            suffix += 1
        counters[base] = suffix + 1
        people.first.append(first)
        people.last.append(last)
        people.suffix.append(suffix)
        sections.append(-1 if rng.random() < NO_SECTION else section_picker(rng))
        # Four people in five joined before the two years of history.
        if rng.random() < 0.8:
            world.user_joined.append(world.start - rng.random() * 4 * 365 * DAY)
        else:
            world.user_joined.append(world.during(rng))
    # Who opted in to the directory (the section's member list, the people
    # search), and the sections' stored counts of people: everyone generated
    # is active.
    listing = world.rng("listed")
    listed = bytearray(listing.random() < LISTED_SHARE for _ in range(total))
    people_in = [0] * count
    listed_in = [0] * count
    for person, section in enumerate(sections):
        if section >= 0:
            people_in[section] += 1
            listed_in[section] += listed[person]

    def units() -> Iterator[tuple[Any, ...]]:
        for i in range(count):
            name = f"Section {communes[i]}"
            yield (
                first_unit + i,
                Unit.Kind.SECTION,
                federations[federation_of[i]].pk,
                name,
                f"ds-{i + 1}-{slugify(communes[i])}"[:140],
                communes[i],
                postcodes[i],
                normalize_for_search(f"{name} {communes[i]} {postcodes[i]}"),
                as_datetime(created[i]),
                people_in[i],
                listed_in[i],
            )

    loader.write(
        Unit,
        [
            "id",
            "kind",
            "parent_id",
            "name",
            "slug",
            "commune",
            "postcode",
            "search_key",
            "created_at",
            "member_count",
            "listed_member_count",
        ],
        units(),
    )

    def section_spaces() -> Iterator[tuple[Any, ...]]:
        for i in range(count):
            name = f"Section {communes[i]}"
            yield (
                first_space + i,
                Space.Kind.SECTION,
                first_unit + i,
                name,
                f"ds-section-{i + 1}-{slugify(communes[i])}"[:140],
                Space.Visibility.PRIVATE,
                Space.Joining.INVITATION,
                as_datetime(created[i]),
                normalize_for_search(f"{name} "),
            )

    loader.write(
        Space,
        [
            "id",
            "kind",
            "unit_id",
            "name",
            "slug",
            "visibility",
            "joining",
            "created_at",
            "search_key",
        ],
        section_spaces(),
    )

    # One hash for everybody (hashing is slow on purpose), salted by the seed
    # so that the same seed gives the same rows.
    password = make_password(PASSWORD, salt=f"dataset{world.seed}")
    charter_number = charter.number if charter is not None else None
    supporter_share = world.scale.supporter_share
    # The first sympathisant and verified adhérent, for the benchmark's logins.
    found: dict[str, int] = {}

    def users() -> Iterator[tuple[Any, ...]]:
        for i in range(total):
            joined = world.user_joined[i]
            section = sections[i]
            status = rng.random()
            claimed = status >= supporter_share
            verified = claimed and status >= supporter_share + (1 - supporter_share) * 0.12
            found.setdefault("member" if verified else "to_verify" if claimed else "supporter", i)
            first_name, last_name = FIRST_NAMES[people.first[i]], LAST_NAMES[people.last[i]]
            handle = people.handle(i)
            commune = communes[section] if section >= 0 else ""
            yield (
                world.first_user + i,
                password,
                as_datetime(joined + (world.end - joined) * rng.random())
                if rng.random() < 0.85
                else None,
                first_name,
                last_name,
                people.email(i),
                as_datetime(joined),
                handle,
                commune,
                # As User.save() would: nobody generated has a display name.
                person_search_key(first_name, last_name, "", handle, commune),
                ProfileVisibility.PUBLIC if rng.random() < 0.2 else ProfileVisibility.SIGNED_IN,
                bool(listed[i]),
                first_unit + section if section >= 0 else None,
                claimed,
                f"DS{i + 1:07d}" if claimed else "",
                as_datetime(min(joined + rng.uniform(0, 30) * DAY, world.end))
                if verified
                else None,
                charter_number,
                as_datetime(min(joined + 600, world.end)),
            )

    loader.write(
        User,
        [
            "id",
            "password",
            "last_login",
            "first_name",
            "last_name",
            "email",
            "date_joined",
            "handle",
            "commune",
            "search_key",
            "profile_visibility",
            "listed_in_directory",
            "section_id",
            "membership_claimed",
            "membership_number",
            "membership_verified_at",
            "charter_version_accepted",
            "welcomed_at",
        ],
        users(),
    )
    first = loader.reserve(EmailAddress, total)
    loader.write(
        EmailAddress,
        ["id", "user_id", "email", "verified", "primary"],
        ((first + i, world.first_user + i, people.email(i), True, True) for i in range(total)),
    )
    first = loader.reserve(PoliticalOpinionConsent, total)
    loader.write(
        PoliticalOpinionConsent,
        ["id", "user_id", "wording_version", "given_at"],
        (
            (
                first + i,
                world.first_user + i,
                CONSENT_WORDING_VERSION,
                as_datetime(world.user_joined[i]),
            )
            for i in range(total)
        ),
    )
    if charter is not None:
        first = loader.reserve(CharterAcceptance, total)
        loader.write(
            CharterAcceptance,
            ["id", "user_id", "version_id", "accepted_at"],
            (
                (first + i, world.first_user + i, charter.pk, as_datetime(world.user_joined[i]))
                for i in range(total)
            ),
        )

    # Who lives where, shuffled: a space's first people are its writers.
    section_people = [array("i") for _ in range(count)]
    for i, section in enumerate(sections):
        if section >= 0:
            section_people[section].append(world.first_user + i)
    federation_people = [array("i") for _ in federations]
    for i, federation in enumerate(federation_of):
        federation_people[federation].extend(section_people[i])
    everyone = array("i", range(world.first_user, world.first_user + total))
    for group in (everyone, *federation_people, *section_people):
        _shuffle(group, rng)

    animators: list[tuple[int, int, float]] = []

    def appoint(unit_id: int, space: SpaceInfo, how_many: int) -> None:
        # A unit of fewer than two people has no animator and no activity.
        if len(space.people) < 2:
            return
        chosen = list(space.people[:how_many])
        since = world.start + rng.random() * (world.end - world.start) / 2
        animators.extend((unit_id, user, since) for user in chosen)
        space.animator = chosen[0]
        world.spaces.append(space)

    appoint(national.pk, SpaceInfo(spaces[national.pk], Space.Kind.NATIONAL, everyone, 0), 3)
    for f, unit in enumerate(federations):
        appoint(
            unit.pk,
            SpaceInfo(spaces[unit.pk], Space.Kind.FEDERATION, federation_people[f], 0, unit.code),
            2,
        )
    for i in range(count):
        code = federations[federation_of[i]].code
        space = SpaceInfo(
            first_space + i,
            Space.Kind.SECTION,
            section_people[i],
            0,
            code,
            communes[i],
            postcodes[i],
        )
        appoint(first_unit + i, space, 1 if len(space.people) < 100 else 2)
    first = loader.reserve(Animator, len(animators))
    loader.write(
        Animator,
        ["id", "unit_id", "user_id", "since"],
        (
            (first + i, unit, user, as_datetime(since))
            for i, (unit, user, since) in enumerate(animators)
        ),
    )
    world.email_of = lambda user: people.email(user - world.first_user)
    biggest = max(
        (s for s in world.spaces if s.kind == Space.Kind.SECTION), key=lambda s: len(s.people)
    )
    world.landmarks.update(
        password=PASSWORD,
        national_animator=world.email_of(world.spaces[0].animator),
        biggest_section={
            "space_id": biggest.id,
            "people": len(biggest.people),
            "animator": world.email_of(biggest.animator),
        },
        **{status: people.email(index) for status, index in found.items()},
    )
    loader.end_part()


def _postcode(code: str, rng: random.Random) -> str:
    if len(code) == 3:
        return f"{code}{rng.randint(10, 99)}"
    prefix = "20" if code in ("2A", "2B") else code
    return f"{prefix}{rng.randint(0, 999):03d}"


def _shuffle(values: array, rng: random.Random) -> None:
    """Fisher-Yates on an array, without a list copy."""
    for i in range(len(values) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        values[i], values[j] = values[j], values[i]
