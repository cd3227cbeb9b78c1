"""Events, mostly in sections, over the last two years and the coming three
months, and their RSVPs (heavy-tailed; a waiting list past the capacity;
attendance checked after most past events)."""

from collections.abc import Iterator
from typing import Any

from membrane.events.models import Event, Rsvp
from membrane.perf.dataset.texts import LAST_NAMES, STREETS, THEMES, text_pool
from membrane.perf.dataset.world import DAY, World, heavy_counts, weighted_picker
from membrane.perf.dataset.writer import Loader, as_datetime
from membrane.spaces.models import Space

KINDS = (
    "Réunion de section",
    "Porte-à-porte",
    "Tractage au marché",
    "Débat public",
    "Formation",
    "Assemblée générale",
)
_KIND_WEIGHT: dict[int, float] = {
    Space.Kind.NATIONAL: 5.0,
    Space.Kind.FEDERATION: 3.0,
    Space.Kind.SECTION: 4.0,
    Space.Kind.GROUP: 1.0,
}


def generate_events(world: World, loader: Loader) -> None:
    loader.start_part("events & RSVPs")
    rng = world.rng("events")
    texts = text_pool(world.rng("event-texts"), 200)
    spaces = world.spaces
    pick = weighted_picker(
        [_KIND_WEIGHT[space.kind] * len(space.people) ** 0.5 for space in spaces]
    )
    count = world.scale.events
    rsvps = heavy_counts(rng, count, world.scale.rsvps, alpha=1.5, cap=5_000)
    future = 90 * DAY
    plans = []
    for i in range(count):
        space_index = pick(rng)
        space = spaces[space_index]
        starts = world.start + rng.random() * (world.end + future - world.start)
        starts -= starts % 900
        created = min(starts - rng.uniform(2, 40) * DAY, world.end)
        n = min(rsvps[i], len(space.people) - 1)
        capacity = rng.randint(max(5, n // 3), max(10, n)) if rng.random() < 0.3 else None
        plans.append((space_index, starts, created, n, capacity))
    first_event = loader.reserve(Event, count)

    def events() -> Iterator[tuple[Any, ...]]:
        for i, (space_index, starts, created, _n, capacity) in enumerate(plans):
            space = spaces[space_index]
            online = space.kind == Space.Kind.GROUP or rng.random() < 0.15
            cancelled = rng.random() < 0.03
            text = texts[int(rng.random() * len(texts))]
            yield (
                first_event + i,
                space.id,
                space.animator if rng.random() < 0.7 else space.writer(rng),
                f"{rng.choice(KINDS)} : {rng.choice(THEMES).lower()}",
                text.body,
                text.html,
                as_datetime(starts),
                as_datetime(starts + rng.choice((1, 1.5, 2, 3)) * 3600),
                f"https://visio.membrane.localhost/{first_event + i}" if online else "",
                ""
                if online
                else f"{rng.randint(1, 120)} {rng.choice(STREETS)} {rng.choice(LAST_NAMES)}",
                space.postcode,
                space.commune,
                space.departement,
                capacity,
                rng.random() < 0.5,
                as_datetime(min(max(created, starts - DAY), world.end)) if cancelled else None,
                "Reportée : la salle n'est plus disponible." if cancelled else "",
                1 if cancelled else 0,
                as_datetime(created),
                as_datetime(created),
            )

    loader.write(
        Event,
        [
            "id",
            "space_id",
            "organiser_id",
            "title",
            "description",
            "description_html",
            "starts_at",
            "ends_at",
            "online_url",
            "address",
            "postcode",
            "commune",
            "departement",
            "capacity",
            "attendees_visible",
            "cancelled_at",
            "cancellation_reason",
            "sequence",
            "created_at",
            "updated_at",
        ],
        events(),
    )
    first = loader.reserve(Rsvp, sum(plan[3] for plan in plans))

    def rsvp_rows() -> Iterator[tuple[Any, ...]]:
        next_id = first
        for i, (space_index, starts, created, n, capacity) in enumerate(plans):
            space = spaces[space_index]
            people: set[int] = set()
            while len(people) < n:
                people.add(space.writer(rng) if rng.random() < 0.3 else space.anyone(rng))
            going = 0
            past = starts < world.end
            for person in sorted(people):
                roll = rng.random()
                status = (
                    Rsvp.Status.GOING
                    if roll < 0.6
                    else Rsvp.Status.INTERESTED
                    if roll < 0.85
                    else Rsvp.Status.NOT_GOING
                )
                if status == Rsvp.Status.GOING:
                    going += 1
                    if capacity is not None and going > capacity:
                        status = Rsvp.Status.WAITING
                at = as_datetime(created + rng.random() * (min(starts, world.end) - created))
                attended = checked = None
                if past and status == Rsvp.Status.GOING and rng.random() < 0.8:
                    attended = rng.random() < 0.85
                    checked = as_datetime(min(starts + DAY, world.end))
                yield (next_id, first_event + i, person, status, at, at, attended, checked)
                next_id += 1

    loader.write(
        Rsvp,
        [
            "id",
            "event_id",
            "user_id",
            "status",
            "created_at",
            "updated_at",
            "attended",
            "checked_at",
        ],
        rsvp_rows(),
    )
    loader.end_part()
