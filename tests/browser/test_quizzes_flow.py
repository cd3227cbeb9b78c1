"""A quiz in a real browser, in French: a member takes the demo quiz on
local institutions, first forgetting a question (refused, the answers
kept), then answers; sees the score and the explanations; opted in to the
leaderboard, they appear there. axe-core checks each page."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from membrane.quizzes.demo import QUIZZES, load_quizzes
from membrane.quizzes.models import Attempt, Quiz
from membrane.spaces.services import territorial_space_ensure
from tests.browser.test_conversations_flow import fr, fr_plural, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_takes_a_quiz_sees_the_explanations_and_joins_the_leaderboard(
    page: Page, live_server, member_named, axe_check
):
    quiz = load_quizzes()[0]
    title, _intro, questions = QUIZZES[0]
    person = member_named("Amina", "Diallo")

    log_in(page, live_server, person)
    page.goto(live_server.url + reverse("quizzes:list"))
    axe_check(page)
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    axe_check(page)

    # Right answers but for the last question, which is forgotten at first.
    main = page.get_by_role("main")
    for number, (text, choices, correct, _explanation) in enumerate(questions[:-1], start=1):
        group = main.get_by_role("group", name=f"{number}. {text}")
        group.get_by_label(choices[correct], exact=True).check()
    main.get_by_label(fr("Show my score on the leaderboard")).check()
    main.get_by_role("button", name=fr("Submit my answers")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        fr_plural(
            "%(counter)s question needs an answer: see below.",
            "%(counter)s questions need an answer: see below.",
            1,
        )
    )
    first_text, first_choices, first_correct, _ = questions[0]
    expect(
        main.get_by_role("group", name=f"1. {first_text}").get_by_label(
            first_choices[first_correct], exact=True
        )
    ).to_be_checked()
    axe_check(page)

    # The last one, answered wrongly.
    last_text, last_choices, last_correct, last_explanation = questions[-1]
    wrong = next(c for i, c in enumerate(last_choices) if i != last_correct)
    main.get_by_role("group", name=f"{len(questions)}. {last_text}").get_by_label(
        wrong, exact=True
    ).check()
    main.get_by_role("button", name=fr("Submit my answers")).click()

    total = len(questions)
    expect(page.get_by_role("main")).to_contain_text(
        fr("Your score: %(score)s / %(total)s", score=total - 1, total=total)
    )
    for _text, _choices, _correct, explanation in questions:
        expect(page.get_by_role("main")).to_contain_text(explanation)
    expect(page.get_by_role("main")).to_contain_text(last_explanation)
    expect(page.get_by_role("main")).to_contain_text(fr("Your score is shown on the leaderboard."))
    axe_check(page)

    page.get_by_role("link", name=fr("See the leaderboard")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        fr("Leaderboard: %(title)s", title=title)
    )
    row = page.locator("tbody tr[aria-current='true']")
    expect(row).to_contain_text(person.public_name)
    expect(row).to_contain_text(f"{total - 1} / {total}")
    axe_check(page)

    attempt = Attempt.objects.get(quiz=quiz, user=person)
    assert attempt.show_on_leaderboard and attempt.score == total - 1


def test_an_animator_writes_a_quiz_for_the_section_and_publishes_it(
    page: Page, live_server, section, section_animator, axe_check
):
    space = territorial_space_ensure(section)
    log_in(page, live_server, section_animator)
    page.goto(live_server.url + reverse("quizzes:space", args=[space.slug]))
    axe_check(page)
    page.get_by_role("link", name=fr("New quiz")).click()
    axe_check(page)
    main = page.get_by_role("main")
    main.get_by_label(fr("title").capitalize(), exact=True).fill("La section et la commune")
    main.get_by_role("button", name=fr("Create the quiz")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("La section et la commune")
    axe_check(page)

    main = page.get_by_role("main")
    main.get_by_label(fr("Question"), exact=True).fill("Qui élit le maire ?")
    main.get_by_label(fr("Answer %(number)d", number=1), exact=True).fill("Les habitants")
    main.get_by_label(fr("Answer %(number)d", number=2), exact=True).fill("Le conseil municipal")
    main.get_by_label(fr("The correct answer")).select_option("2")
    main.get_by_label(fr("Explanation")).fill("Le conseil municipal élit le maire.")
    main.get_by_role("button", name=fr("Add the question")).click()
    expect(
        page.get_by_role(
            "region", name=fr_plural("%(counter)s question", "%(counter)s questions", 1)
        )
    ).to_contain_text("Qui élit le maire ?")
    page.get_by_role("button", name=fr("Publish the quiz")).click()
    expect(page.get_by_role("main")).to_contain_text(fr("The quiz is published."))
    axe_check(page)
    quiz = Quiz.objects.get(title="La section et la commune")
    assert quiz.is_published and quiz.space == space
