"""French texts for the generated rows: a pool of bodies and titles made once
from a seed, each rendered (`render_markdown`) and normalised
(`normalize_for_search`) as the services do, then drawn from for millions of
rows."""

import random
from dataclasses import dataclass

from faker.providers.address.fr_FR import Provider as Address
from faker.providers.person.fr_FR import Provider as Person

from membrane.core.markdown import render_markdown
from membrane.core.text import normalize_for_search

FIRST_NAMES: tuple[str, ...] = tuple(sorted({*Person.first_names_female, *Person.first_names_male}))
LAST_NAMES: tuple[str, ...] = tuple(sorted(set(Person.last_names)))
STREETS: tuple[str, ...] = ("rue", "avenue", "boulevard", "place", "chemin", "allée")
CITY_PREFIXES: tuple[str, ...] = tuple(Address.city_prefixes)
CITY_SUFFIXES: tuple[str, ...] = tuple(Address.city_suffixes)

THEMES: tuple[str, ...] = (
    "Services publics",
    "Écologie populaire",
    "Hôpital public",
    "École publique",
    "Logement",
    "Retraites",
    "Transports du quotidien",
    "Féminisme et égalité",
    "Europe sociale",
    "Laïcité",
    "Agriculture paysanne",
    "Culture pour tous",
    "Numérique et communs",
    "Quartiers populaires",
    "Ruralité",
    "Travail et syndicalisme",
    "Jeunesse",
    "Sport amateur",
    "Santé mentale",
    "Énergie",
)

_OPENINGS = (
    "Je propose qu'on en parle à la prochaine réunion.",
    "Bonne idée, je suis partant·e pour aider.",
    "Dans ma commune, la situation est la même depuis deux ans.",
    "Merci pour ce compte rendu très clair.",
    "Je ne suis pas tout à fait d'accord avec cette analyse.",
    "Quelqu'un a-t-il les chiffres de l'Insee sur ce point ?",
    "On pourrait organiser un porte-à-porte samedi matin.",
    "J'ai assisté au conseil municipal hier soir.",
    "Le tract est prêt, il reste à l'imprimer.",
    "C'est exactement ce que disent les habitant·es du quartier.",
    "Attention à ne pas opposer les territoires entre eux.",
    "Les soignant·es de l'hôpital nous ont écrit cette semaine.",
    "Pour le marché de dimanche, il nous faut trois personnes de plus.",
    "La fermeture du bureau de poste a été confirmée.",
    "Je relaie l'appel de l'intersyndicale pour jeudi.",
    "Voici le lien vers le document de travail de la fédération.",
)
_MIDDLES = (
    "Les loyers ont encore augmenté de 4 % cette année et les listes d'attente s'allongent.",
    "La ligne de bus 12 ne passe plus qu'une fois par heure le week-end.",
    "Il manque six postes d'enseignant·es dans la circonscription à la rentrée.",
    "Le projet de centre de santé municipal avance, la délibération passe en mars.",
    "Nous avons recueilli plus de 800 signatures pour la pétition.",
    "La cantine bio à un euro fonctionne déjà dans deux communes voisines.",
    "La réunion publique a rassemblé une soixantaine de personnes.",
    "Les chiffres du chômage des jeunes restent très élevés dans notre bassin d'emploi.",
    "L'isolation des logements sociaux doit être la priorité du prochain budget.",
    "Les urgences ont fermé trois nuits le mois dernier faute de médecins.",
    "Le covoiturage domicile-travail pourrait être soutenu par la région.",
    "Les associations de quartier demandent une salle municipale ouverte le soir.",
)
_CLOSINGS = (
    "Qu'en pensez-vous ?",
    "À suivre.",
    "Je mets ça à l'ordre du jour.",
    "Solidairement.",
    "On en reparle jeudi.",
    "Merci à toutes et à tous.",
)
_TITLE_SUBJECTS = (
    "Compte rendu",
    "Proposition",
    "Appel à volontaires",
    "Question",
    "Débat",
    "Retour d'expérience",
    "Mobilisation",
    "Pétition",
    "Réunion publique",
    "Tract",
)


@dataclass(frozen=True)
class Text:
    body: str
    html: str
    search_key: str


def _body(rng: random.Random) -> str:
    parts = [rng.choice(_OPENINGS)]
    for _ in range(rng.randint(0, 3)):
        parts.append(rng.choice(_MIDDLES))
    shape = rng.random()
    if shape < 0.1:
        items = rng.sample(_MIDDLES, 3)
        parts.append("\n" + "\n".join(f"- {item}" for item in items) + "\n")
    elif shape < 0.2:
        parts.append(f"**{rng.choice(_CLOSINGS)}**")
    else:
        parts.append(rng.choice(_CLOSINGS))
    return " ".join(parts[:-1]) + "\n\n" + parts[-1]


def text_pool(rng: random.Random, size: int) -> list[Text]:
    pool = []
    for _ in range(size):
        body = _body(rng)
        pool.append(Text(body, render_markdown(body), normalize_for_search(body)))
    return pool


def title_pool(rng: random.Random, size: int) -> list[tuple[str, str]]:
    """Titles and their search keys."""
    titles = []
    for _ in range(size):
        title = f"{rng.choice(_TITLE_SUBJECTS)} : {rng.choice(THEMES).lower()}"
        if rng.random() < 0.5:
            title += f" à {rng.choice(LAST_NAMES)}"
        titles.append((title, normalize_for_search(title)))
    return titles


def commune_name(rng: random.Random) -> str:
    shape = rng.random()
    last = rng.choice(LAST_NAMES)
    if shape < 0.3:
        return f"{rng.choice(CITY_PREFIXES)}-{last}"
    if shape < 0.6:
        suffix = rng.choice(CITY_SUFFIXES)
        return f"{last}{suffix}" if suffix.startswith("-") else f"{last}-{suffix}"
    return last
