"""Demo ideas: boxes in the national space, the Gironde federation, the
Section de Bordeaux-Centre and the largest group (more than a page of ideas
there, as in a real group's box), ideas in French with their supports,
answers within or past the delay, one idea that climbed from the section to
the national box, a merged duplicate, and overdue ideas so that
"Que sont devenues vos idées ?" shows real figures; the themes ideas carry,
and comments on a few ideas (their threads).

Everything goes through the ideas services with a clock set in the past;
comments, written through the conversations services, are dated afterwards."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from membrane.accounts.models import User
from membrane.conversations.models import Post, Thread
from membrane.ideas.models import Idea, IdeaBox, Status, Theme
from membrane.ideas.services import (
    box_open,
    idea_answer,
    idea_comment,
    idea_forward,
    idea_merge,
    idea_submit,
    support_add,
)
from membrane.moderation.services import ModerationError
from membrane.spaces.models import Membership, Space
from membrane.territory.models import Animator

SECTION = "Section de Bordeaux-Centre"
GROUP = "Pour le droit de vote des étrangers résidents aux élections locales"

# (box, title, description, supports, answers as (days after submission, status, text))
IDEAS: list[tuple[str, str, str, int, list[tuple[int, str, str]]]] = [
    (
        "section",
        "Une permanence mensuelle au marché des Capucins",
        "Un stand le premier samedi du mois pour écouter les habitant·es, pas seulement "
        "distribuer des tracts.",
        9,
        [
            (4, Status.UNDER_STUDY, "On cherche des volontaires pour tenir le stand."),
            (12, Status.RETAINED, "Retenue : première permanence le 6 décembre."),
        ],
    ),
    (
        "section",
        "Des réunions de section le samedi matin",
        "Beaucoup de parents ne peuvent pas venir en semaine à 19 h.",
        7,
        [(9, Status.RETAINED, "Essai sur trois mois, une réunion sur deux le samedi.")],
    ),
    (
        "section",
        "Un covoiturage pour les réunions de fédération",
        "Une liste partagée des trajets depuis Bordeaux vers les réunions à Mérignac.",
        6,
        [],
    ),
    (
        "section",
        "Traduire nos tracts en espagnol et en arabe",
        "Pour toucher tout le quartier, et pas seulement celles et ceux qui lisent le français.",
        3,
        [],
    ),
    (
        "federation",
        "Un budget participatif interne à la fédération",
        "Chaque section propose des projets militants, les adhérent·es votent pour répartir "
        "5 % du budget fédéral.",
        12,
        [(20, Status.UNDER_STUDY, "Le bureau fédéral étudie les montants possibles.")],
    ),
    (
        "federation",
        "Former les nouveaux animateur·rices de section",
        "Une journée de formation par trimestre : animer une réunion, accueillir, modérer.",
        8,
        [
            (6, Status.RETAINED, "Première session en janvier."),
            (40, Status.IMPLEMENTED, "Deux sessions tenues, 23 participant·es."),
        ],
    ),
    (
        "national",
        "Publier chaque trimestre ce que sont devenues les idées",
        "Un rapport national : idées reçues, retenues, refusées et pourquoi.",
        26,
        [(15, Status.RETAINED, "Retenu : le premier rapport paraîtra au printemps.")],
    ),
    (
        "national",
        "Ouvrir les conventions thématiques aux sympathisant·es",
        "Qu'ils et elles puissent y débattre et amender, le vote restant aux adhérent·es.",
        22,
        [],
    ),
    (
        "national",
        "Une application mobile du parti",
        "Pour suivre l'actualité et les événements.",
        21,
        [
            (
                20,
                Status.DECLINED,
                "Décliné : la plateforme fonctionne déjà sur téléphone, nous préférons "
                "l'améliorer.",
            )
        ],
    ),
    (
        "group",
        "Organiser une votation citoyenne dans chaque section volontaire",
        "Une urne sur le marché, une question simple, et beaucoup de discussions autour.",
        14,
        [(10, Status.RETAINED, "Retenue : kit commun disponible en février.")],
    ),
    (
        "group",
        "Un kit d'argumentaire contre les idées reçues",
        "Des réponses courtes et sourcées aux objections les plus fréquentes.",
        9,
        [],
    ),
]


# The largest group's box holds more than a page of ideas (IDEAS_PER_PAGE,
# 30), as a real group's box does: `manage.py bench` measures the public box
# with the most ideas. Oldest first, spread over the demo's 75 days; each is
# (title, description, supports, answers as in IDEAS).
GROUP_IDEAS: list[tuple[str, str, int, list[tuple[int, str, str]]]] = [
    (
        "Écrire aux 28 maires de la métropole",
        "Une lettre commune pour demander à chaque maire de Bordeaux Métropole de dire "
        "publiquement s'il ou elle soutient le droit de vote des résident·es étranger·es.",
        13,
        [
            (
                8,
                Status.RETAINED,
                "Retenue : la lettre part la semaine prochaine, signée par le groupe.",
            ),
            (
                40,
                Status.IMPLEMENTED,
                "Lettre envoyée : 9 maires ont répondu, dont 6 favorables ; leurs réponses "
                "sont sur le fil du groupe.",
            ),
        ],
    ),
    (
        "Une pétition pour réviser la Constitution",
        "L'article 3 réserve le vote aux nationaux : demandons que le Parlement inscrive enfin "
        "une révision à son ordre du jour.",
        11,
        [
            (
                12,
                Status.UNDER_STUDY,
                "À l'étude : le pôle juridique compare les plateformes de pétition de "
                "l'Assemblée et du Sénat.",
            )
        ],
    ),
    (
        "Recueillir des témoignages de voisin·es",
        "Des portraits courts de personnes installées ici depuis vingt ans, qui paient leurs "
        "impôts et siègent au conseil d'école, mais ne votent pas à la mairie.",
        7,
        [],
    ),
    (
        "Un vœu au conseil municipal de Bordeaux",
        "Demander à nos élu·es de déposer un vœu pour le droit de vote des étranger·es non "
        "européen·nes aux élections locales.",
        10,
        [],
    ),
    (
        "Rappeler que les Européen·nes votent déjà",
        "Un visuel simple : une Portugaise arrivée il y a deux ans vote aux municipales, son "
        "voisin marocain installé depuis trente ans, non.",
        7,
        [],
    ),
    (
        "Une carte des pays européens qui l'ont fait",
        "La Belgique, les Pays-Bas, la Suède, le Danemark ou l'Irlande ouvrent le vote local à "
        "tous leurs résident·es, souvent après quelques années de séjour.",
        8,
        [],
    ),
    (
        "Une réunion publique avec des élu·es favorables",
        "Inviter deux ou trois maires et conseiller·es qui soutiennent la réforme à en débattre "
        "avec les habitant·es, un soir de semaine.",
        6,
        [],
    ),
    (
        "Un collectif avec les associations locales",
        "Associations de quartier, ligues de défense des droits, syndicats : beaucoup portent "
        "déjà cette revendication, agissons ensemble plutôt que chacun de notre côté.",
        12,
        [
            (
                9,
                Status.RETAINED,
                "Retenue : une première réunion inter-associative est fixée, le groupe y "
                "enverra deux personnes.",
            )
        ],
    ),
    (
        "S'entraîner à en parler en porte-à-porte",
        "Une soirée de mises en situation pour répondre calmement aux objections qu'on entend "
        "le plus.",
        5,
        [],
    ),
    (
        "Une note juridique de deux pages",
        "Ce que dit la Constitution, ce qu'ont voté l'Assemblée en 2000 et le Sénat en 2011, et "
        "pourquoi le texte n'est jamais allé au bout.",
        9,
        [
            (10, Status.RETAINED, "Retenue : le pôle juridique relit la note avant publication."),
            (30, Status.IMPLEMENTED, "La note est en ligne dans les documents du groupe."),
        ],
    ),
    (
        "Relancer les conseils consultatifs de résident·es",
        "Là où ils existent encore, demandons qu'ils soient au moins consultés sur le budget "
        "de la commune.",
        3,
        [
            (
                20,
                Status.DECLINED,
                "Déclinée : un conseil consultatif donne la parole, pas le vote ; le groupe "
                "garde ses forces pour le droit de vote lui-même.",
            )
        ],
    ),
    (
        "La campagne en portugais, en arabe, en turc et en wolof",
        "Les premières personnes concernées doivent pouvoir lire nos arguments et les faire "
        "circuler autour d'elles.",
        4,
        [],
    ),
    (
        "Questionner les candidat·es aux municipales",
        "Un questionnaire public envoyé à chaque liste de la métropole, avec les réponses "
        "publiées telles quelles.",
        14,
        [
            (
                7,
                Status.UNDER_STUDY,
                "À l'étude : nous attendons le dépôt des listes pour fixer le calendrier.",
            )
        ],
    ),
    (
        "Une exposition « Ici depuis toujours »",
        "Des portraits et quelques phrases, prêtés aux médiathèques et aux centres sociaux qui "
        "veulent bien les accrocher.",
        7,
        [],
    ),
    (
        "Un·e élu·e référent·e par section",
        "Chaque section demande à un·e élu·e local·e de porter la revendication en conseil et "
        "d'en rendre compte au groupe.",
        2,
        [],
    ),
    (
        "Une action le 18 décembre",
        "Pour la Journée internationale des migrants, des stands et des lectures de témoignages "
        "dans toutes les sections volontaires.",
        6,
        [],
    ),
    (
        "Un courrier type aux parlementaires",
        "Une lettre à adapter pour que chacun·e écrive à sa ou son député·e et aux sénateur·rices "
        "de la Gironde.",
        6,
        [],
    ),
    (
        "Une visio avec une constitutionnaliste",
        "Comprendre le chemin d'une révision de la Constitution, des deux assemblées jusqu'au "
        "Congrès ou au référendum.",
        7,
        [],
    ),
    (
        "Tenir la liste des communes qui ont voté un vœu",
        "Un tableau public des conseils municipaux qui se sont prononcés, mis à jour par les "
        "sections.",
        0,
        [],
    ),
    (
        "Une urne symbolique devant les bureaux de vote",
        "Le jour d'une élection partielle, proposer aux résident·es étranger·es de glisser un "
        "bulletin symbolique dans notre urne.",
        4,
        [
            (
                6,
                Status.DECLINED,
                "Déclinée : la propagande est interdite aux abords des bureaux le jour du "
                "scrutin ; l'idée rejoint la votation citoyenne, un autre jour.",
            )
        ],
    ),
    (
        "Inviter des élu·es belges à témoigner",
        "En Belgique, les étranger·es non européen·nes votent aux communales depuis 2006 : "
        "qu'est-ce que cela a changé dans leurs communes ?",
        5,
        [],
    ),
    (
        "Un kit pour les réunions d'appartement",
        "Une courte vidéo, trois questions pour lancer la discussion et une feuille de "
        "contacts, pour en parler chez soi avec ses voisin·es.",
        9,
        [
            (
                10,
                Status.RETAINED,
                "Retenue : la vidéo est au montage, le kit sera en ligne sous quinze jours.",
            )
        ],
    ),
    (
        "Partir de l'exemple des parents d'élèves",
        "Les parents étrangers votent déjà aux élections des conseils d'école et y siègent : "
        "un exemple concret à mettre en avant.",
        6,
        [],
    ),
    (
        "Une tribune d'élu·es de toute la Gironde",
        "Réunir des signatures d'élu·es de communes rurales comme urbaines pour une tribune dans "
        "la presse régionale.",
        8,
        [],
    ),
    (
        "Ils et elles votent déjà au travail",
        "Élections professionnelles, associations, mutuelles : les résident·es étranger·es "
        "votent déjà dans bien des instances, sauf pour leur mairie.",
        3,
        [],
    ),
    (
        "Un « Vrai ou faux ? » pour les stands",
        "Dix questions rapides sur qui vote déjà, et où, pour engager la conversation sur les "
        "marchés.",
        2,
        [],
    ),
    (
        "Suivre les textes déposés au Parlement",
        "Une veille sur les propositions de loi constitutionnelle, avec une alerte au groupe "
        "quand l'une est inscrite à l'ordre du jour.",
        1,
        [],
    ),
    (
        "Une marche pour l'égalité des droits",
        "Une marche festive dans Bordeaux au printemps, avec les associations partenaires et les "
        "familles concernées.",
        5,
        [],
    ),
    (
        "Des porte-parole parmi les premiers concernés",
        "Que celles et ceux qui ne peuvent pas voter prennent la parole dans les médias et en "
        "réunion, accompagné·es par le groupe.",
        2,
        [],
    ),
    (
        "Un podcast de témoignages",
        "Cinq épisodes de dix minutes : des habitant·es racontent leur vie ici et ce que voter "
        "changerait pour elles et eux.",
        0,
        [],
    ),
]


THEMES = [
    "Écologie",
    "Éducation",
    "Santé",
    "Travail",
    "Logement",
    "Transports",
    "Démocratie",
    "Sécurité",
    "Culture",
    "Europe",
    "Services publics",
    "Égalité",
]

# The themes of the ideas above, by title.
THEMES_OF: dict[str, list[str]] = {
    "Une permanence mensuelle au marché des Capucins": ["Démocratie"],
    "Des réunions de section le samedi matin": ["Démocratie", "Égalité"],
    "Un covoiturage pour les réunions de fédération": ["Transports", "Écologie"],
    "Traduire nos tracts en espagnol et en arabe": ["Culture", "Égalité"],
    "Un budget participatif interne à la fédération": ["Démocratie"],
    "Former les nouveaux animateur·rices de section": ["Éducation"],
    "Publier chaque trimestre ce que sont devenues les idées": ["Démocratie"],
    "Ouvrir les conventions thématiques aux sympathisant·es": ["Démocratie"],
    "Organiser une votation citoyenne dans chaque section volontaire": [
        "Démocratie",
        "Égalité",
    ],
    "Un kit d'argumentaire contre les idées reçues": ["Éducation", "Culture"],
    "Des réunions le week-end pour les parents": ["Démocratie", "Égalité"],
    "Écrire aux 28 maires de la métropole": ["Démocratie"],
    "Une pétition pour réviser la Constitution": ["Démocratie"],
    "Recueillir des témoignages de voisin·es": ["Égalité", "Culture"],
    "Rappeler que les Européen·nes votent déjà": ["Europe", "Égalité"],
    "Une carte des pays européens qui l'ont fait": ["Europe"],
    "S'entraîner à en parler en porte-à-porte": ["Éducation"],
    "Une note juridique de deux pages": ["Démocratie", "Éducation"],
    "La campagne en portugais, en arabe, en turc et en wolof": ["Culture", "Égalité"],
    "Une exposition « Ici depuis toujours »": ["Culture"],
    "Inviter des élu·es belges à témoigner": ["Europe"],
    "Partir de l'exemple des parents d'élèves": ["Éducation", "Égalité"],
    "Ils et elles votent déjà au travail": ["Travail"],
}

# Comments on a few ideas, by title, in order; each by another person of the space.
COMMENTS: dict[str, list[str]] = {
    "Une permanence mensuelle au marché des Capucins": [
        "Je peux tenir le stand le premier samedi, de 9 h à 11 h.",
        "Pensons à une petite table pour les enfants : les parents s'arrêtent plus "
        "volontiers quand les petits sont occupés.",
        "Il faudra demander l'autorisation au placier du marché, je m'en occupe cette semaine.",
    ],
    "Des réunions de section le samedi matin": [
        "Enfin ! Avec la garde alternée, le samedi matin est la seule option pour moi.",
        "Attention à ne pas perdre celles et ceux qui travaillent le samedi, dans le commerce "
        "notamment. Alterner me semble la bonne solution.",
    ],
    "Un covoiturage pour les réunions de fédération": [
        "J'ai une voiture cinq places, je pars de la place de la Victoire vers 18 h 15.",
        "Et pourquoi pas le tram jusqu'à Mérignac ? On pourrait noter l'heure du dernier "
        "retour dans la liste.",
    ],
    "Un budget participatif interne à la fédération": [
        "5 %, c'est peu, mais c'est un bon début pour tester la démarche.",
        "Il faudrait que les petites sections rurales ne soient pas désavantagées par leur "
        "nombre d'adhérent·es.",
        "Qui fixera les critères pour qu'un projet soit recevable ?",
    ],
    "Ouvrir les conventions thématiques aux sympathisant·es": [
        "Les sympathisant·es font déjà beaucoup sur le terrain : c'est une reconnaissance méritée.",
        "D'accord, tant que le vote final reste aux adhérent·es.",
    ],
    "Organiser une votation citoyenne dans chaque section volontaire": [
        "On l'a fait à Mérignac l'an dernier : plus de 400 votes en une matinée.",
        "Le kit devrait comprendre un modèle d'affiche et de bulletin, et une urne pliable.",
    ],
    # The largest group's most discussed idea, still below its threshold:
    # more than a page of comments, as a lively box's favourite has.
    "Recueillir des témoignages de voisin·es": [
        "Une famille portugaise installée depuis trente ans dans ma rue est d'accord pour "
        "témoigner.",
        "Attention au consentement : il faut un petit formulaire pour l'usage des prénoms et "
        "des photos.",
        "On pourrait en faire une exposition à la médiathèque du quartier au printemps.",
        "Je peux enregistrer les témoignages en audio, l'association me prête le matériel.",
        "La présidente du club de foot de Bacalan est marocaine, elle entraîne nos enfants "
        "depuis quinze ans : je lui demande.",
        "Pensons aux personnes âgées : beaucoup sont arrivées dans les années soixante et "
        "n'ont jamais voté ici.",
        "Un format court, deux minutes par personne, se partage mieux sur les réseaux.",
        "Il faudrait aussi des témoignages de Français·es qui soutiennent la mesure, pour "
        "montrer que ça concerne tout le monde.",
        "Au conseil d'école de mon fils, deux parents élus ne peuvent pas voter aux "
        "municipales. Ils accepteraient d'en parler.",
        "Qui s'occupe de la relecture ? Il faut éviter qu'un propos soit déformé au montage.",
        "Je traduis volontiers en espagnol et en portugais.",
        "Et en arabe ? Ma voisine pourrait aider, elle est interprète.",
        "On pourrait faire une carte des témoignages par quartier, ça parle aux élu·es.",
        "Les commerçant·es du marché des Capucins sont nombreux à être concernés.",
        "Attention à la sécurité de certaines personnes : proposer l'anonymat quand il le faut.",
        "Je propose une première séance d'enregistrement le samedi 14 au local.",
        "Le local n'est pas accessible en fauteuil : prévoyons la salle de la maison de quartier.",
        "J'ai réservé la maison de quartier de 10 h à 13 h, c'est gratuit pour les associations.",
        "Faut-il un modèle de questions ? Je peux en rédiger une dizaine.",
        "Oui, mais courtes : depuis quand vivez-vous ici, que faites-vous pour la commune, "
        "pourquoi voter changerait les choses.",
        "Un étudiant en journalisme de l'IJBA m'a proposé de filmer bénévolement.",
        "Super. Demandons-lui un montage sous-titré, beaucoup regardent sans le son.",
        "Le journal de quartier serait prêt à publier trois portraits par numéro.",
        "Je connais un couple sénégalais qui tient la boulangerie depuis 2004 : ils sont partants.",
        "Pensons aux jeunes nés ici de parents étrangers, leur regard est précieux aussi.",
        "Et aux Européen·nes qui votent déjà : leur témoignage montre que ça marche.",
        "Il faudrait soutenir l'idée pour qu'elle passe le seuil, on y est presque.",
        "J'ai soutenu, et j'en ai parlé à la réunion de section de Bordeaux-Centre.",
        "La fédération pourrait reprendre les portraits pour la campagne nationale.",
        "Prévoyons une soirée de projection avec les personnes filmées, c'est important "
        "qu'elles se voient.",
        "Je m'occupe du goûter pour la soirée de projection !",
    ],
}


@dataclass
class Summary:
    boxes: int
    ideas: int
    supports: int
    comments: int = 0

    def line(self) -> str:
        return (
            f"Ideas: {self.boxes} boxes, {self.ideas} ideas, {self.supports} supports, "
            f"{self.comments} comments."
        )


def ideas_loaded() -> bool:
    return Idea.objects.filter(title=IDEAS[0][1]).exists()


def load_ideas(*, domain: str, seed: int = 5) -> Summary | None:
    people = list(
        User.objects.filter(email__endswith=f"@{domain}", is_active=True)
        .select_related("section")
        .order_by("pk")
    )
    by_local = {p.email.split("@")[0]: p for p in people}
    staff, animatrice = by_local.get("staff"), by_local.get("animatrice")
    section_space = Space.objects.filter(name=SECTION).first()
    group = Space.objects.filter(name=GROUP).first()
    national = Space.objects.filter(kind=Space.Kind.NATIONAL).first()
    if not (staff and animatrice and section_space and group and national and section_space.unit):
        return None
    federation_id = section_space.unit.parent_id
    federation_space = (
        Space.objects.filter(unit_id=federation_id).first() if federation_id else None
    )
    if federation_space is None or federation_space.unit_id is None:
        return None
    federation_unit_id: int = federation_space.unit_id
    rng = random.Random(seed)
    now = timezone.now()
    start = now - timedelta(days=75)
    federation_animator = (
        Animator.objects.filter(unit_id=federation_unit_id).select_related("user").first()
    )
    answerers = {
        "section": animatrice,
        "federation": federation_animator.user if federation_animator else staff,
        "national": staff,
        "group": staff,
    }
    with transaction.atomic():
        themes = _themes()
        boxes = {
            "section": box_open(
                space=section_space, by=animatrice, threshold_supports=5, answer_delay_days=21
            ),
            "federation": box_open(
                space=federation_space, by=staff, threshold_supports=8, answer_delay_days=30
            ),
            "national": box_open(
                space=national, by=staff, threshold_supports=20, answer_delay_days=45
            ),
            "group": box_open(space=group, by=staff, threshold_supports=8, answer_delay_days=30),
        }
        supports = 0
        for index, (where, title, description, count, answers) in enumerate(IDEAS):
            box = boxes[where]
            voters = _voters(people, box, rng)
            author, backers = voters[0], voters[1 : count + 1]
            submitted = start + timedelta(days=3 * index)
            supports += _idea_with_supports_and_answers(
                box,
                author,
                backers,
                answerers[where],
                title,
                description,
                answers,
                submitted=submitted,
                now=now,
                themes=themes,
            )
        supports += _group_ideas(
            boxes["group"], answerers["group"], people, random.Random(seed + 1), start, now, themes
        )
        _climb_and_merge(boxes, answerers, people, rng, start, now, themes)
        _polls(section_space, group, animatrice, staff, people, rng, now)
        comments = _comments(people, rng, now)
    return Summary(
        boxes=IdeaBox.objects.count(),
        ideas=Idea.objects.count(),
        supports=supports,
        comments=comments,
    )


def _group_ideas(
    box: IdeaBox,
    answerer: User,
    people: list[User],
    rng: random.Random,
    start: datetime,
    now: datetime,
    themes: dict[str, Theme],
) -> int:
    """The ideas of `GROUP_IDEAS` in the group's box, spread over the demo's
    days, each by and supported by members who had joined the group before
    it was submitted; returns the number of supports. Its own `rng`, so the
    rest of the demo stays as it was."""
    joined = dict(box.space.memberships.values_list("user_id", "joined_at"))
    spacing = timedelta(days=72 / len(GROUP_IDEAS))
    supports = 0
    for index, (title, description, count, answers) in enumerate(GROUP_IDEAS):
        submitted = start + spacing * index
        voters = [p for p in _voters(people, box, rng) if joined[p.pk] <= submitted]
        author, backers = voters[0], voters[1 : count + 1]
        supports += _idea_with_supports_and_answers(
            box,
            author,
            backers,
            answerer,
            title,
            description,
            answers,
            submitted=submitted,
            now=now,
            themes=themes,
        )
    return supports


def _idea_with_supports_and_answers(
    box: IdeaBox,
    author: User,
    backers: list[User],
    answerer: User,
    title: str,
    description: str,
    answers: list[tuple[int, str, str]],
    *,
    submitted: datetime,
    now: datetime,
    themes: dict[str, Theme],
) -> int:
    """One idea submitted at `submitted`, its backers' supports a few hours
    apart, its answers on their days; returns the number of supports."""
    idea = idea_submit(
        author=author,
        box=box,
        title=title,
        description=description,
        themes=[themes[name] for name in THEMES_OF.get(title, [])],
        now=submitted,
    )
    for n, backer in enumerate(backers):
        support_add(user=backer, idea=idea, now=_at(submitted, 1 + n * 0.7, now))
    for days, status, text in answers:
        idea_answer(by=answerer, idea=idea, status=status, text=text, now=_at(submitted, days, now))
    return len(backers)


def _themes() -> dict[str, Theme]:
    """The demo's themes, by name (those already there are kept)."""
    return {
        name: Theme.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in THEMES
    }


def _comments(people: list[User], rng: random.Random, now: datetime) -> int:
    """The comments of `COMMENTS`, each by another person who may post in the
    idea's space (never its author), a few days apart after the idea."""
    written = 0
    for title, texts in COMMENTS.items():
        idea = Idea.objects.select_related("box__space__unit").get(title=title)
        authors = [p for p in _voters(people, idea.box, rng) if p.pk != idea.author_id]
        joined = dict(
            Membership.objects.filter(space=idea.box.space).values_list("user_id", "joined_at")
        )
        at = idea.created_at
        for text, author in zip(texts, authors, strict=False):
            try:
                post, _created = idea_comment(author=author, idea=idea, body=text)
            except ModerationError:
                continue  # a person muted by the demo's moderation: someone else speaks
            # A long discussion comes in a burst: its gaps are shorter.
            at = _at(at, (1.5 + rng.random() * 2) * min(1, 6 / len(texts)), now)
            # Never before the commenter joined the platform, or the group
            # (the thread's checks say so).
            came = max(author.date_joined, joined.get(author.pk, author.date_joined))
            at = min(max(at, came + timedelta(hours=1)), now)
            Post.objects.filter(pk=post.pk).update(created_at=at)
            written += 1
        if idea.thread is not None:
            first = Post.objects.filter(thread=idea.thread).order_by("created_at").first()
            Thread.objects.filter(pk=idea.thread.pk).update(
                created_at=first.created_at if first else at, last_activity_at=at
            )
    return written


# (question, options, multiple, days open before now, days left, share of voters)
POLLS = [
    (
        "Quel jour pour la prochaine réunion de section ?",
        ["Mardi soir", "Jeudi soir", "Samedi matin"],
        False,
        6,
        4,
        0.6,
    ),
    (
        "Sur quels thèmes organiser nos ateliers de janvier ?",
        ["Logement", "Transports", "Écoles", "Santé", "Climat"],
        True,
        20,
        -2,
        0.5,
    ),
]


def _polls(
    section: Space,
    group: Space,
    animatrice: User,
    staff: User,
    people: list[User],
    rng: random.Random,
    now: datetime,
) -> None:
    """An open poll in the section (results after voting) and a closed one in
    the largest group, with ballots cast through the service."""
    from membrane.polls.models import Poll
    from membrane.polls.services import ballot_cast, poll_create

    for (question, options, multiple, opened, left, share), (space, creator) in zip(
        POLLS, [(section, animatrice), (group, staff)], strict=True
    ):
        opens_at = now - timedelta(days=opened)
        poll = poll_create(
            creator=creator,
            space=space,
            question=question,
            options=options,
            opens_at=opens_at,
            closes_at=now + timedelta(days=left),
            multiple=multiple,
            results=Poll.Results.AFTER_VOTE if left > 0 else Poll.Results.AFTER_CLOSE,
        )
        option_ids = list(poll.options.values_list("pk", flat=True))
        voters = _voters(people, IdeaBox(space=space), rng)
        for voter in voters[: int(len(voters) * share)]:
            weights = [rng.random() ** 2 for _ in option_ids]
            if multiple:
                chosen = [o for o, w in zip(option_ids, weights, strict=True) if w > 0.3] or [
                    option_ids[0]
                ]
            else:
                chosen = [rng.choices(option_ids, weights=weights)[0]]
            ballot_cast(poll=poll, voter=voter, option_ids=chosen, now=opens_at + timedelta(days=1))


def _at(base: datetime, days: float, now: datetime) -> datetime:
    return min(base + timedelta(days=days), now - timedelta(hours=1))


def _voters(people: list[User], box: IdeaBox, rng: random.Random) -> list[User]:
    space = box.space
    if space.unit is not None and space.kind == Space.Kind.SECTION:
        pool = [p for p in people if p.section_id == space.unit_id]
    elif space.unit is not None and space.kind == Space.Kind.FEDERATION:
        pool = [p for p in people if p.section and p.section.parent_id == space.unit_id]
    elif space.is_group:
        members = set(space.memberships.values_list("user_id", flat=True))
        pool = [p for p in people if p.pk in members]
    else:
        pool = list(people)
    pool = [p for p in pool if not p.is_staff]
    rng.shuffle(pool)
    return pool


def _climb_and_merge(
    boxes: dict[str, IdeaBox],
    answerers: dict[str, User],
    people: list[User],
    rng: random.Random,
    start: datetime,
    now: datetime,
    themes: dict[str, Theme],
) -> None:
    """The section's first idea, retained, climbs to the federation, is
    retained there and reaches the national box; a duplicate is merged."""
    idea = Idea.objects.get(title=IDEAS[0][1])
    idea_forward(by=answerers["section"], idea=idea, now=start + timedelta(days=16))
    idea_answer(
        by=answerers["federation"],
        idea=idea,
        status=Status.RETAINED,
        text="Retenue pour toute la Gironde : chaque section volontaire tiendra sa permanence.",
        now=start + timedelta(days=30),
    )
    idea_forward(by=answerers["federation"], idea=idea, now=start + timedelta(days=33))
    box = boxes["section"]
    twin_author = _voters(people, box, rng)[-1]
    twin = idea_submit(
        author=twin_author,
        box=box,
        title="Des réunions le week-end pour les parents",
        description="Même constat : 19 h en semaine, c'est impossible avec des enfants.",
        themes=[themes[name] for name in THEMES_OF["Des réunions le week-end pour les parents"]],
        now=start + timedelta(days=20),
    )
    original = Idea.objects.get(title=IDEAS[1][1])
    idea_merge(
        by=answerers["section"],
        idea=twin,
        into=original,
        text="Même proposition que « Des réunions de section le samedi matin » : "
        "les soutiens y sont reportés.",
        now=start + timedelta(days=22),
    )
