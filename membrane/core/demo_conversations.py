"""The conversations part of the demo (issue 3): ~40 thematic groups, threads
and replies in French in the groups and in the territorial spaces, reactions,
mentions, quotes, edits, deletions, read markers, follows and a few
notifications for the demo logins.

Activity is heavy-tailed, as in real communities: group sizes follow a
Zipf-like law, a few very active people write most posts and most members
never write. In the largest group two people write about two thirds of the
posts, as in La Coopol's largest group (2 of 2,357 members wrote 215 of its 337
posts: Theviot & Treille, 2018).

Everything is planned in memory with a seeded random generator, then
bulk-inserted; the rows are rendered (`render_post_body`) and normalised
(`normalize_for_search`) exactly as the services do. Groups are created with
the `group_create` service. No notification is sent (only a handful of
`Notification` rows for the demo logins).
"""

import math
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from membrane.accounts.models import Follow, User
from membrane.conversations.models import (
    Mention,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    Thread,
)
from membrane.conversations.services import render_post_body
from membrane.core.markdown import mentions_in
from membrane.core.text import normalize_for_search
from membrane.notifications.models import Kind, Notification
from membrane.spaces.models import Invitation, JoinRequest, Membership, Role, Space
from membrane.spaces.services import group_create
from membrane.territory.models import Animator, Unit

PUBLIC = Space.Visibility.PUBLIC
PRIVATE = Space.Visibility.PRIVATE
OPEN = Space.Joining.OPEN
REQUEST = Space.Joining.REQUEST
INVITATION = Space.Joining.INVITATION

# ---------------------------------------------------------------------------
# Groups, from the most populated to the least.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    name: str
    description: str
    theme: str
    visibility: str = PUBLIC
    joining: str = OPEN
    # Only people of this federation (INSEE code) are drawn as members.
    federation: str = ""


GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec(
        "Pour le droit de vote des étrangers résidents aux élections locales",
        "Ils vivent ici, travaillent ici, paient leurs impôts ici : ils doivent pouvoir "
        "choisir leur maire. Arguments, témoignages, histoire du combat et actions "
        "(votations citoyennes, tracts, débats publics).",
        "vote_etrangers",
    ),
    GroupSpec(
        "Défendons les services publics",
        "Écoles, hôpitaux, trésoreries, gares, bureaux de poste : recensons les fermetures, "
        "partageons nos mobilisations et écrivons ensemble nos propositions pour un service "
        "public de proximité partout.",
        "services_publics",
    ),
    GroupSpec(
        "Écologie populaire",
        "Fin du monde et fin du mois, même combat : une écologie qui commence par celles et "
        "ceux qui subissent le plus la pollution, la chaleur et la précarité énergétique.",
        "ecologie",
    ),
    GroupSpec(
        "Santé : l'hôpital public",
        "Urgences, déserts médicaux, psychiatrie, centres de santé : soignant·es, patient·es et "
        "élu·es échangent constats et propositions.",
        "sante",
    ),
    GroupSpec(
        "Éducation et école publique",
        "Effectifs, remplacements, mixité sociale, métier d'enseignant·e : pour une école "
        "publique qui tienne sa promesse d'égalité.",
        "education",
    ),
    GroupSpec(
        "Jeunes socialistes et sympathisants",
        "Le groupe des moins de 30 ans, avec ou sans carte : débats, formation, actions sur "
        "les campus et dans les quartiers.",
        "jeunesse",
    ),
    GroupSpec(
        "Retraites",
        "Âge de départ, pénibilité, carrières longues et hachées, financement : suivre le "
        "dossier et préparer nos propositions.",
        "retraites",
    ),
    GroupSpec(
        "Logement pour toutes et tous",
        "Encadrement des loyers, logement social, meublés de tourisme, logement étudiant. "
        "Groupe animé depuis la section de Bordeaux-Centre, ouvert à toutes et tous sur "
        "demande : dites-nous en deux mots ce qui vous amène.",
        "logement",
        joining=REQUEST,
    ),
    GroupSpec(
        "La Poste, un service public de proximité",
        "Bureaux transformés en agences communales, horaires réduits, tournées réorganisées : "
        "usager·es, postier·es et élu·es se mobilisent pour la présence postale.",
        "poste",
    ),
    GroupSpec(
        "Féminisme et égalité",
        "Égalité salariale, lutte contre les violences, familles monoparentales, parité : "
        "un groupe mixte pour faire avancer l'égalité réelle.",
        "egalite",
    ),
    GroupSpec(
        "Europe sociale",
        "Salaire minimum européen, travailleurs des plateformes, droits sociaux : l'Europe qui "
        "protège, et comment en parler autour de nous.",
        "europe",
    ),
    GroupSpec(
        "Laïcité",
        "La loi de 1905, l'école, les services publics : un débat qui divise parfois, mené ici "
        "dans le respect de la charte. Admission sur demande.",
        "laicite",
        joining=REQUEST,
    ),
    GroupSpec(
        "Transports du quotidien",
        "TER supprimés, bus trop rares, gratuité, vélo, covoiturage : se déplacer sans se "
        "ruiner, partout et pour toutes et tous.",
        "transports",
    ),
    GroupSpec(
        "Ruralité et territoires",
        "Villages, bourgs et petites villes : services publics, commerces, mobilité et "
        "ingénierie pour les communes rurales.",
        "territoires",
    ),
    GroupSpec(
        "Industrie et emploi",
        "Réindustrialisation, fermetures d'usines, reprises en coopérative, formation "
        "professionnelle : l'emploi industriel dans nos territoires.",
        "industrie",
    ),
    GroupSpec(
        "Pour une fiscalité juste",
        "Impôt plancher sur les très grandes fortunes, niches fiscales, fiscalité locale : qui "
        "paie quoi, et comment rendre l'impôt plus juste.",
        "economie",
    ),
    GroupSpec(
        "Numérique et libertés",
        "Logiciels libres, données personnelles, vidéosurveillance algorithmique, inclusion "
        "numérique : un numérique au service des libertés.",
        "numerique",
    ),
    GroupSpec(
        "Quartiers populaires",
        "Rénovation urbaine, associations, emploi, représentation : les quartiers populaires "
        "ne sont pas des déserts politiques.",
        "quartiers",
    ),
    GroupSpec(
        "Culture pour tous",
        "Bibliothèques, pass Culture, festivals, pratiques amateurs : la culture partout, pour "
        "tout le monde, toute l'année.",
        "culture",
    ),
    GroupSpec(
        "Agriculture paysanne",
        "Installation des jeunes, foncier, prix planchers, cantines bio et locales : une "
        "agriculture qui fait vivre celles et ceux qui nous nourrissent.",
        "agriculture",
    ),
    GroupSpec(
        "Préparer les municipales à Bordeaux",
        "Groupe de travail des sections bordelaises pour le diagnostic et le programme "
        "municipal. Sur invitation des animateur·rices de section.",
        "municipales",
        visibility=PRIVATE,
        joining=INVITATION,
        federation="33",
    ),
    GroupSpec(
        "Handicap et inclusion",
        "Accessibilité, AESH, emploi, transports : vingt ans après la loi de 2005, faire enfin "
        "respecter les droits des personnes handicapées.",
        "handicap",
    ),
    GroupSpec(
        "Transition énergétique : sortir des énergies fossiles",
        "Rénovation, renouvelables, sobriété, emplois de la transition : comment sortir des "
        "fossiles sans laisser personne sur le carreau.",
        "ecologie",
    ),
    GroupSpec(
        "Syndicalistes socialistes",
        "Un espace d'échange entre militant·es syndicaux, toutes confédérations confondues. "
        "Groupe privé, admission sur demande.",
        "industrie",
        visibility=PRIVATE,
        joining=REQUEST,
    ),
    GroupSpec(
        "Migrations : accueillir dignement",
        "Accueil des personnes exilées, villes accueillantes, accès aux droits : partager les "
        "expériences locales. Admission sur demande.",
        "migrations",
        joining=REQUEST,
    ),
    GroupSpec(
        "Démocratie locale et budgets participatifs",
        "Budgets participatifs, comités de quartier, tirage au sort, comptes rendus de mandat : "
        "faire vivre la démocratie entre deux élections.",
        "democratie",
    ),
    GroupSpec(
        "Soignantes et soignants",
        "Entre professionnel·les de santé : conditions de travail, témoignages, propositions. "
        "Groupe privé, admission sur demande.",
        "sante",
        visibility=PRIVATE,
        joining=REQUEST,
    ),
    GroupSpec(
        "Lutte contre le racisme et les discriminations",
        "Testing, discriminations à l'embauche et au logement, éducation : agir contre toutes "
        "les discriminations.",
        "egalite",
    ),
    GroupSpec(
        "Élu·es locaux : partage d'expériences",
        "Entre élu·es municipaux, départementaux et régionaux : retours d'expérience, "
        "délibérations types, comptes rendus de mandat. Sur invitation.",
        "democratie",
        visibility=PRIVATE,
        joining=INVITATION,
    ),
    GroupSpec(
        "Économie sociale et solidaire",
        "Coopératives, associations, mutuelles, SCOP : une autre façon d'entreprendre, non "
        "délocalisable.",
        "economie",
    ),
    GroupSpec(
        "Programme 2027 : groupe de travail",
        "Méthode, calendrier et synthèse des contributions des groupes thématiques pour le "
        "projet. Groupe privé, admission sur demande.",
        "democratie",
        visibility=PRIVATE,
        joining=REQUEST,
    ),
    GroupSpec(
        "Sport pour toutes et tous",
        "Clubs amateurs, bénévoles, équipements, sport féminin et sport-santé.",
        "sport",
    ),
    GroupSpec(
        "Justice et prisons",
        "Surpopulation carcérale, peines alternatives, moyens de la justice. Admission sur "
        "demande.",
        "justice",
        joining=REQUEST,
    ),
    GroupSpec(
        "Solidarité internationale",
        "Jumelages, campagnes, aide au développement : l'internationalisme, concrètement.",
        "international",
    ),
    GroupSpec(
        "Enseignement supérieur et recherche",
        "Précarité des jeunes chercheur·es, financement des universités, vie étudiante. Groupe "
        "privé, admission sur demande.",
        "education",
        visibility=PRIVATE,
        joining=REQUEST,
    ),
    GroupSpec(
        "Comité de rédaction de la lettre fédérale",
        "Préparation de la lettre mensuelle de la fédération de Gironde : sommaire, relectures, "
        "photos. Sur invitation.",
        "redaction",
        visibility=PRIVATE,
        joining=INVITATION,
        federation="33",
    ),
    GroupSpec(
        "Mer et littoral",
        "Érosion du trait de côte, pêche, tourisme et logement sur le littoral.",
        "mer",
    ),
    GroupSpec(
        "Grand âge et autonomie",
        "EHPAD, aide à domicile, aidant·es : bien vieillir chez soi ou en établissement.",
        "grand_age",
    ),
    GroupSpec(
        "LGBTI+ : l'égalité des droits",
        "Lutte contre les LGBTIphobies, à l'école, au travail et dans l'espace public.",
        "lgbti",
    ),
    GroupSpec(
        "Formation des nouveaux militants",
        "Prise de parole, tractage, porte-à-porte, fonctionnement du parti : les bases pour "
        "les nouvelles et nouveaux venus. Admission sur demande.",
        "formation",
        visibility=PRIVATE,
        joining=REQUEST,
    ),
)

# Target number of members of each group above: a Zipf-like law (size ∝ rank^-0.9),
# a few groups with more than 100 members and many with 5 to 20.
GROUP_SIZES: tuple[int, ...] = (
    210, 138, 104, 76, 61, 50, 43, 38, 34, 30, 27, 25, 23, 21, 20, 19, 18, 17, 16, 15,
    14, 13, 12, 12, 11, 10, 10, 9, 9, 8, 8, 7, 7, 6, 6, 6, 5, 5, 5, 5,
)  # fmt: skip

# Share of the posts of the largest group written by its two most prolific
# members (La Coopol: 158 and 57 of 337 posts).
CHAMPION_SHARES = (0.47, 0.17)

# The biggest groups open with a pinned welcome thread.
PINNED_WELCOME_RANKS = 6

# The demo logins' groups: (local part of the email, group name, role).
PERSONA_GROUPS: tuple[tuple[str, str, int], ...] = (
    ("staff", "Défendons les services publics", Role.MEMBER),
    ("staff", "Numérique et libertés", Role.MODERATOR),
    ("staff", "Comité de rédaction de la lettre fédérale", Role.MEMBER),
    ("animatrice", "Logement pour toutes et tous", Role.ANIMATOR),
    ("animatrice", "Pour le droit de vote des étrangers résidents aux élections locales", Role.MEMBER),
    ("animatrice", "Défendons les services publics", Role.MEMBER),
    ("animatrice", "Féminisme et égalité", Role.MEMBER),
    ("animatrice", "Préparer les municipales à Bordeaux", Role.MODERATOR),
    ("adherent", "Pour le droit de vote des étrangers résidents aux élections locales", Role.MEMBER),
    ("adherent", "Éducation et école publique", Role.MEMBER),
    ("adherent", "Europe sociale", Role.MEMBER),
    ("adherent", "Industrie et emploi", Role.MEMBER),
    ("adherent", "Logement pour toutes et tous", Role.MEMBER),
    ("sympathisant", "Écologie populaire", Role.MEMBER),
    ("sympathisant", "Transports du quotidien", Role.MEMBER),
    ("sympathisant", "Culture pour tous", Role.MEMBER),
    ("sympathisant", "Jeunes socialistes et sympathisants", Role.MEMBER),
    ("a-verifier", "Quartiers populaires", Role.MEMBER),
    ("a-verifier", "Industrie et emploi", Role.MEMBER),
)  # fmt: skip
PERSONA_LOCALS = ("staff", "animatrice", "adherent", "sympathisant", "a-verifier")
ANIMATRICE_GROUP = "Logement pour toutes et tous"
INVITED_GROUP = "Préparer les municipales à Bordeaux"

# ---------------------------------------------------------------------------
# Threads: (title, opening post). Theme threads go to the groups of their
# theme, biggest groups first; `{group}`, `{commune}` and `{place}` are
# replaced by the group's name, the section's commune, the space's name.
# ---------------------------------------------------------------------------

ThreadText = tuple[str, str]

THEME_THREADS: dict[str, tuple[ThreadText, ...]] = {
    "vote_etrangers": (
        (
            "Pourquoi ce droit de vote est une question d'égalité",
            "Ils et elles vivent ici depuis des années, paient leurs impôts, scolarisent leurs "
            "enfants dans nos écoles, s'engagent dans les associations de parents d'élèves… et "
            "n'ont pas leur mot à dire sur la vie de leur commune.\n\n"
            "Les citoyen·nes de l'Union européenne votent aux municipales depuis 2001. "
            "**Pourquoi une Marocaine installée à Bordeaux depuis vingt ans ne le pourrait-elle "
            "pas, quand un Allemand arrivé l'an dernier le peut ?**\n\n"
            "Je propose qu'on rassemble ici nos meilleurs arguments, pour les réunions publiques "
            "comme pour les repas de famille.",
        ),
        (
            "Ce que font nos voisins européens",
            "Plusieurs pays de l'Union ouvrent déjà le vote local aux résident·es étranger·es "
            "non européen·nes, parfois depuis des décennies :\n\n"
            "- la **Suède** depuis 1976 ;\n"
            "- le **Danemark** depuis 1981 ;\n"
            "- les **Pays-Bas** depuis 1985 ;\n"
            "- la **Belgique** et le **Luxembourg** depuis le début des années 2000.\n\n"
            "Aucun de ces pays n'est revenu en arrière. Quelqu'un a-t-il des études sérieuses "
            "sur les effets (participation, intégration) ? Je commence une bibliographie.",
        ),
        (
            "La révision constitutionnelle : par le Congrès ou par référendum ?",
            "Ouvrir le vote local aux étranger·es suppose de réviser la Constitution, comme on "
            "l'a fait en 1992 pour les citoyen·nes européen·nes (article 88-3). Deux voies :\n\n"
            "1. le **Congrès**, qui exige les trois cinquièmes des suffrages des "
            "parlementaires ;\n"
            "2. le **référendum**.\n\n"
            "Le référendum est plus légitime mais plus risqué ; le Congrès est plus sûr, à "
            "condition de trouver une majorité qualifiée qu'on n'a jamais eue. Vous choisiriez "
            "quoi ?",
        ),
        (
            "Une votation citoyenne dans nos communes ?",
            "Plusieurs collectifs ont organisé des *votations citoyennes* : une urne sur le "
            "marché, une question simple (« Êtes-vous pour le droit de vote des résident·es "
            "étranger·es aux élections locales ? ») et beaucoup de discussions autour.\n\n"
            "Je propose qu'on en organise une dans chaque section volontaire au printemps. Il "
            "faudrait :\n\n"
            "1. une date commune ;\n"
            "2. un kit (affiche, tract, bulletins) ;\n"
            "3. une personne référente par section.\n\n"
            "Qui est partant·e ?",
        ),
        (
            "Répondre à l'argument « ils n'ont qu'à demander la nationalité »",
            "C'est l'objection qu'on entend le plus souvent en porte-à-porte. Ma réponse "
            "habituelle : la naturalisation est longue, coûteuse, parfois impossible (certains "
            "pays interdisent la double nationalité), et surtout **la citoyenneté de résidence "
            "existe déjà** pour les Européen·nes. On ne demande pas à un Espagnol de devenir "
            "français pour voter à Lyon.\n\n"
            "Et vous, comment y répondez-vous ? Partageons les formulations qui marchent.",
        ),
        (
            "Témoignages : « j'habite ici, je ne vote pas »",
            "Je lance ce fil pour recueillir des témoignages (anonymes si vous préférez) de "
            "résident·es étranger·es engagé·es dans leur commune : parents d'élèves, bénévoles, "
            "commerçant·es… Les chiffres ne convainquent pas toujours ; les visages, si.",
        ),
        (
            "Le Sénat l'avait voté en 2011 : que s'est-il passé ensuite ?",
            "Petit rappel pour les nouvelles et les nouveaux : la mesure figurait déjà parmi "
            "les *110 propositions* de 1981. En décembre 2011, le Sénat a adopté une proposition "
            "de loi constitutionnelle… qui n'a jamais été soumise au Congrès.\n\n"
            "Qu'est-ce qui a coincé, selon vous ? Et qu'en tirer pour la prochaine fois ?",
        ),
        (
            "Kit militant : tract et argumentaire à relire",
            "Voici un premier jet de tract, recto seul. Relisez, critiquez, amendez !\n\n"
            "> **Ils vivent ici, ils votent ici.**\n"
            "> Dans notre commune, des milliers de résident·es étranger·es font vivre les "
            "écoles, les clubs et les associations sans pouvoir choisir leur maire.\n\n"
            "Le texte complet est sur le pad de la section. J'aimerais une version finale pour "
            "la fin du mois.",
        ),
    ),
    "services_publics": (
        (
            "Fermeture de la trésorerie : que faire ?",
            "Dans mon canton, la trésorerie ferme à la fin de l'année, remplacée par un « point "
            "de contact » dans une maison France Services ouverte deux demi-journées par "
            "semaine. Les personnes âgées vont devoir faire 30 km ou passer par internet.\n\n"
            "Quelqu'un a déjà mené une mobilisation contre ce type de fermeture ? Pétition, vœu "
            "au conseil municipal, rassemblement : qu'est-ce qui a marché ?",
        ),
        (
            "Une charte des services publics de proximité",
            "« Le service public est le patrimoine de ceux qui n'en ont pas. » La formule est "
            "connue, elle reste juste.\n\n"
            "Je propose qu'on écrive ensemble une charte : un temps d'accès maximal à une école, "
            "une maternité, un bureau de poste, des urgences. **Des engagements chiffrés, pas "
            "des slogans.** Vos propositions ?",
        ),
        (
            "Dématérialisation : qui reste au bord du chemin ?",
            "Carte grise, RSA, retraite, impôts : tout passe par internet. Le Défenseur des "
            "droits alerte depuis des années sur les personnes que la dématérialisation éloigne "
            "de leurs droits.\n\n"
            "Garantir un accueil humain dans chaque service public, c'est une proposition qu'on "
            "porte ? Ses rapports sont sur [defenseurdesdroits.fr](https://www.defenseurdesdroits.fr/).",
        ),
        (
            "Les agents publics ne sont pas une variable d'ajustement",
            "À chaque plan d'économies, on supprime des postes et on s'étonne ensuite que les "
            "files d'attente s'allongent. Je voudrais qu'on travaille sur des propositions "
            "concrètes : recrutements, salaires, fin des contrats précaires à répétition.",
        ),
    ),
    "poste": (
        (
            "Notre bureau de poste passe en « agence postale communale »",
            "La direction régionale annonce la transformation du bureau en agence postale "
            "communale, tenue par un agent de la mairie, avec des horaires réduits. La loi "
            "impose 17 000 points de contact sur le territoire, mais un point de contact n'est "
            "pas un bureau de plein exercice.\n\n"
            "Comment vous êtes-vous organisé·es dans vos communes ?",
        ),
        (
            "Tournées de facteurs : le lien social en danger",
            "Dans nos campagnes, le facteur est souvent la seule visite de la journée pour des "
            "personnes âgées isolées. Les réorganisations de tournées à répétition cassent ce "
            "lien.\n\n"
            "Idée : recueillir des témoignages de facteurs et factrices (avec leur accord) et "
            "interpeller la direction régionale. Qui connaît des postier·es prêt·es à "
            "témoigner ?",
        ),
    ),
    "ecologie": (
        (
            "L'écologie populaire, concrètement, c'est quoi ?",
            "On oppose trop souvent « fin du monde » et « fin du mois ». Les premières victimes "
            "de la pollution et de la chaleur sont pourtant les classes populaires : logements "
            "mal isolés, quartiers sans arbres, voiture obligatoire faute de transports.\n\n"
            "Quelques pistes pour ouvrir le débat :\n\n"
            "- rénovation thermique **sans reste à charge** pour les ménages modestes ;\n"
            "- cantines bio et locales sans surcoût pour les familles ;\n"
            "- un îlot de fraîcheur dans chaque quartier.\n\n"
            "Qu'est-ce que vous ajouteriez ?",
        ),
        (
            "Végétaliser les cours d'école",
            "Plusieurs villes transforment les cours goudronnées en « cours oasis » : moins de "
            "bitume, des arbres, de l'ombre l'été. Des retours d'expérience dans vos communes ? "
            "Combien ça coûte, comment embarquer parents et enseignant·es ?",
        ),
        (
            "Sortir des énergies fossiles sans laisser personne sur le carreau",
            "La transition énergétique créera des emplois, mais pas forcément là où d'autres "
            "disparaissent. Comment accompagner les salarié·es des raffineries, de l'automobile, "
            "du transport routier ? Je propose qu'on travaille sur un **contrat de transition** "
            "garanti pour chaque salarié·e concerné·e.",
        ),
        (
            "Rénovation thermique : où en est-on vraiment ?",
            "Les aides existent, mais les dossiers sont complexes, les artisans débordés et le "
            "reste à charge dissuasif pour les ménages modestes. Vos expériences, en tant que "
            "particuliers ou élu·es ? Les fiches de l'[ADEME](https://www.ademe.fr/) sont un "
            "bon point de départ.",
        ),
    ),
    "sante": (
        (
            "Urgences fermées la nuit : témoignages et mobilisation",
            "Cet été encore, plusieurs services d'urgences de nos départements ont fermé la nuit "
            "ou fonctionné en « régulation » : il fallait appeler le 15 avant de se déplacer.\n\n"
            "Je propose qu'on recense ici les fermetures dans vos territoires, pour interpeller "
            "l'ARS avec des faits précis : **quel hôpital, quelles nuits, quelles "
            "conséquences**.",
        ),
        (
            "Déserts médicaux : faut-il réguler l'installation des médecins ?",
            "Le débat revient à chaque législature. D'un côté la liberté d'installation, de "
            "l'autre des territoires entiers sans médecin traitant. Certain·es proposent de "
            "conditionner l'installation en zone bien dotée au départ d'un·e confrère. Pour, "
            "contre, et pourquoi ?",
        ),
        (
            "Centres de santé municipaux : retour d'expérience",
            "Notre ville a ouvert un centre de santé avec des médecins salarié·es il y a trois "
            "ans. Bilan : des patient·es qui retrouvent un médecin traitant, des jeunes médecins "
            "qui apprécient de ne pas gérer un cabinet. Mais le modèle économique reste fragile. "
            "D'autres expériences ?",
        ),
    ),
    "grand_age": (
        (
            "EHPAD : après les scandales, quel modèle ?",
            "Depuis les révélations sur certains groupes privés, la confiance est rompue. Faut-il "
            "un grand service public de l'autonomie ? Plus de contrôles ? Mieux payer les "
            "métiers du soin ? Je pense que c'est les trois.",
        ),
    ),
    "logement": (
        (
            "Encadrement des loyers : le bilan dans les villes qui l'appliquent",
            "Paris, Lille, Lyon et Villeurbanne, Montpellier, Bordeaux… l'encadrement des loyers "
            "s'applique dans plusieurs agglomérations. Les bailleurs disent qu'il fait fuir "
            "l'investissement, les associations de locataires que les dépassements restent "
            "fréquents faute de contrôle. Quel bilan chez vous ?",
        ),
        (
            "Meublés de tourisme : les centres-villes se vident",
            "Dans le centre de Bordeaux, des immeubles entiers passent en location touristique. "
            "Quelles mesures demander à la métropole ?\n\n"
            "- quotas par quartier ;\n"
            "- compensation obligatoire (un logement créé pour un logement transformé) ;\n"
            "- taxe renforcée sur les logements vacants.\n\n"
            "Vos avis, vos expériences ?",
        ),
        (
            "Loi SRU : les communes qui paient plutôt que construire",
            "La loi impose 20 à 25 % de logements sociaux dans les communes concernées. Certaines "
            "préfèrent payer les pénalités année après année. Faut-il durcir les sanctions, "
            "transférer systématiquement les permis de construire au préfet ?",
        ),
    ),
    "education": (
        (
            "Classes surchargées : combien d'élèves dans vos écoles ?",
            "Je lance un petit recensement : combien d'élèves par classe dans les écoles et "
            "collèges de vos enfants, ou dans vos classes si vous enseignez ? L'idée est de "
            "confronter les moyennes officielles à la réalité.",
        ),
        (
            "Le métier d'enseignant·e n'attire plus : que proposer ?",
            "Chaque année, des postes restent vacants aux concours. Salaires, conditions de "
            "travail, formation, reconnaissance : par quoi commencer ? J'aimerais qu'on "
            "hiérarchise **trois mesures** seulement, mais finançables.",
        ),
        (
            "Mixité sociale au collège : comment faire ?",
            "Secteurs multi-collèges, critères sociaux d'affectation, obligations pour "
            "l'enseignement privé sous contrat : plusieurs pistes existent, plusieurs ont été "
            "expérimentées. Lesquelles défendre ?",
        ),
    ),
    "jeunesse": (
        (
            "Première fois en section : vos conseils aux nouveaux",
            "Beaucoup de jeunes sympathisant·es n'osent pas pousser la porte d'une section. "
            "Partagez ici vos conseils, vos bonnes et vos mauvaises expériences : on en fera un "
            "petit guide d'accueil.",
        ),
        (
            "Une allocation d'autonomie pour les jeunes ?",
            "Avant 25 ans, sauf exceptions, pas de RSA. Un jeune sans soutien familial n'a "
            "quasiment aucun filet de sécurité. Allocation d'autonomie universelle, RSA dès 18 "
            "ans, revenu lié à la formation : quelle option défendre ?",
        ),
    ),
    "formation": (
        (
            "Prendre la parole en réunion publique : l'atelier de samedi",
            "Atelier de deux heures samedi matin : structurer une intervention de trois "
            "minutes, répondre à une question hostile, parler sans notes. Inscrivez-vous en "
            "réponse, 12 places.",
        ),
    ),
    "europe": (
        (
            "Un salaire minimum européen : où en est-on ?",
            "La directive sur des salaires minimaux adéquats a été adoptée en 2022. Elle "
            "n'impose pas un montant unique mais des critères et un rôle renforcé de la "
            "négociation collective. Comment est-elle appliquée, et comment en faire un "
            "argument de campagne ?",
        ),
        (
            "Élections européennes : comment intéresser nos sections ?",
            "Aux européennes, l'abstention est massive et les sections peinent à mobiliser. "
            "Idées d'actions concrètes pour parler d'Europe sans jargon ?",
        ),
    ),
    "egalite": (
        (
            "Égalité salariale : l'index suffit-il ?",
            "L'index de l'égalité professionnelle existe depuis 2019, et pourtant les écarts de "
            "salaire persistent. La directive européenne sur la transparence des rémunérations "
            "doit être transposée : qu'est-ce qu'on demande de plus ?",
        ),
        (
            "Lutter contre les discriminations à l'embauche : le testing",
            "Les campagnes de testing montrent, année après année, qu'un nom à consonance "
            "maghrébine réduit les chances d'être rappelé·e. Faut-il publier le nom des "
            "entreprises épinglées ? Sanctionner plus fortement ?",
        ),
        (
            "Violences faites aux femmes : des moyens, pas seulement des mots",
            "Hébergement d'urgence, formation des policier·es et des magistrat·es, juridictions "
            "spécialisées : les associations chiffrent les besoins depuis des années. Quelles "
            "priorités pour notre projet ?",
        ),
    ),
    "lgbti": (
        (
            "Lutter contre les LGBTIphobies à l'école",
            "Les associations d'intervention en milieu scolaire manquent d'agréments et de "
            "moyens. Comment soutenir celles qui interviennent dans nos collèges et lycées ?",
        ),
    ),
    "retraites": (
        (
            "64 ans : continuer le combat ou passer à autre chose ?",
            "La réforme de 2023 a reculé l'âge légal à 64 ans malgré des mois de mobilisation. "
            "Faut-il faire du retour à 62 ans un marqueur de campagne, ou parler d'abord de "
            "pénibilité et de carrières longues ?",
        ),
        (
            "Pénibilité : quels métiers, quels critères ?",
            "Quatre critères de pénibilité ont été retirés du compte en 2017 : port de charges "
            "lourdes, postures pénibles, vibrations, agents chimiques. Faut-il les rétablir ? En "
            "ajouter d'autres ?",
        ),
    ),
    "laicite": (
        (
            "La loi de 1905, rien que la loi de 1905 ?",
            "Liberté de conscience, libre exercice des cultes, séparation des Églises et de "
            "l'État. Certains veulent étendre la neutralité aux usager·es, d'autres s'en tenir "
            "strictement au texte. Débattons-en, **dans le respect de la charte**.",
        ),
        (
            "Laïcité à l'école : les professeur·es se sentent seul·es",
            "Contestations de cours, pressions, autocensure : beaucoup d'enseignant·es disent "
            "manquer de soutien de leur hiérarchie. De quoi ont-ils et elles besoin "
            "concrètement ?",
        ),
    ),
    "territoires": (
        (
            "Ruralité : parlons de services, pas de « France périphérique »",
            "On commente beaucoup le vote rural, on y va peu. Je propose qu'on parte des "
            "besoins : médecin, école, transport, commerce, internet. Qu'est-ce qui manque le "
            "plus là où vous vivez ?",
        ),
        (
            "Revitaliser les centres-bourgs",
            "Vitrines vides, logements vacants au-dessus des commerces, supermarché en périphérie. "
            "Des communes ont inversé la tendance : quelles méthodes, quels financements ?",
        ),
    ),
    "transports": (
        (
            "Le TER de 7 h 12 supprimé une fois sur trois",
            "Sur ma ligne, le train du matin est supprimé ou en retard un jour sur trois depuis "
            "la rentrée. Des salarié·es ont perdu leur emploi à cause de ça. Recensons les lignes "
            "en difficulté pour interpeller la région.",
        ),
        (
            "Gratuité des transports en commun : bonne ou fausse bonne idée ?",
            "Dunkerque a rendu ses bus gratuits en 2018, Montpellier pour ses habitant·es en "
            "2023. Fréquentation en hausse, mais quel coût et quel report depuis la voiture ? "
            "Pour, contre, ou « ça dépend » ?",
        ),
    ),
    "industrie": (
        (
            "Réindustrialiser : quelles filières, quels territoires ?",
            "Batteries, médicaments, énergie, agroalimentaire : tout le monde veut "
            "réindustrialiser. Mais avec quelles conditions aux aides publiques, et pour quels "
            "bassins d'emploi ?",
        ),
        (
            "Fermeture d'usine : comment soutenir les salarié·es ?",
            "Quand une usine ferme, la section est souvent démunie. Soutien aux salarié·es, "
            "relais auprès des élu·es, reprise en SCOP : partageons ce qui a marché, et ce qui "
            "a échoué.",
        ),
    ),
    "economie": (
        (
            "Taxer les très hauts patrimoines : l'impôt plancher",
            "L'idée d'un impôt plancher de 2 % sur les patrimoines de plus de 100 millions "
            "d'euros, dite « taxe Zucman », a fait son chemin dans le débat public. Elle ne "
            "concerne que quelques milliers de foyers. Comment la défendre face à l'argument de "
            "l'exil fiscal ?",
        ),
        (
            "L'économie sociale et solidaire, un modèle pour demain ?",
            "Coopératives, mutuelles, associations : un emploi sur dix, non délocalisable. "
            "Comment la soutenir depuis les collectivités : commande publique, locaux, "
            "financement ?",
        ),
    ),
    "numerique": (
        (
            "Logiciels libres dans les collectivités",
            "Certaines mairies ont migré vers des logiciels libres : économies, indépendance, "
            "mais formation indispensable. Des élu·es ou agent·es ici qui ont vécu une "
            "migration ?",
        ),
        (
            "Vidéosurveillance algorithmique : ligne rouge ?",
            "Expérimentée pour les Jeux olympiques, la vidéosurveillance algorithmique pourrait "
            "s'installer durablement. Où placer les limites ? La reconnaissance faciale dans "
            "l'espace public doit-elle être interdite par la loi ?",
        ),
    ),
    "quartiers": (
        (
            "Les quartiers populaires ne sont pas des déserts politiques",
            "L'abstention y est forte, mais la vie associative et la colère aussi. Comment y "
            "militer toute l'année, et pas seulement six semaines avant les élections ?",
        ),
        (
            "Maisons de quartier et associations : les subventions baissent",
            "Dans plusieurs villes, les subventions aux centres sociaux et aux associations de "
            "quartier baissent ou arrivent en retard. Quelles conséquences chez vous ?",
        ),
    ),
    "culture": (
        (
            "Le pass Culture : quel bilan ?",
            "Critiqué pour servir surtout à acheter des mangas, défendu pour avoir fait entrer "
            "des jeunes en librairie : que faut-il garder, changer, renforcer (la part "
            "collective avec les enseignant·es) ?",
        ),
        (
            "Bibliothèques ouvertes le dimanche",
            "Ouvrir le dimanche, c'est ouvrir quand les familles sont disponibles. Mais avec "
            "quels moyens, et quel volontariat pour les agent·es ?",
        ),
    ),
    "sport": (
        (
            "Le sport amateur manque de bénévoles et d'équipements",
            "Gymnases saturés, piscines fermées, clubs qui refusent des enfants faute "
            "d'encadrant·es. Quelles propositions pour le sport du quotidien ?",
        ),
    ),
    "agriculture": (
        (
            "Installer des jeunes paysan·nes : le foncier d'abord",
            "Un·e agriculteur·rice sur deux partira à la retraite dans les dix ans. Si les "
            "terres partent à l'agrandissement, il n'y aura pas de relève. Comment orienter le "
            "foncier vers l'installation ?",
        ),
        (
            "Cantines : la loi Egalim est-elle appliquée chez vous ?",
            "Depuis 2022, la restauration collective doit servir au moins 50 % de produits "
            "durables dont 20 % de bio. Où en sont les cantines de vos communes ? Qu'est-ce qui "
            "bloque ?",
        ),
    ),
    "handicap": (
        (
            "Accessibilité : les engagements de 2005 toujours pas tenus",
            "La loi de 2005 promettait l'accessibilité des établissements recevant du public "
            "et des transports. Vingt ans plus tard, combien de gares, de cabinets médicaux, "
            "d'écoles restent inaccessibles autour de vous ?",
        ),
    ),
    "democratie": (
        (
            "Budgets participatifs : ça marche ?",
            "Paris en a fait un symbole, beaucoup de villes ont suivi. Participation souvent "
            "faible, projets parfois lents à sortir. Vos retours d'expérience, comme habitant·es "
            "ou comme élu·es ?",
        ),
        (
            "Élu·es : comment rendre compte de son mandat ?",
            "Réunion publique annuelle, lettre d'information, permanence : comment rendez-vous "
            "compte de votre mandat ? Partageons nos formats et ce qu'ils coûtent en temps.",
        ),
        (
            "Programme : méthode et calendrier des contributions",
            "Proposition de méthode :\n\n"
            "1. chaque groupe thématique envoie **trois propositions** ;\n"
            "2. synthèse ici, avec les désaccords explicités ;\n"
            "3. vote des adhérent·es, avis des sympathisant·es.\n\n"
            "Amendez, critiquez !",
        ),
    ),
    "justice": (
        (
            "Surpopulation carcérale : un problème que personne ne veut voir",
            "Matelas au sol, cellules à trois, personnels épuisés : la surpopulation rend la "
            "réinsertion impossible. Régulation carcérale, peines alternatives : quelles "
            "propositions porter ?",
        ),
    ),
    "international": (
        (
            "Solidarité internationale : quelles campagnes mener localement ?",
            "Jumelages, commerce équitable, soutien aux syndicalistes menacé·es : comment faire "
            "vivre l'internationalisme dans nos sections ?",
        ),
    ),
    "migrations": (
        (
            "Accueillir dignement : l'expérience des villes accueillantes",
            "Des communes se sont regroupées pour accueillir dignement les personnes exilées : "
            "hébergement, accès aux droits, cours de français. Qu'est-ce qui est faisable à "
            "l'échelle d'une commune ?",
        ),
    ),
    "municipales": (
        (
            "Bordeaux : premiers éléments de diagnostic",
            "Première synthèse de nos réunions d'appartement : **logement**, **propreté**, "
            "**transports** et **tranquillité publique** reviennent partout. Complétez avec ce "
            "que vous entendez dans vos quartiers.",
        ),
        (
            "Méthode : construire le programme avec les habitant·es",
            "Je propose des ateliers par quartier, ouverts à toutes et tous, avant d'écrire une "
            "ligne du programme. Qui peut animer un atelier ?",
        ),
    ),
    "redaction": (
        (
            "Sommaire de la lettre du mois",
            "Proposition de sommaire :\n\n"
            "1. édito du premier secrétaire fédéral ;\n"
            "2. retour sur la fête de la rose ;\n"
            "3. portrait d'une section ;\n"
            "4. agenda.\n\n"
            "Relectures avant vendredi, merci !",
        ),
    ),
    "mer": (
        (
            "Érosion du littoral : qui paie le recul du trait de côte ?",
            "Des maisons menacées, des communes sans moyens pour relocaliser. Solidarité "
            "nationale ou responsabilité des propriétaires ? Le sujet va devenir majeur sur "
            "notre côte.",
        ),
    ),
}

# Any group may have these threads too.
GROUP_THREADS: tuple[ThreadText, ...] = (
    (
        "Présentez-vous !",
        "Bienvenue dans le groupe « {group} » ! Pour faire connaissance, dites-nous en quelques "
        "mots qui vous êtes, d'où vous écrivez et ce que vous attendez de ce groupe.\n\n"
        "**Adhérent·es comme sympathisant·es, toutes les voix comptent ici.**",
    ),
    (
        "Trois propositions du groupe pour le projet",
        "Le parti ouvre la consultation sur le projet. Je propose qu'on fasse remonter "
        "**trois propositions** du groupe « {group} ». Mettez vos idées en réponse ; on votera "
        "ensuite.",
    ),
    (
        "Réunion en visio jeudi à 20 h 30",
        "Pour celles et ceux qui ne peuvent pas se déplacer, réunion du groupe en visio jeudi "
        "à 20 h 30. Ordre du jour :\n\n"
        "1. tour de table ;\n"
        "2. actualité de nos sujets ;\n"
        "3. actions des prochains mois.\n\n"
        "Le lien sera posté ici la veille.",
    ),
    (
        "Un livre, un film, un podcast à conseiller ?",
        "Pour nourrir nos débats : qu'avez-vous lu, vu ou écouté récemment sur nos sujets ? "
        "Deux lignes pour dire pourquoi, c'est parfait.",
    ),
    (
        "Revue de presse",
        "Je poste ici les articles utiles sur nos sujets. Complétez : un lien et deux lignes de "
        "résumé.\n\n"
        "- les dossiers de [vie-publique.fr](https://www.vie-publique.fr/) pour les repères ;\n"
        "- les chiffres de l'[Insee](https://www.insee.fr/fr/statistiques).",
    ),
    (
        "Quelles actions de terrain ce trimestre ?",
        "On débat beaucoup, on agit un peu moins. Proposez une action concrète (tractage, "
        "réunion publique, pétition, visite) que le groupe pourrait mener d'ici trois mois.",
    ),
    (
        "Pourquoi si peu d'entre nous écrivent ici ?",
        "Le groupe compte beaucoup d'inscrit·es, mais ce sont toujours les mêmes qui écrivent "
        "(moi compris·e !). Qu'est-ce qui vous retient de participer ? Promis, aucune réponse "
        "n'est bête.",
    ),
    (
        "Inviter un·e élu·e à débattre avec nous",
        "Et si on invitait un·e député·e ou un·e sénateur·rice pour une heure de questions en "
        "visio ? Proposez des noms et des questions.",
    ),
)

SECTION_THREADS: tuple[ThreadText, ...] = (
    (
        "Réunion de section : ordre du jour",
        "Notre prochaine réunion de section se tient jeudi à 19 h à la permanence. Ordre du "
        "jour proposé :\n\n"
        "1. bilan des actions du mois ;\n"
        "2. préparation des municipales ;\n"
        "3. accueil des nouveaux adhérent·es et sympathisant·es ;\n"
        "4. questions diverses.\n\n"
        "Vous pouvez proposer des points en réponse.",
    ),
    (
        "Tractage au marché samedi matin : qui est dispo ?",
        "On tracte au marché de {commune} samedi de 9 h à 12 h, sur la santé de proximité. Il "
        "nous faut au moins six personnes. Répondez ici si vous venez, même pour une heure !",
    ),
    (
        "Porte-à-porte : bilan de la première soirée",
        "Hier soir, quatre binômes, environ 150 portes frappées. Beaucoup d'absent·es, mais de "
        "vraies discussions sur le logement et les transports. Vos impressions ?",
    ),
    (
        "Municipales : quelles priorités pour {commune} ?",
        "Avant d'écrire quoi que ce soit, listons ce que nous entendons autour de nous. Pour "
        "vous, quelles sont les **trois priorités** pour {commune} ?",
    ),
    (
        "Permanence de la section : nouveaux horaires",
        "À partir du mois prochain, la permanence est ouverte le mercredi de 18 h à 20 h et le "
        "samedi de 10 h à 12 h. Il nous faut des volontaires pour tenir les créneaux.",
    ),
    (
        "Covoiturage pour la fête de la rose",
        "La fête de la rose de la fédération approche. Organisons les covoiturages ici : "
        "indiquez vos places libres ou vos besoins.",
    ),
    (
        "Accueil des nouveaux : un parrain ou une marraine pour chacun·e",
        "Plusieurs personnes nous ont rejoint·es ces dernières semaines. Je propose que chaque "
        "nouvel·le arrivant·e ait un parrain ou une marraine dans la section. Volontaires ?",
    ),
    (
        "Le conseil municipal a voté le budget : notre analyse",
        "Le budget de {commune} a été voté lundi. Nos élu·es d'opposition ont voté contre : "
        "baisse des crédits pour les associations, hausse des tarifs de cantine. Je mets ici "
        "leur intervention ; vos réactions ?",
    ),
    (
        "Collecte solidaire de fournitures scolaires",
        "Comme chaque rentrée, collecte de fournitures scolaires avec le Secours populaire. "
        "Dépôt à la permanence jusqu'à la fin du mois.",
    ),
)

# Section threads that are debates rather than organisation.
SECTION_DEBATES = (SECTION_THREADS[3], SECTION_THREADS[7])

FEDERATION_THREADS: tuple[ThreadText, ...] = (
    (
        "Conseil fédéral : compte rendu",
        "Compte rendu du dernier conseil fédéral :\n\n"
        "- calendrier de désignation des candidat·es aux municipales ;\n"
        "- point sur les adhésions ;\n"
        "- préparation de la fête de la rose.\n\n"
        "Questions bienvenues ici.",
    ),
    (
        "Fête de la rose : appel aux bénévoles",
        "La fête de la rose de la fédération aura lieu dans six semaines. Il nous faut des "
        "bénévoles pour le montage, la buvette, l'accueil et le démontage. Inscrivez-vous ici "
        "en précisant vos créneaux.",
    ),
    (
        "Formation des animateurs et animatrices de section",
        "Une journée de formation est proposée aux animateur·rices de section : animer une "
        "réunion, accueillir les nouveaux, utiliser la coopérative. Qui est intéressé·e ?",
    ),
)

NATIONAL_THREADS: tuple[ThreadText, ...] = (
    (
        "Bienvenue sur la coopérative : présentez-vous !",
        "Bienvenue à toutes et à tous sur la coopérative ! Adhérent·es, sympathisant·es, "
        "curieux et curieuses : présentez-vous en quelques mots, dites d'où vous écrivez et ce "
        "qui vous a donné envie de nous rejoindre.",
    ),
    (
        "La charte de la coopérative : vos questions",
        "La charte fixe les règles de nos échanges : respect, pluralisme, pas d'attaques "
        "personnelles, modération transparente et contestable. Posez ici vos questions sur son "
        "application ; l'équipe répond.",
    ),
    (
        "Université d'été : qui vient ?",
        "L'université d'été approche : ateliers, plénières, rencontres entre sections. "
        "Indiquez ici si vous venez, et organisons les trajets depuis les fédérations.",
    ),
    (
        "Vos idées pour améliorer la coopérative",
        "La coopérative est jeune : qu'est-ce qui vous manque, qu'est-ce qui vous gêne, qu'est-ce "
        "qui marche bien ? Toutes les remarques sont lues par l'équipe.",
    ),
    (
        "Consultation sur le projet : mode d'emploi",
        "La consultation sur le projet est ouverte. Chaque groupe thématique et chaque section "
        "peut faire remonter ses propositions ; les adhérent·es voteront sur la synthèse. Vos "
        "questions sur la méthode ici.",
    ),
)

# ---------------------------------------------------------------------------
# Replies.
# ---------------------------------------------------------------------------

GENERIC_REPLIES: tuple[str, ...] = (
    "Merci pour ce fil, c'est exactement le débat qu'on devrait avoir en section.",
    "Je suis plutôt d'accord sur le fond, mais il manque la question du financement. Si on ne "
    "dit pas comment on paie, la droite le dira à notre place.",
    "Je ne partage pas tout à fait cette analyse. Sur le terrain, ce que j'entends surtout, "
    "c'est de la lassitude : les gens ne croient plus aux promesses, même sincères.",
    "Très juste. J'ajouterais qu'il faut associer les syndicats et les associations dès le "
    "départ, pas une fois le texte écrit.",
    "On a eu exactement ce débat dans ma section le mois dernier. Conclusion : d'accord sur "
    "l'objectif, divisé·es sur le calendrier.",
    "Question naïve : est-ce qu'on a des chiffres récents là-dessus ? J'aimerais pouvoir "
    "répondre précisément quand on me pose la question au marché.",
    "**Entièrement d'accord.** Et il faut le dire simplement : moins de jargon, plus "
    "d'exemples concrets.",
    "Je me permets d'être en désaccord. Ce n'est pas une mauvaise idée, mais ce n'est pas une "
    "priorité pour les gens que je rencontre en porte-à-porte.",
    "Attention à ne pas promettre ce qu'on ne pourra pas tenir. On a déjà payé très cher ce "
    "genre d'engagement.",
    "Pour avancer, je propose qu'on fasse une synthèse des positions avant la prochaine "
    "réunion. Je veux bien m'en charger.",
    "Il faut distinguer ce qui relève de l'État, de la région et de la commune : sinon on "
    "promet des choses que nos élu·es locaux ne peuvent pas faire.",
    "Je trouve le débat un peu trop urbain, avec tout le respect que je vous dois. Dans un "
    "bourg de 2 000 habitant·es, la question se pose tout autrement.",
    "Bonne idée. Dans ma commune, on a testé quelque chose de proche il y a deux ans : ça a "
    "marché parce que les habitant·es ont été associé·es dès le début.",
    "Je rejoins ce qui a été dit plus haut. On gagnerait à le formuler comme une proposition "
    "de loi précise, article par article.",
    "Ce qui me gêne, c'est qu'on parle beaucoup entre convaincu·es. Comment on touche celles "
    "et ceux qui ne viennent jamais en réunion ?",
    "Pour celles et ceux que ça intéresse, [vie-publique.fr](https://www.vie-publique.fr/) "
    "fait de bonnes synthèses sur le sujet.",
    "Je viens d'arriver dans le groupe : quelqu'un peut-il résumer où en est la "
    "discussion ? Merci !",
    "D'accord avec l'objectif, pas avec la méthode. Une réforme de cette ampleur ne peut pas "
    "passer sans une vraie concertation.",
    "Excellente contribution. Je la transmets à notre secrétaire de section pour qu'on en "
    "parle en réunion.",
    "Il y a une tension qu'on ne peut pas ignorer entre ce qu'on veut et ce que les "
    "collectivités peuvent financer aujourd'hui. Je préfère qu'on le dise franchement.",
    "Ce n'est pas qu'une question de moyens, c'est aussi une question d'organisation. Des "
    "moyens mal répartis, ça ne règle rien.",
    "D'accord à 80 %. Les 20 % restants : il faut une évaluation au bout de trois ans, et le "
    "courage d'arrêter si ça ne marche pas.",
    "Une phrase entendue lors d'une formation et qui m'est restée :\n\n"
    "> Une politique publique qu'on n'évalue pas est une promesse qu'on ne pourra jamais "
    "défendre.\n\n"
    "À méditer pour notre projet.",
    "Petit rappel amical de la charte : on débat des idées, pas des personnes. Le ton monte un "
    "peu dans ce fil, restons constructifs et constructives.",
    "Je ne suis pas d'accord, et je vais essayer d'expliquer pourquoi sans caricaturer. Le "
    "problème n'est pas le principe, c'est l'effet de seuil : celles et ceux qui sont juste "
    "au-dessus seront les grand·es perdant·es.",
    "On pourrait inviter un ou une spécialiste du sujet pour une visio ouverte à toutes les "
    "sections. Quelqu'un a un contact ?",
    "Pour résumer ce que je lis depuis le début :\n\n"
    "- accord sur le constat ;\n"
    "- désaccord sur le rythme ;\n"
    "- personne n'a encore parlé du financement.\n\n"
    "Je me trompe ?",
    "Merci, ça m'aide beaucoup pour les discussions au travail, où je suis souvent le seul ou "
    "la seule à défendre ces idées.",
    "Sujet essentiel. Mais soyons honnêtes : on l'a porté pendant des années sans le faire "
    "quand on était au pouvoir. Il faut aussi expliquer pourquoi.",
    "C'est le genre de proposition qu'on devrait d'abord tester dans quelques communes "
    "volontaires, puis généraliser si les résultats sont là.",
    "Les jeunes de ma section ont un avis très tranché là-dessus, et franchement ils ont des "
    "arguments. Je les encourage à venir en parler ici !",
    "Notre fédération y est favorable, avec une vigilance sur l'application dans les "
    "territoires ruraux.",
    "Tout dépend de l'échelle. Au niveau intercommunal, c'est faisable ; au niveau national, "
    "c'est un autre débat.",
    "Je pense qu'on sous-estime à quel point ce sujet touche les gens. Au marché samedi, "
    "c'est ce dont on m'a le plus parlé.",
    "+1, rien à ajouter, c'est très bien dit.",
    "J'ai un doute sur le calendrier : avant les municipales, est-ce vraiment le moment "
    "d'ouvrir ce chantier ?",
    "J'aimerais connaître l'avis des élu·es du groupe : est-ce applicable concrètement ?",
    "Bravo pour le travail. Une suggestion : une version courte, une page au maximum, pour la "
    "diffuser largement.",
    "Le fond est juste, mais le mot fait peur. Trouvons une formulation qui parle aux gens "
    "qui ne sont pas déjà d'accord avec nous.",
    "Je n'ai pas la carte, et je trouve formidable qu'on puisse participer à ces débats sur "
    "un pied d'égalité. C'est rare.",
    "Je nuance : ce n'est pas l'un **ou** l'autre, c'est l'un **et** l'autre. Il faut agir à "
    "court terme et préparer le long terme.",
    "La comparaison avec nos voisins européens est instructive : ce qu'on présente comme "
    "impossible chez nous existe ailleurs depuis longtemps.",
    "Il faut que cette proposition remonte à la fédération. Qui la porte au prochain conseil "
    "fédéral ?",
    "Ça ne me convainc pas. On a déjà essayé quelque chose de similaire et ça s'est heurté "
    "à l'administration. Qu'est-ce qui serait différent cette fois ?",
    "Si je résume : un droit nouveau, un financement identifié, une évaluation. Ça me va.",
    "Pardon de ramener le sujet à des questions pratiques, mais qui rédige le texte final ?",
    "Les associations de terrain font déjà une partie de ce travail. Appuyons-nous sur elles "
    "plutôt que de réinventer la roue.",
    "Merci pour ces précisions, je n'avais pas du tout cet ordre de grandeur en tête. Ça "
    "change ma façon de voir.",
    "Le risque, c'est que ça reste un vœu pieux. Quels indicateurs on se donne pour vérifier "
    "que ça avance ?",
    "Je suis d'accord, et je propose un sondage dans le groupe pour trancher entre les deux "
    "options.",
)

CLOSERS: tuple[str, ...] = (
    "Qu'en pensez-vous ?",
    "Je peux m'en occuper si personne ne se propose.",
    "On en reparle à la prochaine réunion ?",
    "Je mets le sujet à l'ordre du jour de ma section.",
    "Avis aux personnes qui connaissent le dossier mieux que moi !",
    "J'attends vos retours avec intérêt.",
    "À suivre, donc.",
    "Je relaie à ma section.",
    "Merci à celles et ceux qui font vivre ce groupe.",
    "Je vous tiens au courant.",
    "Des volontaires pour creuser ?",
)

QUOTE_REPLIES: tuple[str, ...] = (
    "Je rebondis sur ce passage, qui me semble essentiel.",
    "Je ne suis pas d'accord avec ce point précis : on ne peut pas demander aux mêmes de "
    "toujours faire les efforts.",
    "C'est exactement ça. Je n'aurais pas mieux dit.",
    "Sur ce point, il y a peut-être un malentendu : personne ici ne propose de supprimer quoi "
    "que ce soit.",
    "Tu as raison de le rappeler, on l'oublie trop souvent.",
    "Ce point mériterait un fil à lui tout seul !",
    "Je nuancerais : c'est vrai en ville, beaucoup moins à la campagne.",
    "Entièrement d'accord, et ça vaut aussi pour les petites communes.",
)

LOCAL_REPLIES: tuple[str, ...] = (
    "Je serai là ! Je peux apporter la table pliante et les tracts.",
    "Je serai là samedi, mais seulement à partir de 10 h.",
    "Je ne pourrai pas venir cette fois, dommage. Je prends la prochaine !",
    "Je peux covoiturer deux personnes depuis la gare.",
    "Est-ce qu'on a assez de tracts ? Sinon je passe à la permanence jeudi.",
    "Super initiative. On pourrait faire pareil au marché du dimanche.",
    "Bilan de mon côté : une vingtaine de portes, beaucoup d'absent·es, mais trois "
    "discussions vraiment intéressantes sur la santé.",
    "Je propose d'ajouter un point sur l'accueil des nouveaux à l'ordre du jour.",
    "Merci pour l'organisation ! Pensez à prendre des photos pour le compte rendu.",
    "Quelqu'un peut-il faire le compte rendu pour celles et ceux qui n'étaient pas là ?",
    "Je m'occupe du café et des croissants 🥐",
    "La salle est réservée jusqu'à 22 h, on aura le temps.",
    "Les gens ont surtout parlé des transports et du prix des loyers. C'est à faire remonter.",
    "Première fois que je viens : faut-il s'inscrire quelque part ?",
    "Je peux garder les enfants pendant la réunion si ça permet à des parents de venir.",
    "On pourrait proposer une visio en parallèle pour celles et ceux qui ne peuvent pas se "
    "déplacer.",
    "Excellente soirée, merci à toutes et à tous ! On était plus de trente.",
    "Attention, le marché est déplacé cette semaine à cause des travaux.",
    "Je relance mes voisin·es, deux ou trois hésitent encore à venir.",
    "Compte rendu envoyé par mail à toute la section, et disponible à la permanence.",
    "Je prends le créneau du mercredi, un sur deux.",
    "Deux places dans ma voiture au départ de la place de la mairie, départ 8 h 30.",
)

INTRO_REPLIES: tuple[str, ...] = (
    "Bonjour à toutes et à tous ! J'habite à {commune} et je suis ce sujet depuis longtemps "
    "sans jamais avoir osé écrire. C'est fait !",
    "Salut ! Je vis à {commune}. Je suis là parce que j'en ai assez de râler devant la "
    "télé : autant agir.",
    "Bonjour ! Des années de bénévolat associatif, et je découvre le parti par ce groupe. "
    "J'ai hâte de voir ce qu'on peut construire ensemble.",
    "Bonsoir. Je lis beaucoup, j'écris peu, mais je viens aux actions dès que je peux.",
    "Bonjour ! J'ai rejoint la coopérative après une réunion publique dans mon quartier. "
    "Au plaisir de vous lire.",
    "Bonjour, je travaille dans le secteur et je pourrai apporter un regard de terrain. "
    "N'hésitez pas à me solliciter.",
    "Première participation ici. Je viens de {commune}, où le sujet est très concret pour "
    "beaucoup de familles.",
    "Bonjour à tous et à toutes. Je suis là depuis peu et je cherche surtout à comprendre comment "
    "on fait remonter nos idées.",
    "Bonjour ! À la retraite, du temps à donner et une vraie envie que ça bouge. Comptez sur "
    "moi pour les tractages.",
    "Salut tout le monde. Je fais mes études et je m'intéresse à ce sujet pour mon mémoire, "
    "et surtout par conviction.",
)

THEME_REPLIES: dict[str, tuple[str, ...]] = {
    "vote_etrangers": (
        "Argument qui marche bien en porte-à-porte : « Votre voisine paie la taxe foncière, "
        "inscrit ses enfants à l'école, siège au conseil d'école… et n'a pas le droit de "
        "choisir son maire. Vous trouvez ça normal ? »",
        "Il faut rappeler que les citoyen·nes européen·nes votent déjà aux municipales depuis "
        "2001. Le tabou est tombé depuis longtemps : il ne reste qu'une différence de "
        "traitement entre étranger·es.",
        "Je suis pour, mais honnêtement je crains l'effet repoussoir dans l'opinion. Faut-il "
        "en faire une priorité de campagne ou un engagement discret ?",
        "Pas d'accord avec l'idée de le mettre « en sourdine ». C'est un combat de la gauche "
        "depuis 1981 : si on ne le porte pas, personne ne le fera.",
        "Je préfère le référendum. Une réforme de la citoyenneté adoptée par le seul Congrès "
        "serait contestée pendant des années.",
        "Le référendum, c'est le meilleur moyen de perdre. Le Congrès est une voie "
        "constitutionnelle normale, il n'y a rien d'illégitime à l'utiliser.",
        "Une condition de durée de résidence (cinq ans, par exemple) rassurerait beaucoup de "
        "gens, et c'est ce qui se fait chez plusieurs de nos voisins.",
        "Dans mon association de parents d'élèves, la moitié du bureau n'a pas le droit de "
        "vote. Ce sont pourtant les plus investies. Ce témoignage parle plus que n'importe quel "
        "chiffre.",
        "On avait organisé une votation citoyenne devant l'école il y a quelques années : plus "
        "de 300 votant·es en une matinée et des discussions passionnantes. Je recommande !",
        "Attention au vocabulaire : on parle de **résident·es étranger·es**. Beaucoup vivent "
        "ici depuis plus longtemps que bien des électeur·rices.",
        "Français par naturalisation depuis dix ans, je vote. Mes parents, eux, vivent ici depuis 1975 et ne "
        "voteront jamais. Merci de porter ce combat.",
        "Les propositions de loi déposées sur le sujet sont consultables sur "
        "[assemblee-nationale.fr](https://www.assemblee-nationale.fr/) et "
        "[senat.fr](https://www.senat.fr/).",
        "La vraie question : qu'a-t-on à perdre à donner la parole à des gens qui participent "
        "déjà à la vie locale ? Rien. On a tout à gagner en cohésion.",
    ),
    "services_publics": (
        "La trésorerie de mon canton a fermé il y a deux ans. Résultat : les personnes âgées "
        "font quarante minutes de route ou renoncent. Les maisons France Services font ce "
        "qu'elles peuvent, mais ce n'est pas le même métier.",
        "Pétition, vœu du conseil municipal et rassemblement devant la sous-préfecture : c'est "
        "la combinaison qui a fonctionné chez nous. Les trois ensemble, pas l'un sans l'autre.",
        "Ce qui manque, c'est un droit opposable : un temps d'accès maximal garanti par la loi, "
        "et un recours si l'État ne le respecte pas.",
        "Les agent·es sont les premier·es à souffrir de ces fermetures. Associons-les à nos "
        "mobilisations, pas seulement les usager·es.",
        "Le « tout numérique » est une catastrophe pour l'accès aux droits. **Un guichet "
        "humain dans chaque canton**, ça devrait être une ligne rouge.",
        "Je nuance : certaines démarches en ligne simplifient vraiment la vie. Le problème, "
        "c'est quand c'est la seule option.",
        "Dans les communes rurales, l'école, la poste et le médecin partent souvent ensemble. "
        "C'est le même combat.",
    ),
    "poste": (
        "Chez nous, l'agence postale communale fonctionne bien grâce à une secrétaire de "
        "mairie formidable. Mais elle ouvre douze heures par semaine : ce n'est pas un bureau "
        "de poste.",
        "Les facteurs et factrices que je connais sont à bout : tournées rallongées, pauses "
        "supprimées. Ils aiment leur métier mais n'en peuvent plus.",
        "Le service qui fait « veiller sur ses parents » par le facteur est payant. Le lien "
        "social que les facteurs assuraient sans compter devient un produit. Tout est dit.",
    ),
    "ecologie": (
        "L'écologie punitive, c'est taxer le carburant de celles et ceux qui n'ont pas d'autre "
        "choix que la voiture. L'écologie populaire, c'est leur donner un train.",
        "Rénovation thermique : sans avance des frais, les aides profitent d'abord aux "
        "ménages qui ont déjà de l'épargne.",
        "Dans notre commune, la cour oasis de l'école élémentaire a été dessinée avec les "
        "enfants. Ils en parlent encore, les parents aussi. Ça crée de l'adhésion.",
        "D'accord, mais n'opposons pas les écolos « des villes » et les gens « des champs ». "
        "Les agriculteur·rices sont les premier·es touché·es par les sécheresses.",
        "Les canicules tuent d'abord les personnes âgées isolées et celles et ceux qui vivent "
        "dans des logements mal isolés. L'adaptation au climat est une politique sociale.",
        "Proposition concrète : un îlot de fraîcheur à moins de dix minutes à pied de chaque "
        "logement, en ville.",
        "Les fiches de l'[ADEME](https://www.ademe.fr/) sur les aides existantes sont très "
        "claires, je les distribue en porte-à-porte.",
    ),
    "sante": (
        "Je travaille aux urgences : cet été, certaines nuits, on était deux au lieu de quatre. "
        "On ne tiendra pas un an de plus comme ça.",
        "La régulation de l'installation, j'y suis favorable. Elle existe déjà pour les "
        "pharmacies et, dans certaines zones, pour les infirmier·es libéraux.",
        "Réguler sans former plus ne suffira pas. Il faut d'abord former davantage de "
        "médecins, et ça prend dix ans.",
        "Le centre de santé de notre ville emploie cinq médecins salarié·es. Les jeunes "
        "médecins aiment ce modèle : travail en équipe, horaires fixes, pas de gestion.",
        "Les urgences saturent parce que tout est saturé en amont : médecine de ville, "
        "psychiatrie, EHPAD. On ne réglera rien en regardant les urgences seules.",
        "Recenser les fermetures, excellente idée. Je propose une carte partagée, mise à jour "
        "chaque semaine pendant l'été.",
    ),
    "logement": (
        "À Bordeaux, l'encadrement a limité les abus, mais les dépassements restent fréquents "
        "sur les petites surfaces. Il faut des contrôles et des sanctions.",
        "Je loue un petit T2. L'encadrement ne me dérange pas ; ce qui me fait peur, ce sont "
        "les impayés. Une garantie publique universelle rassurerait beaucoup de petit·es "
        "bailleur·es.",
        "Les meublés de tourisme vident les centres anciens. Dans ma rue, un logement sur "
        "quatre est sur une plateforme de location.",
        "Les communes qui préfèrent payer plutôt que construire devraient perdre la main sur "
        "les permis de construire. La loi le permet déjà en partie : appliquons-la.",
        "Locataire HLM, je voudrais qu'on parle aussi d'entretien : ascenseurs en panne, "
        "moisissures… Construire, c'est bien ; entretenir, c'est indispensable.",
        "Le logement étudiant est le grand oublié. Des jeunes renoncent à des études faute "
        "de logement abordable.",
    ),
    "education": (
        "28 élèves en CP dans l'école de ma fille, dont trois qui ont besoin d'un "
        "accompagnement, et une AESH à mi-temps. Voilà la réalité.",
        "L'attractivité, c'est aussi le salaire : à bac+5, un début de carrière dans "
        "l'Éducation nationale reste bien moins payé que dans le privé.",
        "La mixité sociale, ce n'est pas seulement la sectorisation. C'est aussi "
        "l'enseignement privé sous contrat, financé par l'argent public sans les mêmes "
        "obligations.",
        "J'enseigne en collège : ce qui nous épuise, c'est moins les élèves que les réformes "
        "qui se succèdent tous les deux ans sans bilan.",
        "Les remplacements non assurés, ce sont des semaines de cours perdues. Au collège de "
        "mon fils, pas de professeur de technologie depuis la rentrée.",
        "Proposition simple : pas plus de 20 élèves par classe en maternelle et en CP, "
        "partout, pas seulement en éducation prioritaire.",
    ),
    "jeunesse": (
        "Mon conseil : viens à une réunion, même sans rien dire. Personne ne te demandera ta "
        "carte, et c'est en écoutant qu'on apprend les codes.",
        "Quand j'ai poussé la porte il y a six mois, j'ai failli repartir : réunions trop longues, "
        "beaucoup de sigles. Il faudrait un petit lexique pour les nouveaux !",
        "Le RSA dès 18 ans, c'est un minimum. Aujourd'hui, un jeune de 20 ans sans soutien "
        "familial n'a quasiment aucun filet de sécurité.",
        "Une allocation d'autonomie, oui, mais liée à un parcours de formation ou "
        "d'engagement. Sinon on ne convaincra pas la majorité.",
    ),
    "europe": (
        "La directive sur les salaires minimaux est une vraie avancée, même sans montant "
        "unique. À nous de la faire vivre.",
        "L'Europe sociale n'intéresse personne tant qu'on n'explique pas ce qu'elle change : "
        "congé parental, travailleurs détachés, plateformes.",
        "Aux européennes, l'abstention est massive chez les jeunes et dans les quartiers "
        "populaires. C'est là qu'il faut aller.",
        "La directive sur les travailleurs des plateformes est un bon exemple d'Europe qui "
        "protège. Citons-la plus souvent.",
    ),
    "egalite": (
        "L'index de l'égalité professionnelle a eu le mérite d'exister, mais beaucoup "
        "d'entreprises obtiennent une bonne note en gardant des écarts importants.",
        "La directive sur la transparence salariale obligera à publier les écarts de "
        "rémunération. Veillons à ce que sa transposition ne la vide pas de sa substance.",
        "Sur les violences faites aux femmes, les associations réclament un budget à la "
        "hauteur depuis des années. Les discours ne protègent personne.",
        "Le testing à grande échelle est efficace : rendre publics les résultats fait bouger "
        "les entreprises.",
        "Parlons aussi des familles monoparentales : ce sont en grande majorité des mères "
        "seules, souvent en grande précarité.",
    ),
    "retraites": (
        "Ma sœur est aide-soignante depuis vingt-cinq ans, elle a 58 ans et le dos en miettes. "
        "Deux ans de plus, elle ne les fera pas : elle passera en invalidité, comme beaucoup "
        "de ses collègues.",
        "Revenir à 62 ans, d'accord, mais disons comment on le finance : cotisations sur les "
        "hauts salaires, sur l'intéressement ? Soyons précis.",
        "Les critères de pénibilité supprimés en 2017 doivent être rétablis. C'est une "
        "question de justice élémentaire.",
        "Pas d'accord avec l'idée de « tourner la page ». Des millions de gens ont manifesté : "
        "ils attendent qu'on tienne bon.",
    ),
    "laicite": (
        "La loi de 1905 est une loi de liberté : liberté de croire ou de ne pas croire, "
        "neutralité de l'État. Ni plus, ni moins. N'en faisons pas une arme contre une "
        "religion.",
        "Je ne suis pas d'accord : la laïcité, c'est aussi protéger les élèves des pressions "
        "religieuses à l'école. Le rappeler, ce n'est viser personne.",
        "Les professeur·es ont besoin de formation et du soutien de leur hiérarchie, pas de "
        "nouvelles lois. Le « pas de vague » a fait beaucoup de dégâts.",
        "On peut avoir ce débat sans se traiter mutuellement de naïfs ou d'intolérants. "
        "Relisons la charte, article 1, et reprenons calmement.",
    ),
    "territoires": (
        "Dans mon village : plus de médecin, plus d'école, une épicerie qui tient grâce aux "
        "bénévoles. Ce n'est pas de la « périphérie », c'est de l'abandon.",
        "Le programme Petites villes de demain a apporté de l'ingénierie aux communes qui "
        "n'en avaient pas. C'est ce qui manque le plus : des gens pour monter les dossiers.",
        "Revitaliser un centre-bourg commence par le logement au-dessus des commerces. Tant "
        "que les étages sont vides, les rez-de-chaussée ferment.",
        "Si on ne vient pas parler de services publics et de transports dans nos campagnes, "
        "d'autres viendront y parler d'immigration.",
    ),
    "transports": (
        "Sur ma ligne, des salarié·es ont perdu leur emploi à cause des trains supprimés. Ce "
        "n'est pas un détail.",
        "La gratuité fonctionne à Dunkerque, mais c'est une agglomération avec des moyens "
        "particuliers. Ce n'est pas transposable partout.",
        "Je préfère une tarification solidaire : gratuit pour les petits revenus et les "
        "jeunes, payant pour les autres, et les recettes investies dans l'offre.",
        "Ce qui compte d'abord, c'est la fréquence. Un bus gratuit qui passe toutes les heures "
        "ne remplacera jamais la voiture.",
    ),
    "industrie": (
        "Réindustrialiser, oui, mais en conditionnant les aides publiques au maintien de "
        "l'emploi et au respect de l'environnement.",
        "Quand l'usine de ma ville a fermé, les salarié·es l'ont appris par la presse. Un "
        "droit de reprise par les salarié·es changerait tout.",
        "Les SCOP montrent qu'une reprise par les salarié·es peut réussir. Il faut un fonds "
        "public pour les accompagner.",
        "Ce qui manque, ce sont des technicien·nes. Revalorisons le lycée professionnel au "
        "lieu de le fragiliser.",
    ),
    "economie": (
        "Un impôt plancher sur les très grandes fortunes ne touche pas les classes moyennes. "
        "Il faut le marteler.",
        "Avant de créer de nouveaux impôts, supprimons les niches fiscales inefficaces. Ça "
        "parle aussi aux électeur·rices modéré·es.",
        "L'économie sociale et solidaire, c'est environ un emploi sur dix, non délocalisable. "
        "On n'en parle jamais assez.",
    ),
    "numerique": (
        "Notre mairie est passée aux logiciels libres il y a trois ans : des économies "
        "réelles, mais il a fallu former les agent·es. La formation, c'est la clé.",
        "Qui décide de la suite de la vidéosurveillance algorithmique, qui contrôle, qui "
        "évalue ? Ce sont les vraies questions.",
        "Reconnaissance faciale dans l'espace public : c'est non. Une fois l'infrastructure "
        "installée, aucun gouvernement futur ne se privera de l'utiliser.",
        "Le numérique, c'est aussi l'inclusion : des conseiller·es numériques dans chaque "
        "maison de services, sur des postes durables.",
    ),
    "quartiers": (
        "Porte-à-porte dans la cité la semaine dernière : les gens ne sont pas dépolitisés, "
        "ils sont en colère qu'on ne vienne les voir qu'avant les élections.",
        "Les associations de quartier tiennent souvent à un ou deux emplois aidés. Quand les "
        "contrats s'arrêtent, tout s'effondre.",
        "Il faut des candidat·es qui viennent des quartiers, pas seulement des candidat·es "
        "qui parlent des quartiers.",
        "La rénovation urbaine a changé les façades, pas toujours la vie des gens. Emploi, "
        "transports, services : c'est là qu'on nous attend.",
    ),
    "culture": (
        "Le pass Culture sert à acheter des mangas ? Et alors, c'est de la lecture. Mais il "
        "faudrait renforcer la part collective, avec les enseignant·es.",
        "Ouvrir les bibliothèques le dimanche, oui, avec des postes créés et des agent·es "
        "volontaires, pas en épuisant les équipes.",
        "La culture en milieu rural, ce sont souvent des bénévoles et un festival d'été. Ils "
        "ont besoin de soutiens pluriannuels, pas d'appels à projets tous les ans.",
    ),
    "agriculture": (
        "L'installation des jeunes, c'est d'abord le foncier : des terres qui partent à "
        "l'agrandissement au lieu d'aller à de nouvelles fermes.",
        "Les cantines de notre ville dépassent 30 % de bio grâce à une régie agricole "
        "municipale. C'est possible, il faut de la volonté politique.",
        "Un revenu digne pour les paysan·nes passe par des prix planchers. Les lois Egalim "
        "n'ont pas suffi face à la grande distribution.",
    ),
    "handicap": (
        "Vingt ans après la loi de 2005, tant de gares et de cabinets médicaux restent "
        "inaccessibles. C'est une honte collective.",
        "Les AESH sont indispensables et payées une misère, à temps partiel imposé. Un vrai "
        "statut, c'est urgent.",
        "En fauteuil, le plus dur n'est pas le handicap, c'est l'accessibilité des "
        "transports : chaque trajet est une expédition.",
    ),
    "democratie": (
        "Les budgets participatifs marchent quand il y a un vrai budget et des projets "
        "réalisés vite. Sinon, c'est de la communication.",
        "Compte rendu de mandat : une réunion publique par an et une lettre tous les six "
        "mois. Ça prend du temps, mais les gens apprécient.",
        "Tirage au sort pour une partie des comités de quartier : on l'a fait, et des gens "
        "qu'on ne voyait jamais sont venus.",
    ),
    "justice": (
        "Quand une maison d'arrêt est à 200 % de sa capacité, on ne prépare pas la "
        "réinsertion, on prépare la récidive.",
        "Les peines alternatives existent dans la loi. Ce qui manque, ce sont les "
        "conseiller·es d'insertion et de probation pour les suivre.",
    ),
    "municipales": (
        "Premier chantier selon moi : le logement. C'est ce qui remonte de toutes les "
        "réunions d'appartement.",
        "Associons les habitant·es dès la construction du programme, avec des ateliers par "
        "quartier, pas une consultation en ligne de plus.",
    ),
}

# Themes without replies of their own borrow those of a neighbour.
REPLY_THEME_ALIASES = {
    "migrations": "vote_etrangers",
    "grand_age": "sante",
    "lgbti": "egalite",
    "sport": "culture",
    "mer": "ecologie",
    "formation": "jeunesse",
    "international": "europe",
    "section": "municipales",
}

EDIT_NOTES = (
    "coquille corrigée",
    "précision ajoutée après relecture",
    "reformulé, ma première version était maladroite",
)

JOIN_MESSAGES = (
    "Bonjour, je suis locataire HLM et le sujet me concerne directement. Je peux participer ?",
    "Bonjour ! Je suis ce sujet depuis longtemps et j'aimerais contribuer.",
    "Je milite dans une association de locataires et je voudrais partager notre expérience.",
    "Bonjour, je viens d'adhérer et j'aimerais beaucoup participer à vos échanges.",
    "",
)

LOCK_NOTE = (
    "Je verrouille ce fil : tout a été dit, et le ton n'était plus celui de la charte. Merci "
    "à toutes et à tous ; on reprend le débat à la réunion du groupe, en présence."
)
SUMMER_LOCK_NOTE = (
    "Les inscriptions à l'université d'été sont closes : je verrouille le fil. Merci aux "
    "nombreuses et nombreux inscrit·es, rendez-vous sur place !"
)
KARIM_HELLO = (
    "Bonjour à toutes et à tous ! Je viens d'adhérer à la section de Bordeaux-Centre, mon "
    "adhésion est en cours de vérification. Je travaille dans la logistique et je voudrais "
    "m'investir sur le logement et les quartiers. Au plaisir de vous croiser en réunion !"
)
JULIE_REPLY = (
    "Sympathisante, c'est mon premier message ici. Je n'ai pas de voiture et je vis dans une "
    "passoire thermique : l'écologie populaire, pour moi, c'est d'abord un bus le dimanche et "
    "un propriétaire obligé d'isoler. Merci pour ce fil !"
)

# ---------------------------------------------------------------------------
# The generator.
# ---------------------------------------------------------------------------

_SIX_MONTHS = timedelta(days=182)


@dataclass(eq=False)
class _Post:
    author: User
    at: datetime
    body: str
    quoted: "_Post | None" = None
    scripted: bool = False
    previous_body: str = ""
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    row: Post | None = None


@dataclass(eq=False)
class _Thread:
    room: "_Room"
    title: str
    posts: list[_Post]
    kind: str  # debate, intro, local
    pinned: bool = False
    locked: bool = False
    row: Thread | None = None


@dataclass(eq=False)
class _Room:
    """A space and who may write in it."""

    space: Space
    theme: str
    # Who may write there, with their propensity to write.
    posters: list[tuple[User, float]]
    # Everyone who belongs (readers, reactors).
    members: list[User]
    animators: list[User]
    champions: list[User] = field(default_factory=list)
    since: datetime | None = None

    def __post_init__(self) -> None:
        self.member_ids = {person.pk for person in self.members}
        # Posts drawn so far, by author.
        self.written: dict[int, int] = defaultdict(int)


@dataclass
class Summary:
    groups: int = 0
    private_groups: int = 0
    memberships: int = 0
    threads: int = 0
    posts: int = 0
    reactions: int = 0
    follows: int = 0
    mutual_pairs: int = 0
    join_requests: int = 0
    notifications: int = 0
    largest_group: str = ""
    largest_group_posts: int = 0
    largest_group_top2_share: float = 0.0
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"Conversations loaded in {self.seconds:.1f} s: {self.groups} groups "
            f"({self.private_groups} private), {self.memberships} memberships, "
            f"{self.threads} threads, {self.posts} posts, {self.reactions} reactions, "
            f"{self.follows} follows ({self.mutual_pairs} mutual pairs), "
            f"{self.join_requests} join requests, {self.notifications} notifications; "
            f"in “{self.largest_group}” two people wrote "
            f"{self.largest_group_top2_share:.0%} of {self.largest_group_posts} posts."
        )


def conversations_loaded(domain: str) -> bool:
    """The marker of this part of the demo: its first group, created by a
    demo person."""
    return (
        Space.objects.groups()
        .filter(name=GROUPS[0].name, created_by__email__endswith=f"@{domain}")
        .exists()
    )


def load_conversations(*, domain: str, seed: int) -> Summary | None:
    """Create the groups and conversations among the demo people of `domain`.
    None if the demo people are not there."""
    started = time.monotonic()
    people = list(
        User.objects.filter(email__endswith=f"@{domain}", is_active=True, erased_at=None)
        .select_related("section")
        .order_by("pk")
    )
    personas = {
        person.email.split("@")[0]: person
        for person in people
        if person.email.split("@")[0] in PERSONA_LOCALS
    }
    if len(personas) < len(PERSONA_LOCALS) or len(people) < 50:
        return None
    with transaction.atomic():
        summary = _Builder(people=people, personas=personas, rng=random.Random(seed)).run()
    summary.seconds = time.monotonic() - started
    return summary


def _top_k(rng: random.Random, items: Sequence[Any], weights: Sequence[float], k: int) -> list[Any]:
    """k items drawn without replacement, with probability ∝ weight
    (Efraimidis and Spirakis)."""
    keyed = [
        (rng.random() ** (1.0 / weight), index)
        for index, weight in enumerate(weights)
        if weight > 0
    ]
    keyed.sort(reverse=True)
    return [items[index] for _key, index in keyed[:k]]


class _Builder:
    def __init__(self, *, people: list[User], personas: dict[str, User], rng: random.Random):
        self.people = people
        self.personas = personas
        self.persona_ids = {p.pk for p in personas.values()}
        self.rng = rng
        self.now = timezone.now()
        self.window_start = self.now - _SIX_MONTHS
        self.by_handle = {p.handle: p for p in people if p.handle}
        self.activity: dict[int, float] = {}
        self.champions: list[User] = []
        self.groups: list[tuple[GroupSpec, Space]] = []
        self.memberships: dict[int, dict[int, int]] = {}  # space pk → user pk → role
        self.threads: list[_Thread] = []
        self.reactions: list[tuple[_Post, User, datetime]] = []
        self.join_requests: list[JoinRequest] = []
        self.invitations: list[Invitation] = []
        self.federations_by_code = {
            unit.code: unit.pk for unit in Unit.objects.federations().only("pk", "code")
        }
        self.summary = Summary()

    # -- people -------------------------------------------------------------

    def _plan_activity(self) -> None:
        """A few very active people, half of the others silent, a Pareto tail
        in between. Territorial animators write at least a little."""
        rng = self.rng
        others = [p for p in self.people if p.pk not in self.persona_ids]
        rng.shuffle(others)
        veterans = [p for p in others if p.date_joined < self.now - timedelta(days=300)]
        self.champions = veterans[:8]
        for person in others:
            self.activity[person.pk] = 0.0 if rng.random() < 0.5 else rng.paretovariate(1.3)
        for rank, person in enumerate(self.champions):
            self.activity[person.pk] = 40.0 - 4 * rank
        animator_ids = set(
            Animator.objects.filter(user__in=self.people).values_list("user_id", flat=True)
        )
        for person in others:
            if person.pk in animator_ids:
                self.activity[person.pk] = max(self.activity[person.pk], 2.0)
        persona_activity = {
            "staff": 1.0,
            "animatrice": 5.0,
            "adherent": 2.5,
            "sympathisant": 0.0,
            "a-verifier": 0.0,
        }
        for local, person in self.personas.items():
            self.activity[person.pk] = persona_activity[local]

    def _engagement(self, person: User) -> float:
        """How likely someone is to join a group: the active join more, but
        silent people join too (they read)."""
        return 1.0 + 2.0 * math.sqrt(self.activity[person.pk])

    # -- groups -------------------------------------------------------------

    def _plan_groups(self) -> None:
        rng = self.rng
        created_count: dict[int, int] = defaultdict(int)
        forced: dict[str, list[tuple[User, int]]] = defaultdict(list)
        for local, name, role in PERSONA_GROUPS:
            forced[name].append((self.personas[local], role))
        animatrice = self.personas["animatrice"]
        for rank, (spec, size) in enumerate(zip(GROUPS, GROUP_SIZES, strict=True)):
            days = rng.uniform(220, 560) if rank < 10 else rng.uniform(45, 500)
            created_at = self.now - timedelta(days=days)
            federation_id = self.federations_by_code.get(spec.federation)
            pool = [
                p
                for p in self.people
                if not spec.federation
                or (p.section is not None and p.section.parent_id == federation_id)
            ]
            if rank == 0:
                creator = self.champions[0]
            elif spec.name == ANIMATRICE_GROUP:
                creator = animatrice
            else:
                candidates = [
                    p
                    for p in pool
                    if p.pk not in self.persona_ids
                    and self.activity[p.pk] > 0
                    and created_count[p.pk] < 2
                    and p.date_joined < created_at - timedelta(days=1)
                ]
                if not candidates:
                    candidates = [p for p in pool if p.pk not in self.persona_ids]
                    created_at = max(p.date_joined for p in candidates) + timedelta(hours=1)
                creator = rng.choices(
                    candidates, weights=[self.activity[p.pk] + 0.5 for p in candidates]
                )[0]
            created_count[creator.pk] += 1
            created_at = max(created_at, creator.date_joined + timedelta(hours=1))
            group = group_create(
                creator=creator,
                name=spec.name,
                description=spec.description,
                visibility=spec.visibility,
                joining=spec.joining,
            )
            group.created_at = created_at
            roles: dict[int, int] = {creator.pk: Role.ANIMATOR}
            for person, role in forced.get(spec.name, []):
                roles[person.pk] = max(roles.get(person.pk, 0), role)
            if rank == 0:
                roles.setdefault(self.champions[1].pk, Role.MODERATOR)
            others = [p for p in pool if p.pk not in roles and p.pk not in self.persona_ids]
            wanted = max(0, size - len(roles))
            for person in _top_k(rng, others, [self._engagement(p) for p in others], wanted):
                roles[person.pk] = Role.MEMBER
            # Moderators among the most active members; a co-animator in the biggest.
            ranked = sorted(
                (pk for pk, role in roles.items() if role == Role.MEMBER),
                key=lambda pk: (-self.activity[pk], pk),
            )
            moderators = 2 if size >= 60 else 1 if size >= 15 else 0
            for pk in ranked[:moderators]:
                roles[pk] = Role.MODERATOR
            if size >= 100 and len(ranked) > moderators:
                roles[ranked[moderators]] = Role.ANIMATOR
            self.groups.append((spec, group))
            self.memberships[group.pk] = roles
        _backdate(Space, [group for _spec, group in self.groups], ["created_at"])

    def _group_rooms(self) -> list[_Room]:
        people = {p.pk: p for p in self.people}
        rooms = []
        for rank, (spec, group) in enumerate(self.groups):
            roles = self.memberships[group.pk]
            members = [people[pk] for pk in roles]
            champions = self.champions[:2] if rank == 0 else []
            posters = []
            for person in members:
                weight = self.activity[person.pk]
                if roles[person.pk] >= Role.MODERATOR:
                    weight = max(weight, 1.5) * 1.5
                if person in champions:
                    continue
                if weight > 0:
                    posters.append((person, weight))
            rooms.append(
                _Room(
                    space=group,
                    theme=spec.theme,
                    posters=posters,
                    members=members,
                    animators=[people[pk] for pk, r in roles.items() if r >= Role.ANIMATOR],
                    champions=champions,
                    since=group.created_at,
                )
            )
        return rooms

    def _territorial_rooms(self) -> tuple[_Room | None, list[_Room], list[_Room]]:
        sections = {p.section_id for p in self.people if p.section_id}
        units = {u.pk: u for u in Unit.objects.filter(pk__in=sections)}
        federation_ids = {u.parent_id for u in units.values() if u.parent_id is not None}
        spaces = {
            space.unit_id: space
            for space in Space.objects.territorial()
            .select_related("unit")
            .filter(
                models.Q(unit_id__in=[*units, *federation_ids]) | models.Q(kind=Space.Kind.NATIONAL)
            )
        }
        animators: dict[int, list[int]] = defaultdict(list)
        for unit_id, user_id in Animator.objects.filter(user__in=self.people).values_list(
            "unit_id", "user_id"
        ):
            animators[unit_id].append(user_id)
        by_pk = {p.pk: p for p in self.people}

        def room(space: Space, members: list[User], theme: str) -> _Room:
            unit_animators = [by_pk[pk] for pk in animators.get(space.unit_id or 0, [])]
            everyone = list({p.pk: p for p in [*members, *unit_animators]}.values())
            posters = [(p, self.activity[p.pk]) for p in everyone if self.activity[p.pk] > 0]
            return _Room(
                space=space,
                theme=theme,
                posters=posters,
                members=everyone,
                animators=unit_animators,
            )

        national_space = next((s for s in spaces.values() if s.kind == Space.Kind.NATIONAL), None)
        national = room(national_space, self.people, "national") if national_space else None
        federations = []
        for federation_id in sorted(federation_ids):
            if federation_id in spaces:
                members = [p for p in self.people if p.section_id in units and (
                    units[p.section_id].parent_id == federation_id
                )]  # fmt: skip
                federations.append(room(spaces[federation_id], members, "federation"))
        section_rooms = []
        for section_id in sorted(units):
            if section_id in spaces:
                members = [p for p in self.people if p.section_id == section_id]
                section_rooms.append(room(spaces[section_id], members, "section"))
        return national, federations, section_rooms

    # -- threads ------------------------------------------------------------

    def _pick_author(
        self, room: _Room, at: datetime, thread_authors: set[int], last: User | None
    ) -> User | None:
        rng = self.rng
        if room.champions:
            # Each champion's chance leans towards its target share, so the
            # group's concentration lands near La Coopol's whatever the draws.
            total = sum(room.written.values())
            draw = rng.random()
            floor = 0.0
            for champion, share in zip(room.champions, CHAMPION_SHARES, strict=True):
                lag = share * total - room.written[champion.pk]
                chance = min(max(share + lag / 8, 0.0), 0.95)
                if floor <= draw < floor + chance and champion.date_joined <= at:
                    room.written[champion.pk] += 1
                    return champion
                floor += chance
        candidates, weights = [], []
        for person, weight in room.posters:
            if person.date_joined > at or (last is not None and person.pk == last.pk):
                continue
            candidates.append(person)
            weights.append(weight * (3.0 if person.pk in thread_authors else 1.0))
        if not candidates:
            return None
        author = rng.choices(candidates, weights=weights)[0]
        room.written[author.pk] += 1
        return author

    def _reply_body(self, thread: _Thread, author: User, used: set[str]) -> str:
        rng = self.rng
        if thread.kind == "intro":
            place = author.commune or (author.section.commune if author.section else "")
            intros = [t for t in INTRO_REPLIES if place or "{commune}" not in t]
            return self._fresh(intros, used).replace("{commune}", place)
        if thread.kind == "local":
            return self._fresh(LOCAL_REPLIES, used)
        theme = REPLY_THEME_ALIASES.get(thread.room.theme, thread.room.theme)
        themed = THEME_REPLIES.get(theme, ())
        pool = themed if themed and rng.random() < 0.55 else GENERIC_REPLIES
        body = self._fresh(pool, used)
        if rng.random() < 0.22 and "\n" not in body and body.endswith("."):
            body = f"{body} {rng.choice(CLOSERS)}"
        return body

    def _fresh(self, pool: Sequence[str], used: set[str]) -> str:
        unused = [text for text in pool if text not in used]
        text = self.rng.choice(unused or list(pool))
        used.add(text)
        return text

    def _thread(
        self,
        room: _Room,
        text: ThreadText,
        kind: str,
        *,
        opener: User | None = None,
        start: datetime | None = None,
        replies: int | None = None,
    ) -> _Thread | None:
        rng = self.rng
        earliest = max(self.window_start, room.since or self.window_start)
        if start is None:
            # More recent threads are a little more frequent (the site grows).
            span = (self.now - timedelta(hours=2) - earliest).total_seconds()
            start = earliest + timedelta(seconds=span * rng.random() ** 0.8)
        if opener is None:
            opener = self._pick_author(room, start, set(), None)
            if opener is None:
                return None
        name = room.space.name
        commune = room.space.unit.commune if room.space.unit else ""
        title, opening = (
            part.replace("{group}", name).replace("{place}", name).replace("{commune}", commune)
            for part in text
        )
        thread = _Thread(room=room, title=title, posts=[_Post(opener, start, opening)], kind=kind)
        if replies is None:
            replies = self._reply_count(room)
        used: set[str] = set()
        authors = {opener.pk}
        at = start
        for _ in range(replies):
            at += timedelta(hours=rng.lognormvariate(0.9, 1.4))
            if at > self.now - timedelta(minutes=5):
                break
            last = thread.posts[-1].author
            author = self._pick_author(room, at, authors, last)
            if author is None:
                continue
            body = self._reply_body(thread, author, used)
            quoted = None
            others = [p for p in thread.posts[1:] if p.author.pk != author.pk]
            if thread.kind == "debate" and others and rng.random() < 0.08:
                quoted = rng.choice(others)
                body = self._fresh(QUOTE_REPLIES, used)
            elif thread.kind != "intro" and rng.random() < 0.12:
                targets = sorted(
                    {
                        p.author.pk: p.author for p in thread.posts if p.author.pk != author.pk
                    }.values(),
                    key=lambda p: p.pk,
                )
                target = rng.choice(targets) if targets else None
                if target is not None and target.handle:
                    body = f"@{target.handle} {body}"
            thread.posts.append(_Post(author, at, body, quoted=quoted))
            authors.add(author.pk)
        return thread

    def _reply_count(self, room: _Room) -> int:
        """Heavy-tailed: most threads get a few replies, a few get dozens."""
        scale = 1.0 + math.log10(max(len(room.members), 1))
        if room.champions:
            scale *= 2.2
        draw = int(self.rng.paretovariate(1.3) * scale) - 1
        return min(draw, self.rng.randint(30, 60))

    def _plan_group_threads(self, rooms: list[_Room]) -> None:
        rng = self.rng
        # Theme threads, biggest groups first: each group gets one of its
        # theme's threads, then the rest goes round again by size.
        pools = {theme: list(texts) for theme, texts in THEME_THREADS.items()}
        for texts in pools.values():
            rng.shuffle(texts)
        wanted: dict[int, int] = {}
        for rank, room in enumerate(rooms):
            size = len(room.members)
            if rank == 0:
                wanted[rank] = 14
            elif size < 10 and rng.random() < 0.2:
                wanted[rank] = 0  # a group created, then left to sleep
            else:
                wanted[rank] = max(1, round(0.8 * size**0.55 * rng.uniform(0.6, 1.3)))
        chosen: dict[int, list[tuple[ThreadText, str]]] = defaultdict(list)
        progress = True
        while progress:
            progress = False
            for rank, room in enumerate(rooms):
                pool = pools.get(room.theme, [])
                if pool and len(chosen[rank]) < wanted[rank]:
                    chosen[rank].append((pool.pop(), "debate"))
                    progress = True
        for rank in range(len(rooms)):
            generic = list(GROUP_THREADS)
            rng.shuffle(generic)
            if rank < PINNED_WELCOME_RANKS:  # big groups' animators open a welcome thread
                generic.remove(GROUP_THREADS[0])
                generic.insert(0, GROUP_THREADS[0])
            while len(chosen[rank]) < wanted[rank] and generic:
                text = generic.pop(0)
                chosen[rank].append((text, "intro" if text is GROUP_THREADS[0] else "debate"))
        for rank, room in enumerate(rooms):
            for text, kind in chosen[rank]:
                if self._is_scripted(room, text):
                    continue
                opener = None
                start = None
                if kind == "intro":
                    opener = room.animators[0]
                    start = max(room.since or self.window_start, self.window_start) + timedelta(
                        days=rng.uniform(0.2, 3)
                    )
                thread = self._thread(room, text, kind, opener=opener, start=start)
                if thread is not None:
                    thread.pinned = kind == "intro" and rank < PINNED_WELCOME_RANKS
                    self.threads.append(thread)

    def _plan_territorial_threads(
        self, national: _Room | None, federations: list[_Room], sections: list[_Room]
    ) -> None:
        rng = self.rng
        if national is not None:
            for index, text in enumerate(NATIONAL_THREADS):
                kind = "intro" if index == 0 else "local" if index == 2 else "debate"
                opener = self.personas["staff"] if index in (0, 1) else None
                start = self.window_start + timedelta(days=1) if index == 0 else None
                replies = 40 if index == 0 else None
                thread = self._thread(
                    national, text, kind, opener=opener, start=start, replies=replies
                )
                if thread is not None:
                    thread.pinned = index == 0
                    self.threads.append(thread)
        for room in federations:
            for text in rng.sample(FEDERATION_THREADS, rng.randint(1, len(FEDERATION_THREADS))):
                thread = self._thread(room, text, "local")
                if thread is not None:
                    self.threads.append(thread)
        home = self.personas["animatrice"].section_id
        for room in sections:
            active = sum(1 for _p, w in room.posters if w > 0)
            count = min(len(SECTION_THREADS), round(active * 0.35 * rng.uniform(0.5, 1.5)))
            if room.space.unit_id == home:
                count = 5
            texts = list(SECTION_THREADS)
            if room.space.unit_id == home:
                texts.remove(SECTION_THREADS[0])  # Nadia's meeting is planned apart
            for text in rng.sample(texts, min(count, len(texts))):
                kind = "debate" if text in SECTION_DEBATES else "local"
                thread = self._thread(room, text, kind)
                if thread is not None:
                    self.threads.append(thread)

    def _is_scripted(self, room: _Room, text: ThreadText) -> bool:
        """The threads opened by the demo logins are planned apart."""
        return (room.space.name, text[0]) in {
            (GROUPS[0].name, THEME_THREADS["vote_etrangers"][3][0]),
            (ANIMATRICE_GROUP, GROUP_THREADS[0][0]),
        }

    def _plan_scripted(self, rooms: list[_Room], sections: list[_Room]) -> None:
        """What the demo logins wrote and what they will find: their threads,
        replies that mention them, Karim's and Julie's first messages."""
        rng = self.rng
        animatrice = self.personas["animatrice"]
        adherent = self.personas["adherent"]
        by_name = {room.space.name: room for room in rooms}
        # Thomas's thread in the largest group, nine days ago, with replies.
        largest = by_name[GROUPS[0].name]
        thread = self._thread(
            largest,
            THEME_THREADS["vote_etrangers"][3],
            "debate",
            opener=adherent,
            start=self.now - timedelta(days=9, hours=3),
            replies=14,
        )
        assert thread is not None
        self._mention(thread, adherent, index=-2)
        self._mention(thread, adherent, index=3)
        self.threads.append(thread)
        # Nadia's welcome thread in her group, pinned.
        logement = by_name[ANIMATRICE_GROUP]
        welcome = self._thread(
            logement,
            GROUP_THREADS[0],
            "intro",
            opener=animatrice,
            start=max(self.window_start, logement.since or self.window_start) + timedelta(days=2),
            replies=9,
        )
        if welcome is not None:
            welcome.pinned = True
            self.threads.append(welcome)
        # Nadia's section meeting, five days ago, pinned, with mentions of her.
        home = next(room for room in sections if room.space.unit_id == animatrice.section_id)
        meeting = self._thread(
            home,
            SECTION_THREADS[0],
            "local",
            opener=animatrice,
            start=self.now - timedelta(days=5, hours=2),
            replies=9,
        )
        assert meeting is not None
        meeting.pinned = True
        self._mention(meeting, animatrice, index=-1)
        self._mention(meeting, animatrice, index=2)
        self.threads.append(meeting)
        # Nadia is mentioned in her group too; Julie and Karim say hello.
        for thread in self.threads:
            if thread.room.space.name == ANIMATRICE_GROUP and thread.kind == "debate":
                self._mention(thread, animatrice, index=-1)
                break
        julie = self.personas["sympathisant"]
        ecology = next(
            (
                t
                for t in self.threads
                if t.room.space.name == "Écologie populaire"
                and t.title == THEME_THREADS["ecologie"][0][0]
            ),
            None,
        ) or next(t for t in self.threads if t.room.space.name == "Écologie populaire")
        self._add_scripted(
            ecology, julie, self.now - timedelta(days=rng.uniform(20, 40)), JULIE_REPLY
        )
        national_intro = next(
            t
            for t in self.threads
            if t.room.space.kind == Space.Kind.NATIONAL and t.kind == "intro"
        )
        self._add_scripted(
            national_intro, self.personas["a-verifier"], self.now - timedelta(days=11), KARIM_HELLO
        )

    def _mention(self, thread: _Thread, person: User, *, index: int) -> None:
        """Make a reply of the thread (not the person's) mention the person."""
        replies = [p for p in thread.posts[1:] if p.author.pk != person.pk and not p.scripted]
        if not replies or not person.handle:
            return
        post = replies[index % len(replies)]
        if f"@{person.handle}" not in post.body:
            post.body = f"@{person.handle} {post.body}"
        post.scripted = True

    def _add_scripted(self, thread: _Thread, author: User, at: datetime, body: str) -> None:
        at = max(at, thread.posts[0].at + timedelta(hours=1), author.date_joined)
        thread.posts.append(_Post(author, at, body, scripted=True))
        thread.posts.sort(key=lambda p: p.at)

    def _plan_locks(self) -> None:
        """One heated thread locked by its group's animator, and the summer
        school thread closed by the staff."""
        heated = {title for title, _opening in THEME_THREADS["laicite"]}
        laicite = [t for t in self.threads if t.title in heated and len(t.posts) > 2]
        summer = [t for t in self.threads if t.title == NATIONAL_THREADS[2][0]]
        for thread, author, note in (
            (max(laicite, key=lambda t: len(t.posts), default=None), None, LOCK_NOTE),
            (summer[0] if summer else None, self.personas["staff"], SUMMER_LOCK_NOTE),
        ):
            if thread is None:
                continue
            closer = author or thread.room.animators[0]
            at = thread.posts[-1].at + timedelta(hours=2)
            if at < self.now:
                thread.posts.append(_Post(closer, at, note, scripted=True))
            thread.locked = True

    def _plan_edits_and_deletions(self) -> None:
        rng = self.rng
        quoted = {id(p.quoted) for t in self.threads for p in t.posts if p.quoted is not None}
        for thread in self.threads:
            for index, post in enumerate(thread.posts):
                if post.scripted:
                    continue
                draw = rng.random()
                if index > 0 and draw < 0.015 and id(post) not in quoted:
                    post.deleted_at = min(
                        post.at + timedelta(minutes=rng.uniform(10, 3 * 24 * 60)), self.now
                    )
                    post.body = ""
                elif draw > 0.965:
                    typo = _typo(post.body, rng)
                    note = EDIT_NOTES[0] if typo else rng.choice(EDIT_NOTES[1:])
                    post.previous_body = typo or post.body
                    post.body = f"{post.body}\n\n*Édit : {note}.*"
                    post.edited_at = min(post.at + timedelta(minutes=rng.uniform(3, 180)), self.now)

    def _plan_reactions(self) -> None:
        rng = self.rng
        for thread in self.threads:
            members = thread.room.members
            for index, post in enumerate(thread.posts):
                if post.deleted_at is not None:
                    continue
                count = int(rng.paretovariate(1.6)) - 1 + (1 if index == 0 else 0)
                if count <= 0:
                    continue
                candidates = rng.sample(members, min(len(members), count * 2 + 2))
                given = 0
                for person in candidates:
                    if given >= count:
                        break
                    at = post.at + timedelta(hours=rng.lognormvariate(0.5, 1.3))
                    if person.pk == post.author.pk or person.date_joined > at or at > self.now:
                        continue
                    self.reactions.append((post, person, at))
                    given += 1

    # -- writing ------------------------------------------------------------

    def run(self) -> Summary:
        self._plan_activity()
        self._plan_groups()
        group_rooms = self._group_rooms()
        national, federations, sections = self._territorial_rooms()
        self._plan_group_threads(group_rooms)
        self._plan_territorial_threads(national, federations, sections)
        self._plan_scripted(group_rooms, sections)
        self._plan_locks()
        self._plan_edits_and_deletions()
        self._plan_reactions()
        self.threads.sort(key=lambda t: t.posts[0].at)
        self._write_threads()
        self._write_memberships()
        self._write_follows()
        self._write_read_states()
        self._write_notifications()
        self._summarise()
        return self.summary

    def _write_threads(self) -> None:
        threads = []
        for planned in self.threads:
            planned.row = Thread(
                space=planned.room.space,
                author=planned.posts[0].author,
                title=planned.title,
                search_key=normalize_for_search(planned.title),
                post_count=len(planned.posts),
                pinned=planned.pinned,
                locked=planned.locked,
            )
            threads.append(planned.row)
        Thread.objects.bulk_create(threads, batch_size=500)
        for planned in self.threads:
            assert planned.row is not None
            planned.row.created_at = planned.posts[0].at
            planned.row.last_activity_at = planned.posts[-1].at
        _backdate(Thread, threads, ["created_at", "last_activity_at"])

        rendered: dict[str, str] = {}
        posts: list[Post] = []
        revisions: list[PostRevision] = []
        mentions: list[tuple[_Post, User]] = []
        for planned in self.threads:
            for position, p in enumerate(planned.posts):
                people = self._mentioned(p.body)
                p.row = Post(
                    thread=planned.row,
                    space=planned.room.space,
                    is_reply=position > 0,
                    author=p.author,
                    body=p.body,
                    body_html=self._render(p.body, people, rendered) if p.body else "",
                    search_key=normalize_for_search(p.body),
                    edited_at=p.edited_at,
                    deleted_at=p.deleted_at,
                )
                posts.append(p.row)
                mentions.extend((p, person) for person in people.values())
        Post.objects.bulk_create(posts, batch_size=500)
        for planned in self.threads:
            for p in planned.posts:
                assert p.row is not None
                p.row.created_at = p.at
                p.row.quoted = p.quoted.row if p.quoted is not None else None
                if p.previous_body:
                    people = self._mentioned(p.previous_body)
                    revisions.append(
                        PostRevision(
                            post=p.row,
                            body=p.previous_body,
                            body_html=self._render(p.previous_body, people, rendered),
                            written_at=p.at,
                        )
                    )
        _backdate(Post, posts, ["created_at", "quoted"])
        PostRevision.objects.bulk_create(revisions, batch_size=500)
        Mention.objects.bulk_create(
            (Mention(post=p.row, user=person) for p, person in mentions), batch_size=500
        )
        reactions = [
            Reaction(post=post.row, user=person, kind=Reaction.Kind.THUMBS_UP)
            for post, person, _at in self.reactions
        ]
        Reaction.objects.bulk_create(reactions, batch_size=500)
        for reaction, (_post, _person, at) in zip(reactions, self.reactions, strict=True):
            reaction.created_at = at
        _backdate(Reaction, reactions, ["created_at"])
        self.summary.threads = len(threads)
        self.summary.posts = len(posts)
        self.summary.reactions = len(reactions)

    def _mentioned(self, body: str) -> dict[str, User]:
        return {h: self.by_handle[h] for h in mentions_in(body) if h in self.by_handle}

    @staticmethod
    def _render(body: str, people: dict[str, User], cache: dict[str, str]) -> str:
        if body not in cache:
            cache[body] = render_post_body(body, people)
        return cache[body]

    def _write_memberships(self) -> None:
        """Members joined before their first post or reaction in the group;
        request-only groups keep the requests, invitation-only ones the
        invitations; a few requests wait for an answer."""
        rng = self.rng
        first_seen: dict[tuple[int, int], datetime] = {}

        def seen(space: Space, person: User, at: datetime) -> None:
            key = (space.pk, person.pk)
            if key not in first_seen or at < first_seen[key]:
                first_seen[key] = at

        for thread in self.threads:
            for post in thread.posts:
                seen(thread.room.space, post.author, post.at)
        for post, person, at in self.reactions:
            seen(self._space_of(post), person, at)
        people = {p.pk: p for p in self.people}
        existing = {
            (m.space_id, m.user_id): m
            for m in Membership.objects.filter(space__in=[g for _s, g in self.groups])
        }
        new, updated = [], []
        joined_at: dict[tuple[int, int], datetime] = {}
        requests: list[tuple[JoinRequest, datetime]] = []
        invitations: list[tuple[Invitation, datetime]] = []
        for spec, group in self.groups:
            roles = self.memberships[group.pk]
            creator = group.created_by
            assert creator is not None
            for pk, role in roles.items():
                person = people[pk]
                low = max(group.created_at, person.date_joined)
                high = min(first_seen.get((group.pk, pk), self.now), self.now)
                joined = group.created_at if pk == creator.pk else low + (high - low) * rng.random()
                membership = existing.get((group.pk, pk))
                if membership is None:
                    membership = Membership(space=group, user=person, role=role)
                    new.append(membership)
                else:
                    membership.role = role
                    updated.append(membership)
                joined_at[(group.pk, pk)] = joined
                if pk == creator.pk:
                    continue
                if spec.joining == REQUEST:
                    asked = max(joined - timedelta(hours=rng.uniform(2, 72)), person.date_joined)
                    requests.append(
                        (
                            JoinRequest(
                                space=group,
                                user=person,
                                message=rng.choice(JOIN_MESSAGES),
                                status=JoinRequest.Status.ACCEPTED,
                                decided_by=creator,
                                decided_at=joined,
                            ),
                            asked,
                        )
                    )
                elif spec.joining == INVITATION:
                    invited = max(joined - timedelta(hours=rng.uniform(1, 96)), creator.date_joined)
                    invitations.append(
                        (
                            Invitation(
                                space=group, user=person, invited_by=creator, accepted_at=joined
                            ),
                            invited,
                        )
                    )
        Membership.objects.bulk_create(new, batch_size=500)
        for membership in [*new, *updated]:
            membership.joined_at = joined_at[(membership.space_id, membership.user_id)]
        _backdate(Membership, [*new, *updated], ["joined_at", "role"])
        requests.extend(self._pending_requests())
        invitations.extend(self._pending_invitations())
        JoinRequest.objects.bulk_create([r for r, _at in requests], batch_size=500)
        for request, at in requests:
            request.created_at = at
        _backdate(JoinRequest, [r for r, _at in requests], ["created_at"])
        Invitation.objects.bulk_create([i for i, _at in invitations], batch_size=500)
        for invitation, at in invitations:
            invitation.created_at = at
        _backdate(Invitation, [i for i, _at in invitations], ["created_at"])
        self.join_requests = [r for r, _at in requests]
        self.invitations = [i for i, _at in invitations]
        self.summary.groups = len(self.groups)
        self.summary.private_groups = sum(g.visibility == PRIVATE for _s, g in self.groups)
        self.summary.memberships = len(new) + len(updated)
        self.summary.join_requests = len(requests)

    def _space_of(self, post: _Post) -> Space:
        assert post.row is not None and post.row.thread is not None
        return post.row.thread.space

    def _pending_requests(self) -> list[tuple[JoinRequest, datetime]]:
        """Requests waiting for an answer: Karim and two others at Nadia's
        group, one or two elsewhere; one refused request for the record."""
        rng = self.rng
        pending = []
        for spec, group in self.groups:
            if spec.joining != REQUEST:
                continue
            roles = self.memberships[group.pk]
            outsiders = [
                p for p in self.people if p.pk not in roles and p.pk not in self.persona_ids
            ]
            if spec.name == ANIMATRICE_GROUP:
                askers = [self.personas["a-verifier"], *rng.sample(outsiders, 2)]
            else:
                askers = rng.sample(outsiders, rng.randint(0, 2))
            for person in askers:
                at = max(self.now - timedelta(days=rng.uniform(0.2, 10)), person.date_joined)
                message = (
                    JOIN_MESSAGES[0] if person.pk == self.personas["a-verifier"].pk
                    else rng.choice(JOIN_MESSAGES)
                )  # fmt: skip
                pending.append((JoinRequest(space=group, user=person, message=message), at))
            if spec.name == "Laïcité" and outsiders:
                person = rng.choice([p for p in outsiders if p not in askers])
                at = max(self.now - timedelta(days=40), person.date_joined)
                pending.append(
                    (
                        JoinRequest(
                            space=group,
                            user=person,
                            status=JoinRequest.Status.REFUSED,
                            decided_by=group.created_by,
                            decided_at=at + timedelta(days=1),
                        ),
                        at,
                    )
                )
        return pending

    def _pending_invitations(self) -> list[tuple[Invitation, datetime]]:
        group = next(g for s, g in self.groups if s.name == INVITED_GROUP)
        julie = self.personas["sympathisant"]
        if julie.pk in self.memberships[group.pk]:
            return []
        at = self.now - timedelta(days=2, hours=5)
        return [(Invitation(space=group, user=julie, invited_by=group.created_by), at)]

    def _write_follows(self) -> None:
        """A few hundred follows, more towards the active people and within a
        section, about a third of them returned (coopains)."""
        rng = self.rng
        pairs: dict[tuple[int, int], datetime] = {}
        people = self.people
        by_pk = {p.pk: p for p in people}
        popularity = [1.0 + self.activity[p.pk] for p in people]

        def follow(a: User, b: User) -> None:
            if a.pk == b.pk or (a.pk, b.pk) in pairs:
                return
            low = max(a.date_joined, b.date_joined)
            pairs[(a.pk, b.pk)] = low + (self.now - low) * rng.random()

        by_section: dict[int, list[User]] = defaultdict(list)
        for person in people:
            if person.section_id:
                by_section[person.section_id].append(person)
        for person in people:
            active = self.activity[person.pk] > 0
            count = int(rng.paretovariate(1.8)) - 1 + (2 if active else 0)
            neighbours = by_section.get(person.section_id or 0, [])
            for _ in range(min(count, 25)):
                if neighbours and rng.random() < 0.4:
                    target = rng.choice(neighbours)
                else:
                    target = rng.choices(people, weights=popularity)[0]
                follow(person, target)
        p = self.personas
        for one, other in (
            ("adherent", "animatrice"),
            ("animatrice", "adherent"),
            ("sympathisant", "animatrice"),
            ("animatrice", "sympathisant"),
            ("adherent", "sympathisant"),
            ("a-verifier", "animatrice"),
            ("staff", "animatrice"),
        ):
            follow(p[one], p[other])
        for champion in self.champions[:3]:
            follow(p["adherent"], champion)
            follow(champion, p["adherent"])
        for a, b in list(pairs):
            same_section = by_pk[a].section_id is not None and (
                by_pk[a].section_id == by_pk[b].section_id
            )
            if rng.random() < (0.55 if same_section else 0.3):
                follow(by_pk[b], by_pk[a])
        rows = [Follow(follower_id=a, followed_id=b) for a, b in pairs]
        Follow.objects.bulk_create(rows, batch_size=500)
        for row in rows:
            row.created_at = pairs[(row.follower_id, row.followed_id)]
        _backdate(Follow, rows, ["created_at"])
        self.summary.follows = len(rows)
        self.summary.mutual_pairs = sum(1 for a, b in pairs if a < b and (b, a) in pairs)

    def _write_read_states(self) -> None:
        """People have read the threads they wrote in, up to their last post or
        further; the demo logins have read the older threads of their spaces,
        not the recent ones."""
        rng = self.rng
        read: dict[tuple[int, int], datetime] = {}
        for thread in self.threads:
            assert thread.row is not None
            last_activity = thread.posts[-1].at
            for post in thread.posts:
                key = (thread.row.pk, post.author.pk)
                upto = last_activity if rng.random() < 0.5 else post.at
                read[key] = max(read.get(key, upto), upto)
        recent = self.now - timedelta(days=10)
        for person in self.personas.values():
            for thread in self.threads:
                assert thread.row is not None
                if person.pk not in thread.room.member_ids:
                    continue
                if thread.posts[-1].at < recent and person.date_joined < thread.posts[-1].at:
                    read[(thread.row.pk, person.pk)] = thread.posts[-1].at
        ReadState.objects.bulk_create(
            (
                ReadState(thread_id=thread_id, user_id=user_id, last_read_at=at)
                for (thread_id, user_id), at in read.items()
            ),
            batch_size=500,
        )

    def _write_notifications(self) -> None:
        """A handful of notifications for the demo logins, about what really
        happened: mentions, replies in their threads, quotes of their
        messages, join requests to Nadia's group, an invitation for Julie."""
        rows: list[tuple[Notification, datetime, bool]] = []
        for local in ("animatrice", "adherent", "sympathisant"):
            person = self.personas[local]
            found = []
            for thread in self.threads:
                if person.pk not in thread.room.member_ids:
                    continue
                for post in thread.posts[1:]:
                    if post.author.pk == person.pk or post.deleted_at is not None:
                        continue
                    if person.handle and f"@{person.handle}" in post.body:
                        found.append((post.at, Kind.MENTION, thread, post))
                    elif post.quoted is not None and post.quoted.author.pk == person.pk:
                        found.append((post.at, Kind.QUOTE, thread, post))
                    elif thread.posts[0].author.pk == person.pk:
                        found.append((post.at, Kind.REPLY, thread, post))
            found.sort(key=lambda item: item[0], reverse=True)
            for index, (at, kind, thread, post) in enumerate(found[:8]):
                rows.append(
                    (
                        Notification(
                            recipient=person,
                            kind=kind,
                            actor=post.author,
                            space=thread.room.space,
                            thread=thread.row,
                            post=post.row,
                        ),
                        at,
                        index < 4,
                    )
                )
        for request in self.join_requests:
            if (
                request.status == JoinRequest.Status.PENDING
                and request.space.name == ANIMATRICE_GROUP
            ):
                rows.append(
                    (
                        Notification(
                            recipient=self.personas["animatrice"],
                            kind=Kind.JOIN_REQUEST,
                            actor=request.user,
                            space=request.space,
                        ),
                        request.created_at,
                        True,
                    )
                )
        for invitation in self.invitations:
            if invitation.accepted_at is None:
                rows.append(
                    (
                        Notification(
                            recipient=invitation.user,
                            kind=Kind.INVITATION,
                            actor=invitation.invited_by,
                            space=invitation.space,
                        ),
                        invitation.created_at,
                        True,
                    )
                )
        notifications = [n for n, _at, _unread in rows]
        for notification, at, unread in rows:
            notification.read_at = None if unread else min(at + timedelta(hours=3), self.now)
        Notification.objects.bulk_create(notifications)
        for notification, at, _unread in rows:
            notification.created_at = at
        _backdate(Notification, notifications, ["created_at"])
        self.summary.notifications = len(notifications)

    def _summarise(self) -> None:
        spec, group = self.groups[0]
        counts: dict[int, int] = defaultdict(int)
        for thread in self.threads:
            if thread.room.space.pk == group.pk:
                for post in thread.posts:
                    counts[post.author.pk] += 1
        total = sum(counts.values())
        top2 = sum(sorted(counts.values(), reverse=True)[:2])
        self.summary.largest_group = spec.name
        self.summary.largest_group_posts = total
        self.summary.largest_group_top2_share = top2 / total if total else 0.0


def _typo(body: str, rng: random.Random) -> str:
    """The body with two letters swapped in one long word: the version before
    "coquille corrigée". Empty if there is no suitable word."""
    words = [w for w in body.split(" ") if len(w) >= 7 and w.isalpha()]
    if not words:
        return ""
    word = rng.choice(words)
    middle = len(word) // 2
    swapped = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    if swapped == word:
        return ""
    return body.replace(word, swapped, 1)


def _backdate(model: type[models.Model], rows: Iterable[models.Model], fields: list[str]) -> None:
    """Write the planned values of `fields` (dates that `auto_now_add` set to
    now on insert, and links known only after the insert) in one
    `executemany`: much faster than `bulk_update`'s CASE expressions."""
    rows = list(rows)
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [f for name in fields if isinstance(f := meta.get_field(name), models.Field)]
    assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in columns)
    pk_column = str(meta.pk.column) if meta.pk is not None else "id"
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608 - names from the model
        f"WHERE {quote(pk_column)} = %s"
    )
    params = [
        [column.get_db_prep_save(getattr(row, column.attname), connection) for column in columns]
        + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
