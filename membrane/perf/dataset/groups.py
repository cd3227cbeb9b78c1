"""Thematic groups with Zipf-like sizes (the largest about 20,000 members at
party scale, most a few dozen) and their memberships: the creator animates,
the larger groups have moderators."""

from array import array
from collections.abc import Iterator
from typing import Any

from django.utils.text import slugify

from membrane.core.text import normalize_for_search
from membrane.perf.dataset.texts import THEMES, commune_name
from membrane.perf.dataset.world import DAY, SpaceInfo, World
from membrane.perf.dataset.writer import Loader, as_datetime
from membrane.spaces.models import Membership, Role, Space

SIZE_EXPONENT = 0.85
MIN_SIZE = 3
_DESCRIPTIONS = (
    "Un groupe ouvert à toutes et tous pour échanger, se former et agir ensemble.",
    "Constats, propositions et actions : partagez ce qui se passe près de chez vous.",
    "Pour préparer nos propositions et les faire connaître autour de nous.",
    "Des adhérent·es et des sympathisant·es qui veulent faire avancer ce combat.",
)


def group_sizes(world: World) -> list[int]:
    largest = min(world.scale.largest_group, world.user_count)
    return [
        max(MIN_SIZE, min(world.user_count, round(largest * rank**-SIZE_EXPONENT)))
        for rank in range(1, world.scale.groups + 1)
    ]


def generate_groups(world: World, loader: Loader) -> None:
    loader.start_part("groups & memberships")
    rng = world.rng("groups")
    sizes = group_sizes(world)
    count = len(sizes)
    first_space = loader.reserve(Space, count)
    plans = []
    for k, size in enumerate(sizes):
        members = array(
            "i", (world.first_user + i for i in rng.sample(range(world.user_count), size))
        )
        theme = THEMES[k % len(THEMES)]
        name = theme if k < len(THEMES) else f"{theme} — {commune_name(rng)}"
        roll = rng.random()
        joining = (
            Space.Joining.OPEN
            if roll < 0.75
            else Space.Joining.REQUEST
            if roll < 0.95
            else Space.Joining.INVITATION
        )
        visibility = Space.Visibility.PRIVATE if rng.random() < 0.15 else Space.Visibility.PUBLIC
        created = world.start - rng.random() * 365 * DAY if k < 100 else world.during(rng, 0.8)
        plans.append((name, joining, visibility, created, rng.choice(_DESCRIPTIONS)))
        world.spaces.append(SpaceInfo(first_space + k, Space.Kind.GROUP, members, members[0]))
        world.group_spaces.append(len(world.spaces) - 1)

    def spaces() -> Iterator[tuple[Any, ...]]:
        for k, (name, joining, visibility, created, description) in enumerate(plans):
            yield (
                first_space + k,
                Space.Kind.GROUP,
                name,
                f"ds-{k + 1}-{slugify(name)}"[:140],
                description,
                visibility,
                joining,
                world.spaces[world.group_spaces[k]].animator,
                as_datetime(created),
                normalize_for_search(f"{name} {description}"),
                # Every generated person is active: the stored count is the size.
                len(world.spaces[world.group_spaces[k]].people),
            )

    loader.write(
        Space,
        [
            "id",
            "kind",
            "name",
            "slug",
            "description",
            "visibility",
            "joining",
            "created_by_id",
            "created_at",
            "search_key",
            "active_member_count",
        ],
        spaces(),
    )
    first = loader.reserve(Membership, sum(sizes))

    def memberships() -> Iterator[tuple[Any, ...]]:
        next_id = first
        for k in range(count):
            space = world.spaces[world.group_spaces[k]]
            created = plans[k][3]
            moderators = 1 + len(space.people) // 2_000
            for position, user in enumerate(space.people):
                role = (
                    Role.ANIMATOR
                    if position == 0
                    else Role.MODERATOR
                    if position <= moderators
                    else Role.MEMBER
                )
                start = max(created, world.user_joined[user - world.first_user])
                joined = created if position == 0 else start + rng.random() * (world.end - start)
                yield (next_id, space.id, user, role, as_datetime(joined))
                next_id += 1

    loader.write(Membership, ["id", "space_id", "user_id", "role", "joined_at"], memberships())
    largest = world.spaces[world.group_spaces[0]]
    world.landmarks["largest_group"] = {
        "space_id": largest.id,
        "slug": f"ds-1-{slugify(plans[0][0])}"[:140],
        "members": len(largest.people),
        "animator": world.email_of(largest.animator),
    }
    loader.end_part()
