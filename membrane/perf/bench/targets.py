"""What the benchmark visits, picked from the database: the largest group, the
longest thread, the busiest section, idea box and postcode, a public profile;
and the people it signs in as.

Reads are done as a real person of the dataset (an animator of the largest
group, so that its insights are visible) and anonymously. Writes are done by
bench people (`@bench.membrane.localhost`) in a bench group of their own, so
that they never change what the reads measure: each post is a new text from
the next person (the space's hourly rate per person is never reached), each
support and each RSVP a new (person, item) pair; the previous run's supports
and RSVPs are removed first.
"""

import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from membrane.accounts.models import ProfileVisibility, User
from membrane.charter.services import current_charter_number
from membrane.conversations.models import Post, Thread
from membrane.conversations.search import POSTS, search
from membrane.conversations.services import thread_create
from membrane.events.models import Event, Rsvp
from membrane.events.services import event_create
from membrane.ideas.models import Idea, IdeaBox, Support
from membrane.ideas.permissions import SUPPORTABLE
from membrane.ideas.services import box_open, idea_submit, supports_delete
from membrane.moderation.models import ModerationState
from membrane.spaces.models import Membership, Role, Space
from membrane.spaces.services import group_create, member_counts_recount
from membrane.territory.models import Unit
from membrane.territory.services import section_counts_recount

BENCH_DOMAIN = "bench.membrane.localhost"
BENCH_GROUP_NAME = "Banc d'essai des performances"
BENCH_IDEAS = 12
BENCH_EVENTS = 6


@dataclass
class Targets:
    """Addresses and ids the benchmark drives (all visible anonymously, but
    the insights, which need the group's animator)."""

    section_slug: str
    group_slug: str
    group_members: int
    thread_id: int
    thread_posts: int
    box_slug: str
    box_ideas: int
    idea_id: int
    idea_comments: int
    postcode: str
    postcode_events: int
    profile_id: int
    search_word: str
    reader_id: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class WriteTargets:
    thread_id: int
    idea_ids: list[int]
    event_ids: list[int]
    sessions: list[str] = field(default_factory=list)


def pick_targets() -> Targets:
    visible = Q(moderation_state=ModerationState.VISIBLE)
    public_groups = (
        Space.objects.groups().filter(visibility=Space.Visibility.PUBLIC).filter(visible)
    )
    group = (
        public_groups.exclude(name=BENCH_GROUP_NAME)
        .annotate(members=Count("memberships"))
        .order_by("-members", "pk")
        .first()
    )
    if group is None:
        raise LookupError("No public group: load a dataset first (manage.py load_demo).")
    reader = (
        User.objects.filter(
            space_memberships__space=group,
            space_memberships__role__gte=Role.ANIMATOR,
            is_active=True,
            erased_at=None,
        )
        .order_by("pk")
        .first()
    )
    if reader is None:
        raise LookupError(f"The group {group.slug} has no animator to read as.")
    public_spaces = Space.objects.filter(visibility=Space.Visibility.PUBLIC).filter(visible)
    thread = (
        Thread.objects.filter(visible, space__in=public_spaces, idea__isnull=True)
        .exclude(space__name=BENCH_GROUP_NAME)
        .annotate(n=Count("posts"))
        .order_by("-n", "pk")
        .first()
    )
    section = (
        Unit.objects.sections()
        .annotate(n=Count("people"))
        .filter(space__isnull=False)
        .order_by("-n", "pk")
        .first()
    )
    box = (
        IdeaBox.objects.filter(space__in=public_spaces)
        .exclude(space__name=BENCH_GROUP_NAME)
        .annotate(n=Count("ideas"))
        .order_by("-n", "pk")
        .first()
    )
    if thread is None or section is None or box is None:
        raise LookupError("The dataset needs a public thread, a section and an idea box.")
    # The box's most commented idea (without comments: the most supported):
    # its page offers the reader, the box's animator at both scales (the
    # largest group's), the same answering tools.
    idea = (
        Idea.objects.filter(visible, box=box)
        .annotate(n=Count("thread__posts", distinct=True), s=Count("supports", distinct=True))
        .order_by("-n", "-s", "pk")
        .first()
    )
    postcode_row = (
        Event.objects.filter(visible, starts_at__gt=timezone.now(), cancelled_at=None)
        .exclude(postcode="")
        .values("postcode")
        .annotate(n=Count("pk"))
        .order_by("-n", "postcode")
        .first()
    )
    profile = (
        User.objects.filter(
            profile_visibility=ProfileVisibility.PUBLIC, is_active=True, erased_at=None
        )
        .exclude(email__endswith=f"@{BENCH_DOMAIN}")
        .annotate(n=Count("posts"))
        .order_by("-n", "pk")
        .first()
    )
    if idea is None or profile is None:
        raise LookupError("The dataset needs an idea in a public box and a public profile.")
    return Targets(
        section_slug=section.slug,
        group_slug=group.slug,
        group_members=group.members,
        thread_id=thread.pk,
        thread_posts=thread.n,
        box_slug=box.space.slug,
        box_ideas=box.n,
        idea_id=idea.pk,
        idea_comments=idea.n,
        postcode=postcode_row["postcode"] if postcode_row else "75001",
        postcode_events=postcode_row["n"] if postcode_row else 0,
        profile_id=profile.pk,
        search_word=_search_word(thread.title),
        reader_id=reader.pk,
    )


def _search_word(title: str) -> str:
    """A word of the thread's title (4 letters or more: shorter ones have no
    trigram) that the search finds in the fewest posts, but in some: hits
    among threads and among posts, where the texts share words. Without one,
    the longest word (the party dataset's titles and replies share none)."""
    words = sorted(set(re.findall(r"\w{4,}", title)), key=lambda w: (-len(w), w))
    if not words:
        return "idée"
    anyone = AnonymousUser()
    found = {}
    for word in words:
        page = search(viewer=anyone, query=word, kinds=(POSTS,))[POSTS]
        if page.paginator.count:
            found[word] = page.paginator.count
    if not found:
        return words[0]
    return min(found, key=found.__getitem__)  # on a tie, the longer (found in that order)


def session_for(user: User) -> str:
    """A signed-in session for the person, as the login form would leave it;
    returns its key (the `sessionid` cookie)."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return str(session.session_key)


def ensure_second_factor(user: User) -> None:
    """Give the person a TOTP authenticator if they have none: whoever
    moderates must have one (membrane.accounts.mfa), and the reader is an
    animator. The secret is thrown away: nobody signs in with it."""
    if not apps.is_installed("allauth.mfa"):
        return
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def csrf_secret() -> str:
    """A CSRF cookie value; Django accepts the same unmasked secret as the
    token sent with a form (`X-CSRFToken`)."""
    return secrets.token_hex(16)


def prepare_writes(*, people: int) -> WriteTargets:
    """The bench group, its thread, idea box with ideas and upcoming events,
    `people` bench people as its members, and a session for each."""
    charter = current_charter_number()
    with transaction.atomic():
        bench_people = _bench_people(people, charter)
        owner = bench_people[0]
        group = Space.objects.filter(name=BENCH_GROUP_NAME).first()
        if group is None:
            group = group_create(
                creator=owner,
                name=BENCH_GROUP_NAME,
                description="Groupe technique du banc d'essai (make bench).",
            )
        existing = set(Membership.objects.filter(space=group).values_list("user_id", flat=True))
        Membership.objects.bulk_create(
            Membership(space=group, user=person)
            for person in bench_people
            if person.pk not in existing
        )
        member_counts_recount(spaces=Space.objects.filter(pk=group.pk))
        thread = Thread.objects.filter(space=group, idea__isnull=True).order_by("pk").first()
        if thread is None:
            thread = thread_create(
                author=owner, space=group, title="Fil du banc d'essai", body="Les réponses du banc."
            )
        box = IdeaBox.objects.filter(space=group).first() or box_open(
            space=group, by=owner, threshold_supports=100_000
        )
        ideas = list(
            Idea.objects.filter(box=box, status__in=SUPPORTABLE).order_by("pk")[:BENCH_IDEAS]
        )
        for n in range(len(ideas), BENCH_IDEAS):
            ideas.append(
                idea_submit(
                    author=owner,
                    box=box,
                    title=f"Idée du banc d'essai n° {n + 1}",
                    description="Une idée pour mesurer les soutiens.",
                )
            )
        soon = timezone.now() + timedelta(days=30)
        events = list(
            Event.objects.filter(space=group, starts_at__gt=timezone.now(), cancelled_at=None)
        )
        for n in range(len(events), BENCH_EVENTS):
            events.append(
                event_create(
                    organiser=owner,
                    space=group,
                    title=f"Réunion du banc d'essai n° {n + 1}",
                    starts_at=soon + timedelta(days=n),
                    ends_at=soon + timedelta(days=n, hours=2),
                    postcode="33000",
                    commune="Bordeaux",
                )
            )
        # Each run starts from no support and no answer by the bench people.
        supports_delete(Support.objects.filter(user__in=bench_people))
        Rsvp.objects.filter(user__in=bench_people).delete()
        Post.objects.filter(thread=thread).exclude(author=owner).delete()
        Thread.objects.filter(pk=thread.pk).update(post_count=1)
    return WriteTargets(
        thread_id=thread.pk,
        idea_ids=[idea.pk for idea in ideas[:BENCH_IDEAS]],
        event_ids=[event.pk for event in events[:BENCH_EVENTS]],
        # The owner wrote the ideas (and may not support them): the others act.
        sessions=[session_for(person) for person in bench_people[1:]],
    )


def _bench_people(count: int, charter: int | None) -> list[User]:
    emails = [f"banc-{n:05d}@{BENCH_DOMAIN}" for n in range(count)]
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    section = Unit.objects.sections().order_by("pk").first()
    now = timezone.now()
    missing = [
        User(
            email=email,
            first_name="Banc",
            last_name=f"d'essai {email.split('@')[0][5:]}",
            handle=email.split("@")[0],
            section=section,
            membership_verified_at=now,
            charter_version_accepted=charter,
            welcomed_at=now,
        )
        for email in emails
        if email not in have
    ]
    for person in missing:
        person.set_unusable_password()
        person.refresh_search_key()  # bulk_create() does not call save()
    User.objects.bulk_create(missing, batch_size=500)
    if section is not None and missing:
        # Written in bulk, past the services that count a section's people.
        section_counts_recount(units=Unit.objects.filter(pk=section.pk))
    people = list(User.objects.filter(email__in=emails).order_by("email"))
    verified = set(EmailAddress.objects.filter(user__in=people).values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=p, email=p.email, verified=True, primary=True)
        for p in people
        if p.pk not in verified
    )
    User.objects.filter(pk__in=[p.pk for p in people]).update(charter_version_accepted=charter)
    return people
