"""Demo moderation: a few weeks of a tolerant, transparent moderation among
the demo people — reports under the charter's articles, content hidden in
place, a warning, a mute, dismissed reports (disagreement is not a fault),
appeals decided by another moderator (one overturned, one upheld), posts held
by a group's pre-moderation and by the links guard, and reports still waiting
in the demo animatrice's queue.

Everything goes through the moderation services, as on the site; only the
dates are moved back afterwards so the public log reads like real weeks."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from membrane.accounts.models import User
from membrane.conversations.models import Post, Thread
from membrane.conversations.services import post_create, thread_create
from membrane.moderation.models import (
    Action,
    Appeal,
    Decision,
    ModerationState,
    Report,
    SpacePolicy,
)
from membrane.moderation.services import (
    appeal_create,
    appeal_decide,
    charter_articles,
    decide,
    hold_if_guarded,
    report_create,
)
from membrane.spaces.models import Membership, Role, Space

VOTE_GROUP = "Pour le droit de vote des étrangers résidents aux élections locales"
HOUSING_GROUP = "Logement pour toutes et tous"
PRIVATE_GROUP = "Préparer les municipales à Bordeaux"
ANIMATRICE_SECTION = "Section de Bordeaux-Centre"

# Charter articles of the demo charter (load_demo.CHARTER_ARTICLES).
RESPECT, PLURALISM, NO_ATTACKS, NO_HATE, PRIVACY = 1, 2, 3, 4, 5


@dataclass
class Summary:
    decisions: int
    appeals: int
    open_reports: int
    held: int

    def line(self) -> str:
        return (
            f"Moderation: {self.decisions} decisions in the public log, {self.appeals} appeals, "
            f"{self.open_reports} open reports and {self.held} held messages waiting."
        )


def moderation_loaded(domain: str) -> bool:
    return Decision.objects.filter(moderator__email__endswith=f"@{domain}").exists()


def load_moderation(*, domain: str) -> Summary | None:
    """None if the demo groups or people are missing."""
    people = {p.email.split("@")[0]: p for p in User.objects.filter(email__endswith=f"@{domain}")}
    spaces = {s.name: s for s in Space.objects.filter(name__in=_SPACE_NAMES)}
    if "staff" not in people or "animatrice" not in people or len(spaces) < len(_SPACE_NAMES):
        return None
    if not charter_articles():
        return None
    with transaction.atomic():
        _Scenes(people=people, spaces=spaces).play()
    return Summary(
        decisions=Decision.objects.count(),
        appeals=Appeal.objects.count(),
        open_reports=Report.objects.filter(status=Report.Status.OPEN).count(),
        held=Post.objects.filter(moderation_state=ModerationState.HELD).count(),
    )


_SPACE_NAMES = (VOTE_GROUP, HOUSING_GROUP, PRIVATE_GROUP, ANIMATRICE_SECTION)


class _Scenes:
    def __init__(self, *, people: dict[str, User], spaces: dict[str, Space]) -> None:
        self.staff = people["staff"]
        self.animatrice = people["animatrice"]
        self.spaces = spaces
        self.now = timezone.now()
        self.articles = sorted(charter_articles())
        self.threads: set[int] = set()

    def art(self, number: int) -> int:
        """The demo charter's article, or one of the instance's own charter
        when it was written before the demo was loaded."""
        return (
            number if number in self.articles else self.articles[(number - 1) % len(self.articles)]
        )

    # The people of a space, moderators first, then the others (by id).
    def _moderators(self, space: Space) -> list[User]:
        if not space.is_group:
            return [self.animatrice]
        return [
            m.user
            for m in Membership.objects.filter(space=space, role__gte=Role.MODERATOR)
            .select_related("user")
            .order_by("-role", "pk")
        ]

    def _members(self, space: Space, exclude: set[int]) -> list[User]:
        if space.is_group:
            people = User.objects.filter(space_memberships__space=space)
        else:
            people = User.objects.filter(section=space.unit)
        return list(
            people.filter(is_active=True, erased_at=None)
            .exclude(pk__in=exclude)
            .exclude(is_staff=True)
            .order_by("pk")[:12]
        )

    def _thread(self, space: Space) -> Thread:
        thread = Thread.objects.filter(space=space, locked=False).order_by("-post_count").first()
        if thread is None:
            author = self._members(space, set())[0]
            thread = thread_create(
                author=author, space=space, title="Discussion libre", body="Parlons-en ici."
            )
        return thread

    def _post(self, author: User, space: Space, body: str) -> Post:
        post = post_create(author=author, thread=self._thread(space), body=body)
        self.threads.add(post.thread_id)
        return post

    def _age(self, days: float, *rows: Any) -> None:
        when = self.now - timedelta(days=days)
        for row in rows:
            type(row).objects.filter(pk=row.pk).update(created_at=when)

    def play(self) -> None:
        self._attack_hidden_then_restored_on_appeal()
        self._criticism_is_not_a_fault()
        self._phone_number_hidden()
        self._warning_upheld_on_appeal()
        self._mute_after_repeated_attacks()
        self._reports_waiting_in_the_queue()
        self._held_messages()
        self._profile_and_group_for_staff()
        # Posts were moved back in time: their threads' last activity follows.
        for thread in Thread.objects.filter(pk__in=self.threads):
            latest = (
                thread.posts.exclude(moderation_state=ModerationState.HELD)
                .order_by("-created_at")
                .values_list("created_at", flat=True)
            )
            Thread.objects.filter(pk=thread.pk).update(last_activity_at=latest[0])

    def _attack_hidden_then_restored_on_appeal(self) -> None:
        space = self.spaces[VOTE_GROUP]
        moderator, *_ = self._moderators(space)
        author, first, second, *_ = self._members(space, {moderator.pk})
        post = self._post(
            author,
            space,
            "Franchement, il faut être sacrément naïf pour croire qu'une pétition va changer "
            "quoi que ce soit. Certains ici ne font que brasser de l'air.",
        )
        r1 = report_create(
            reporter=first,
            content=post,
            article=self.art(NO_ATTACKS),
            comment="« Certains ici » : c'est nous qui sommes visés.",
        )
        r2 = report_create(reporter=second, content=post, article=self.art(RESPECT))
        hidden = decide(
            moderator=moderator,
            content=post,
            action=Action.HIDE,
            article=self.art(NO_ATTACKS),
            reason="Le message vise des membres du groupe plutôt que leurs arguments.",
        )
        appeal = appeal_create(
            author=author,
            decision=hidden,
            text="Je visais la méthode, pas les personnes. Je maintiens qu'une pétition seule "
            "ne suffit pas, et je veux bien retirer « brasser de l'air ».",
        )
        appeal_decide(
            moderator=self.staff,
            appeal=appeal,
            overturn=True,
            answer="La critique porte sur la méthode ; le ton est vif mais reste dans le débat.",
        )
        self._age(12, post, r1, r2, hidden)
        self._age(11, appeal, *Decision.objects.filter(revisits=hidden))

    def _criticism_is_not_a_fault(self) -> None:
        space = self.spaces[VOTE_GROUP]
        moderator, *_ = self._moderators(space)
        author, *_rest, reporter = self._members(space, {moderator.pk})
        post = self._post(
            author,
            space,
            "Je le dis sans détour : la direction nationale a enterré ce combat en 2013. "
            "Tant qu'elle n'aura pas reconnu cette erreur, nos tracts ne convaincront personne.",
        )
        report = report_create(
            reporter=reporter,
            content=post,
            article=self.art(RESPECT),
            comment="On ne peut pas laisser dire ça de la direction.",
        )
        dismissed = decide(
            moderator=moderator,
            content=post,
            action=Action.DISMISS,
            article=self.art(PLURALISM),
            reason="Critiquer la direction du parti est légitime : le désaccord a sa place ici.",
        )
        self._age(9, post, report, dismissed)

    def _phone_number_hidden(self) -> None:
        space = self.spaces[ANIMATRICE_SECTION]
        author, reporter, *_ = self._members(space, {self.animatrice.pk})
        post = self._post(
            author,
            space,
            "Pour le collage de samedi, appelez directement Gérard, son portable c'est le "
            "06 12 34 56 78, il habite au 14 rue des Faures.",
        )
        report = report_create(reporter=reporter, content=post, article=self.art(PRIVACY))
        hidden = decide(
            moderator=self.animatrice,
            content=post,
            action=Action.HIDE,
            article=self.art(PRIVACY),
            reason="Numéro de téléphone et adresse d'un tiers publiés sans son accord.",
        )
        self._age(6, post, report, hidden)

    def _warning_upheld_on_appeal(self) -> None:
        space = self.spaces[HOUSING_GROUP]
        moderators = self._moderators(space)
        author, reporter, *_ = self._members(space, {m.pk for m in moderators})
        post = self._post(
            author,
            space,
            "Encore un « plan logement » écrit par des gens qui n'ont jamais payé un loyer. "
            "Pathétique.",
        )
        report = report_create(reporter=reporter, content=post, article=self.art(RESPECT))
        warned = decide(
            moderator=self.animatrice,
            content=post,
            action=Action.WARN,
            article=self.art(RESPECT),
            reason="Rappel : on débat des propositions ; « pathétique » n'ajoute rien au fond.",
        )
        appeal = appeal_create(
            author=author,
            decision=warned,
            text="C'est de la colère, pas une insulte : les loyers ont pris 30 % en cinq ans.",
        )
        appeal_decide(
            moderator=self.staff,
            appeal=appeal,
            overturn=False,
            answer="La colère est légitime ; le mot visait des personnes. L'avertissement "
            "est maintenu, le message reste visible.",
        )
        self._age(5, post, report, warned)
        self._age(4, appeal)

    def _mute_after_repeated_attacks(self) -> None:
        space = self.spaces[HOUSING_GROUP]
        moderators = self._moderators(space)
        people = self._members(space, {m.pk for m in moderators})
        author, reporter = people[2], people[3]
        post = self._post(
            author,
            space,
            "Vous êtes vraiment des bisounours. Avec des militants comme vous, pas besoin "
            "d'adversaires.",
        )
        report = report_create(reporter=reporter, content=post, article=self.art(NO_ATTACKS))
        hidden = decide(
            moderator=self.animatrice,
            content=post,
            action=Action.HIDE,
            article=self.art(NO_ATTACKS),
            reason="Troisième message moqueur envers les membres du groupe cette semaine.",
        )
        muted = decide(
            moderator=self.animatrice,
            content=post,
            action=Action.MUTE,
            article=self.art(NO_ATTACKS),
            reason="Pause de trois jours dans ce groupe pour laisser retomber la tension.",
            mute_days=3,
        )
        self._age(2, post, report, hidden, muted)

    def _reports_waiting_in_the_queue(self) -> None:
        housing = self.spaces[HOUSING_GROUP]
        moderators = self._moderators(housing)
        author, *reporters = self._members(housing, {m.pk for m in moderators})[4:8]
        post = self._post(
            author,
            housing,
            "Les propriétaires bailleurs sont tous des rapaces, qu'on arrête de les ménager.",
        )
        for reporter, article in zip(reporters, (RESPECT, NO_HATE, RESPECT), strict=False):
            self._age(1, report_create(reporter=reporter, content=post, article=self.art(article)))
        section = self.spaces[ANIMATRICE_SECTION]
        author, reporter, *_ = self._members(section, {self.animatrice.pk})[2:]
        post = self._post(
            author,
            section,
            "Si c'est pour refaire la même réunion que la dernière fois, je ne viendrai pas.",
        )
        report_create(
            reporter=reporter,
            content=post,
            article=self.art(RESPECT),
            comment="Pas très encourageant pour celles et ceux qui organisent.",
        )

    def _held_messages(self) -> None:
        private = self.spaces[PRIVATE_GROUP]
        SpacePolicy.objects.update_or_create(space=private, defaults={"premoderation": True})
        moderators = self._moderators(private)
        author, *_ = self._members(private, {m.pk for m in moderators} | {self.animatrice.pk})
        self._held(
            author,
            private,
            "Je propose qu'on publie dès maintenant la liste complète de nos candidat·es, "
            "avant même le vote des adhérent·es.",
        )
        vote = self.spaces[VOTE_GROUP]
        spammer = self._members(vote, {m.pk for m in self._moderators(vote)})[-1]
        self._held(
            spammer,
            vote,
            "Toutes les infos ici : https://exemple.fr/a https://exemple.fr/b "
            "https://exemple.fr/c https://exemple.fr/d https://exemple.fr/e",
        )

    def _held(self, author: User, space: Space, body: str) -> None:
        post = self._post(author, space, body)
        post.refresh_from_db()
        if post.moderation_state == ModerationState.VISIBLE:
            hold_if_guarded(content=post, author=author, space=space, body=body)

    def _profile_and_group_for_staff(self) -> None:
        vote = self.spaces[VOTE_GROUP]
        people = self._members(vote, set())
        person, reporter = people[5], people[6]
        person.bio = "Consultant en défiscalisation : contactez-moi pour réduire vos impôts !"
        person.save(update_fields=["bio"])
        report = report_create(
            reporter=reporter,
            content=person,
            article=self.art(RESPECT),
            comment="Profil utilisé pour de la publicité.",
        )
        hidden = decide(
            moderator=self.staff,
            content=person,
            action=Action.HIDE,
            article=self.art(RESPECT),
            reason="Profil utilisé pour de la publicité commerciale.",
        )
        group = self.spaces[HOUSING_GROUP]
        group_report = report_create(
            reporter=people[7],
            content=group,
            article=self.art(PLURALISM),
            comment="Ce groupe ne donne la parole qu'à un seul camp.",
        )
        dismissed = decide(
            moderator=self.staff,
            content=group,
            action=Action.DISMISS,
            article=self.art(PLURALISM),
            reason="Un groupe thématique peut défendre une position ; chacun·e peut en créer "
            "un autre.",
        )
        self._age(8, report, hidden)
        self._age(3, group_report, dismissed)
