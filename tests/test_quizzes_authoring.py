"""Animators write their space's quizzes through pages: a draft, its
questions (2 to 6 answers, the correct one, an explanation), publishing.
The rights as a matrix of personas by actions, bad input (a clear message,
a 400, nothing typed lost), removing questions only before anyone took the
quiz, and pinned numbers of queries."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membrane.quizzes.models import Attempt, Choice, Question, Quiz
from membrane.quizzes.permissions import (
    can_author_quiz,
    can_delete_question,
    can_edit_quiz,
    can_take_quiz,
)
from membrane.quizzes.selectors import questions_of
from membrane.quizzes.services import (
    QuizError,
    attempt_create,
    question_add,
    question_delete,
    quiz_create,
    quiz_publish,
)
from membrane.spaces.models import Role, Space
from membrane.spaces.services import territorial_space_ensure
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "supporter",
    "member",
    "section_animator",
    "federation_animator",
    "staff",
    "outsider_animator",
]
AUTHORS = {"section_animator", "federation_animator", "staff"}


@pytest.fixture
def space(section):
    return territorial_space_ensure(section)


@pytest.fixture
def people(supporter, member, section_animator, federation_animator, staff, outsider_animator):
    return {
        "anonymous": AnonymousUser(),
        "supporter": supporter,
        "member": member,
        "section_animator": section_animator,
        "federation_animator": federation_animator,
        "staff": staff,
        "outsider_animator": outsider_animator,
    }


def draft(space, title="Connais-tu ta section ?"):
    return quiz_create(space=space, author=None, title=title, intro="Trois questions.")


def add(quiz, text="Qui élit le maire ?", choices=("Les habitants", "Le conseil municipal")):
    return question_add(
        quiz=quiz,
        text=text,
        choices=list(choices),
        correct=1,
        explanation="Le conseil municipal élit le maire.",
    )


QUESTION_DATA = {
    "text": "Qui élit le maire ?",
    "answer_1": "Les habitants",
    "answer_2": "Le conseil municipal",
    "answer_3": "",
    "answer_4": "Le préfet",
    "answer_5": "",
    "answer_6": "",
    "correct": "2",
    "explanation": "Le conseil municipal élit le maire parmi ses membres.",
}


# -- The matrix of rights ------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_space_animators_and_staff_write_its_quizzes(people, space, persona):
    quiz = draft(space)
    expected = persona in AUTHORS

    assert can_author_quiz(people[persona], space) is expected
    assert can_edit_quiz(people[persona], quiz) is expected
    assert can_delete_question(people[persona], quiz, attempted=False) is expected
    assert can_delete_question(people[persona], quiz, attempted=True) is False


def test_a_group_animator_writes_its_quizzes_and_its_moderators_do_not():
    group = GroupFactory()
    animator = MembershipFactory(space=group, role=Role.ANIMATOR).user
    moderator = MembershipFactory(space=group, role=Role.MODERATOR).user

    assert can_author_quiz(animator, group)
    assert not can_author_quiz(moderator, group)


def test_a_draft_is_taken_by_nobody_until_published(space, member, section_animator):
    quiz = draft(space)
    add(quiz)

    assert not can_take_quiz(member, quiz)
    quiz_publish(quiz=quiz, published=True)
    assert can_take_quiz(member, quiz)


# Status of each page per persona: the new-quiz form, the editor, publishing.
PAGE_STATUS = {
    "anonymous": (302, 302, 302),
    "supporter": (403, 404, 404),
    "member": (403, 404, 404),
    "section_animator": (200, 200, 302),
    "federation_animator": (200, 200, 302),
    "staff": (200, 200, 302),
    "outsider_animator": (404, 404, 404),  # another section's space is not theirs to read
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pages_follow_the_rights(client, people, space, persona):
    quiz = draft(space)
    add(quiz)
    if persona != "anonymous":
        client.force_login(people[persona])
    create, edit, publish = PAGE_STATUS[persona]

    assert client.get(reverse("quizzes:create", args=[space.slug])).status_code == create
    assert client.get(reverse("quizzes:edit", args=[quiz.pk])).status_code == edit
    response = client.post(reverse("quizzes:publish", args=[quiz.pk]), {"published": "1"})
    assert response.status_code == publish
    quiz.refresh_from_db()
    assert quiz.is_published is (persona in AUTHORS)


def test_a_published_quiz_is_a_403_to_edit_for_those_who_take_it(client, space, member):
    quiz = draft(space)
    add(quiz)
    quiz_publish(quiz=quiz, published=True)
    client.force_login(member)

    assert client.get(reverse("quizzes:edit", args=[quiz.pk])).status_code == 403
    assert client.post(reverse("quizzes:edit", args=[quiz.pk]), QUESTION_DATA).status_code == 403
    assert Question.objects.filter(quiz=quiz).count() == 1


def test_a_private_group_quizzes_are_not_found_by_outsiders(client, member):
    group = GroupFactory(visibility=Space.Visibility.PRIVATE)
    quiz = draft(group)
    client.force_login(member)

    assert client.get(reverse("quizzes:space", args=[group.slug])).status_code == 404
    assert client.get(reverse("quizzes:create", args=[group.slug])).status_code == 404
    assert client.get(reverse("quizzes:edit", args=[quiz.pk])).status_code == 404


# -- The pages -----------------------------------------------------------------


def test_an_animator_writes_and_publishes_a_quiz_through_the_pages(
    client, space, section_animator, member
):
    client.force_login(section_animator)
    response = client.post(
        reverse("quizzes:create", args=[space.slug]),
        {"title": "La commune", "intro": "Pour réviser."},
    )
    quiz = Quiz.objects.get(title="La commune")
    assert response.status_code == 302
    assert response.url == reverse("quizzes:edit", args=[quiz.pk])
    assert quiz.space == space and not quiz.is_published and quiz.created_by == section_animator

    response = client.post(reverse("quizzes:edit", args=[quiz.pk]), QUESTION_DATA)
    assert response.status_code == 302
    (question,) = questions_of(quiz)
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("Les habitants", False),
        ("Le conseil municipal", True),
        ("Le préfet", False),
    ]
    assert question.explanation.startswith("Le conseil municipal")

    page = client.get(reverse("quizzes:edit", args=[quiz.pk])).content.decode()
    assert "Qui élit le maire ?" in page and "Draft" in page

    assert (
        client.post(reverse("quizzes:publish", args=[quiz.pk]), {"published": "1"}).status_code
        == 302
    )
    quiz.refresh_from_db()
    assert quiz.is_published

    client.force_login(member)
    listing = client.get(reverse("quizzes:space", args=[space.slug])).content.decode()
    assert reverse("quizzes:quiz", args=[quiz.pk]) in listing
    assert reverse("quizzes:edit", args=[quiz.pk]) not in listing
    assert client.get(reverse("quizzes:quiz", args=[quiz.pk])).status_code == 200


def test_drafts_are_listed_for_authors_only(client, space, section_animator, member):
    quiz = draft(space, title="Brouillon secret")
    client.force_login(member)
    assert (
        "Brouillon secret"
        not in client.get(reverse("quizzes:space", args=[space.slug])).content.decode()
    )

    client.force_login(section_animator)
    page = client.get(reverse("quizzes:space", args=[space.slug])).content.decode()
    assert "Brouillon secret" in page
    assert reverse("quizzes:edit", args=[quiz.pk]) in page
    assert reverse("quizzes:create", args=[space.slug]) in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answer_2": "", "answer_4": ""}, "This field is required."),
        ({"answer_4": "les habitants"}, "Two answers are the same"),
        ({"correct": "3"}, "Choose which answer is correct, among those written."),
        ({"correct": "9"}, "Select a valid choice."),
        ({"explanation": ""}, "This field is required."),
        ({"text": "x" * 501}, "at most 500 characters"),
    ],
)
def test_a_bad_question_says_why_and_keeps_what_was_typed(
    client, space, section_animator, change, message
):
    quiz = draft(space)
    client.force_login(section_animator)

    response = client.post(reverse("quizzes:edit", args=[quiz.pk]), {**QUESTION_DATA, **change})

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'")
    assert (
        "Le conseil municipal élit le maire parmi ses membres." in page
        or change.get("explanation") == ""
    )
    assert 'value="Les habitants"' in page
    assert not Question.objects.filter(quiz=quiz).exists()


def test_an_empty_title_is_a_400(client, space, section_animator):
    client.force_login(section_animator)

    response = client.post(reverse("quizzes:create", args=[space.slug]), {"intro": "Gardé."})

    assert response.status_code == 400
    assert "Gardé." in response.content.decode()
    assert not Quiz.objects.exists()


def test_an_incomplete_quiz_is_not_published(client, space, section_animator):
    quiz = draft(space)
    client.force_login(section_animator)

    response = client.post(reverse("quizzes:publish", args=[quiz.pk]), {"published": "1"})

    assert response.status_code == 400
    assert "A published quiz needs at least one question." in response.content.decode()
    quiz.refresh_from_db()
    assert not quiz.is_published


def test_a_quiz_taken_back_to_a_draft_is_no_longer_taken(client, space, section_animator):
    quiz = draft(space)
    add(quiz)
    quiz_publish(quiz=quiz, published=True)
    client.force_login(section_animator)

    assert (
        client.post(reverse("quizzes:publish", args=[quiz.pk]), {"published": "0"}).status_code
        == 302
    )
    quiz.refresh_from_db()
    assert not quiz.is_published


def test_questions_are_removed_only_before_anyone_took_the_quiz(
    client, space, section_animator, member
):
    quiz = draft(space)
    first, second = add(quiz), add(quiz, text="Combien de temps dure le mandat ?")
    client.force_login(section_animator)

    url = reverse("quizzes:question_delete", args=[quiz.pk, first.pk])
    assert client.post(url).status_code == 302
    assert list(Question.objects.filter(quiz=quiz)) == [second]

    quiz_publish(quiz=quiz, published=True)
    attempt_create(
        quiz=quiz,
        user=member,
        questions=questions_of(quiz),
        answers={second.pk: second.choices.get(is_correct=True).pk},
    )
    response = client.post(reverse("quizzes:question_delete", args=[quiz.pk, second.pk]))
    assert response.status_code == 409
    assert Question.objects.filter(pk=second.pk).exists()
    assert Attempt.objects.get(quiz=quiz).score == 1
    with pytest.raises(QuizError):
        question_delete(question=second)


def test_a_question_of_another_quiz_or_out_of_range_is_not_found(client, space, section_animator):
    quiz, other = draft(space), draft(space, title="Autre")
    question = add(other)
    client.force_login(section_animator)

    assert (
        client.post(reverse("quizzes:question_delete", args=[quiz.pk, question.pk])).status_code
        == 404
    )
    assert (
        client.post(f"/quiz/{quiz.pk}/questions/99999999999999999999/supprimer/").status_code == 404
    )
    assert client.get("/quiz/99999999999999999999/modifier/").status_code == 404


def test_the_service_checks_the_answers(space):
    quiz = draft(space)
    with pytest.raises(QuizError, match="between 2 and 6"):
        question_add(quiz=quiz, text="Q ?", choices=["A", "", ""], correct=0, explanation="E.")
    with pytest.raises(QuizError, match="between 2 and 6"):
        question_add(
            quiz=quiz, text="Q ?", choices=[str(n) for n in range(7)], correct=0, explanation="E."
        )
    with pytest.raises(QuizError):
        question_add(quiz=quiz, text=" ", choices=["A", "B"], correct=0, explanation="E.")
    question = question_add(
        quiz=quiz, text="Q ?", choices=["A", "", "B"], correct=2, explanation="E."
    )
    assert list(Choice.objects.filter(question=question).values_list("text", "is_correct")) == [
        ("A", False),
        ("B", True),
    ]
    assert add(quiz).position == question.position + 1


# -- Numbers of queries --------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_editor_and_the_space_list_queries_do_not_grow(client, space, section_animator):
    quiz = draft(space)
    for number in range(3):
        add(quiz, text=f"Question {number} ?")
        draft(space, title=f"Quiz {number}")
    client.force_login(section_animator)
    edit_url = reverse("quizzes:edit", args=[quiz.pk])
    list_url = reverse("quizzes:space", args=[space.slug])
    _queries(client, edit_url)
    with_three = (_queries(client, edit_url), _queries(client, list_url))

    for number in range(3, 30):
        add(quiz, text=f"Question {number} ?")
        draft(space, title=f"Quiz {number}")

    assert (_queries(client, edit_url), _queries(client, list_url)) == with_three


def test_the_space_page_links_to_its_quizzes(client, space, member):
    client.force_login(member)

    page = client.get(reverse("spaces:space", args=[space.slug])).content.decode()

    assert reverse("quizzes:space", args=[space.slug]) in page


def test_an_inactive_staff_member_is_not_an_author(space):
    assert not can_author_quiz(UserFactory(is_active=False, is_staff=True), space)
