"""Two national quizzes of civic education for the demo. Idempotent: a quiz
already there (by title) is left as it is."""

from django.db import transaction

from membrane.quizzes.models import Choice, Question, Quiz

# (question, choices, index of the correct one, explanation)
type DemoQuestion = tuple[str, list[str], int, str]

QUIZZES: list[tuple[str, str, list[DemoQuestion]]] = [
    (
        "Connais-tu les institutions locales ?",
        "Commune, département, région : qui décide de quoi près de chez toi ? Cinq questions "
        "pour vérifier, avec une explication après chaque réponse.",
        [
            (
                "Qui élit le maire ?",
                [
                    "Les habitants, directement",
                    "Le conseil municipal",
                    "Le préfet",
                    "Le conseil départemental",
                ],
                1,
                "Les électeurs élisent le conseil municipal ; c'est ensuite le conseil municipal "
                "qui élit le maire parmi ses membres, lors de sa première séance.",
            ),
            (
                "Pour combien d'années sont élus les conseillers municipaux ?",
                ["4 ans", "5 ans", "6 ans", "7 ans"],
                2,
                "Le mandat municipal dure six ans ; les dernières élections municipales "
                "générales ont eu lieu en 2020.",
            ),
            (
                "Quelle collectivité gère les collèges ?",
                ["La commune", "Le département", "La région", "L'État seul"],
                1,
                "Le département construit et entretient les collèges ; la région s'occupe des "
                "lycées et la commune des écoles maternelles et élémentaires.",
            ),
            (
                "Quelle collectivité verse le RSA (revenu de solidarité active) ?",
                ["La commune", "La région", "Le département", "La Sécurité sociale"],
                2,
                "L'action sociale est la grande compétence du département : il finance le RSA, "
                "l'aide aux personnes âgées (APA) et la protection de l'enfance.",
            ),
            (
                "Combien de régions compte la France métropolitaine depuis 2016 ?",
                ["13", "18", "22", "27"],
                0,
                "La réforme de 2015 a ramené les régions métropolitaines de 22 à 13 ; avec les "
                "cinq régions d'outre-mer, la France en compte 18.",
            ),
        ],
    ),
    (
        "Histoire du droit de vote en France",
        "Du suffrage censitaire au vote à 18 ans : les grandes dates d'une conquête. Cinq "
        "questions, une explication après chacune.",
        [
            (
                "En quelle année le suffrage universel masculin est-il établi durablement ?",
                ["1789", "1848", "1875", "1905"],
                1,
                "Après la révolution de février 1848, le suffrage universel masculin remplace le "
                "suffrage censitaire, qui réservait le vote aux hommes payant un certain impôt.",
            ),
            (
                "En quelle année les femmes votent-elles pour la première fois en France ?",
                ["1936", "1944", "1945", "1958"],
                2,
                "L'ordonnance du 21 avril 1944 leur accorde le droit de vote ; elles votent pour "
                "la première fois aux élections municipales du 29 avril 1945.",
            ),
            (
                "Qui abaisse la majorité électorale de 21 à 18 ans, en 1974 ?",
                [
                    "Le général de Gaulle",
                    "Georges Pompidou",
                    "Valéry Giscard d'Estaing",
                    "François Mitterrand",
                ],
                2,
                "La loi du 5 juillet 1974, voulue par Valéry Giscard d'Estaing au début de son "
                "septennat, fixe la majorité civile et électorale à 18 ans.",
            ),
            (
                "Depuis quand le président de la République est-il élu au suffrage universel "
                "direct ?",
                ["1848", "1958", "1962", "1981"],
                2,
                "Le référendum du 28 octobre 1962 l'institue ; la première élection a lieu en "
                "1965. Louis-Napoléon Bonaparte avait déjà été élu ainsi en 1848, une seule fois.",
            ),
            (
                "Quels étrangers peuvent voter aux élections municipales en France ?",
                [
                    "Aucun",
                    "Les citoyens de l'Union européenne résidant en France",
                    "Tous les étrangers résidant depuis cinq ans",
                    "Les seuls ressortissants des pays francophones",
                ],
                1,
                "Depuis le traité de Maastricht (1992), appliqué aux municipales de 2001, les "
                "citoyens européens qui résident en France votent aux municipales et aux "
                "européennes ; les autres étrangers n'ont pas le droit de vote.",
            ),
        ],
    ),
]


@transaction.atomic
def load_quizzes() -> list[Quiz]:
    """Create the demo quizzes missing, published and national."""
    quizzes = []
    for title, intro, questions in QUIZZES:
        quiz = Quiz.objects.filter(title=title, space=None).first()
        if quiz is None:
            quiz = Quiz.objects.create(title=title, intro=intro, is_published=True)
            for position, (text, choices, correct, explanation) in enumerate(questions):
                question = Question.objects.create(
                    quiz=quiz, position=position, text=text, explanation=explanation
                )
                Choice.objects.bulk_create(
                    Choice(
                        question=question, position=index, text=choice, is_correct=index == correct
                    )
                    for index, choice in enumerate(choices)
                )
        quizzes.append(quiz)
    return quizzes
