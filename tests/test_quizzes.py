"""Quizzes: who may take and see them, scoring, one attempt per person (also
when two submissions race), the opt-in leaderboard, the pages' handling of
bad input, the admin's checks, privacy, the demo data and pinned numbers of
queries."""

from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membrane.core.privacy import erase_personal_data, export_personal_data
from membrane.quizzes.admin import ChoiceFormSet, QuizAdminForm
from membrane.quizzes.demo import load_quizzes
from membrane.quizzes.models import Answer, Attempt, Choice, Question, Quiz
from membrane.quizzes.permissions import can_author_quiz, can_take_quiz
from membrane.quizzes.selectors import questions_of, quiz_problems, quizzes_for
from membrane.quizzes.services import AlreadyAttempted, InvalidAnswers, attempt_create
from membrane.spaces.models import Role, Space
from membrane.spaces.services import territorial_space_ensure
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


# -- Helpers ----------------------------------------------------------------


def make_quiz(*, space=None, questions=3, published=True, title="Connais-tu ta commune ?"):
    """A quiz whose questions each have three choices, the first correct."""
    quiz = Quiz.objects.create(
        title=title, intro="Quelques questions.", space=space, is_published=published
    )
    for position in range(questions):
        question = Question.objects.create(
            quiz=quiz,
            position=position,
            text=f"Question {position + 1} ?",
            explanation=f"Parce que {position + 1}.",
        )
        for index in range(3):
            Choice.objects.create(
                question=question, position=index, text=f"Réponse {index}", is_correct=index == 0
            )
    return quiz


def correct_answers(quiz):
    return {q.pk: next(c.pk for c in q.choices.all() if c.is_correct) for q in questions_of(quiz)}


def wrong_answers(quiz):
    return {
        q.pk: next(c.pk for c in q.choices.all() if not c.is_correct) for q in questions_of(quiz)
    }


def form_data(answers, *, leaderboard=False):
    data = {f"question_{question_id}": str(choice_id) for question_id, choice_id in answers.items()}
    if leaderboard:
        data["show_on_leaderboard"] = "on"
    return data


def take(quiz, user, answers=None, *, leaderboard=False):
    return attempt_create(
        quiz=quiz,
        user=user,
        questions=questions_of(quiz),
        answers=correct_answers(quiz) if answers is None else answers,
        show_on_leaderboard=leaderboard,
    )


def quiz_url(quiz, name="quizzes:quiz"):
    return reverse(name, args=[quiz.pk])


@pytest.fixture
def private_group(section_animator):
    group = GroupFactory(name="Cercle fermé", visibility=Space.Visibility.PRIVATE)
    MembershipFactory(space=group, user=section_animator, role=Role.ANIMATOR)
    return group


# -- Who may take a quiz ----------------------------------------------------


def test_a_national_quiz_is_open_to_everyone_signed_in_but_not_to_visitors(supporter, member):
    quiz = make_quiz()
    assert can_take_quiz(supporter, quiz)
    assert can_take_quiz(member, quiz)
    assert not can_take_quiz(AnonymousUser(), quiz)


def test_an_unpublished_quiz_cannot_be_taken_even_by_staff(staff):
    assert not can_take_quiz(staff, make_quiz(published=False))


def test_a_sections_quiz_is_for_its_people_and_animators_only(
    section, supporter, section_animator, federation_animator, outsider_animator, staff
):
    quiz = make_quiz(space=territorial_space_ensure(section))
    assert can_take_quiz(supporter, quiz)
    assert can_take_quiz(section_animator, quiz)
    assert can_take_quiz(federation_animator, quiz)
    assert can_take_quiz(staff, quiz)
    assert not can_take_quiz(outsider_animator, quiz)


def test_a_private_groups_quiz_is_for_its_members_only(private_group, supporter, section_animator):
    quiz = make_quiz(space=private_group)
    assert can_take_quiz(section_animator, quiz)
    assert not can_take_quiz(supporter, quiz)


def test_an_erased_or_inactive_person_cannot_take_a_quiz(supporter):
    quiz = make_quiz()
    supporter.is_active = False
    assert not can_take_quiz(supporter, quiz)


def test_the_list_shows_the_quizzes_one_may_take_with_the_same_rule_as_the_predicate(
    section, other_section, supporter, private_group
):
    national = make_quiz(title="National")
    mine = make_quiz(space=territorial_space_ensure(section), title="Ma section")
    make_quiz(space=territorial_space_ensure(other_section), title="Autre section")
    make_quiz(space=private_group, title="Groupe privé")
    make_quiz(published=False, title="Brouillon")
    public_group_quiz = make_quiz(space=GroupFactory(), title="Groupe public")

    listed = set(quizzes_for(supporter))

    assert listed == {national, mine, public_group_quiz}
    assert all(can_take_quiz(supporter, quiz) for quiz in listed)
    assert list(quizzes_for(AnonymousUser())) == []


def test_only_staff_author_national_quizzes_and_animators_their_spaces(
    section, supporter, section_animator, outsider_animator, staff
):
    space = territorial_space_ensure(section)
    assert can_author_quiz(staff, None)
    assert not can_author_quiz(section_animator, None)
    assert can_author_quiz(section_animator, space)
    assert can_author_quiz(staff, space)
    assert not can_author_quiz(supporter, space)
    assert not can_author_quiz(outsider_animator, space)


# -- Scoring and one attempt ------------------------------------------------


def test_the_score_counts_the_correct_answers(supporter):
    quiz = make_quiz(questions=3)
    answers = correct_answers(quiz)
    first_question = questions_of(quiz)[0]
    answers[first_question.pk] = wrong_answers(quiz)[first_question.pk]

    attempt = take(quiz, supporter, answers)

    assert (attempt.score, attempt.question_count) == (2, 3)
    assert Answer.objects.filter(attempt=attempt).count() == 3
    assert not attempt.show_on_leaderboard


def test_a_missing_answer_or_a_choice_of_another_question_is_refused(supporter):
    quiz = make_quiz(questions=2)
    first, second = questions_of(quiz)
    answers = {first.pk: second.choices.all()[0].pk}

    with pytest.raises(InvalidAnswers) as raised:
        take(quiz, supporter, answers)

    assert set(raised.value.errors) == {first.pk, second.pk}
    assert "not one of this question's choices" in raised.value.errors[first.pk]
    assert "Choose an answer" in raised.value.errors[second.pk]
    assert not Attempt.objects.exists()


def test_a_second_attempt_is_refused(supporter):
    quiz = make_quiz()
    take(quiz, supporter)

    with pytest.raises(AlreadyAttempted):
        take(quiz, supporter, wrong_answers(quiz))

    assert Attempt.objects.get().score == 3


def test_two_submissions_at_once_end_with_one_attempt_and_a_clear_refusal(supporter):
    """The check passes for both; the database's unique constraint decides."""
    quiz = make_quiz()
    take(quiz, supporter)

    with (
        mock.patch("membrane.quizzes.services._has_attempted", return_value=False),
        pytest.raises(AlreadyAttempted, match="already taken this quiz"),
    ):
        take(quiz, supporter)

    assert Attempt.objects.count() == 1
    assert Answer.objects.count() == 3


# -- The pages --------------------------------------------------------------


def test_the_pages_need_a_sign_in(client):
    quiz = make_quiz()
    for url in [reverse("quizzes:list"), quiz_url(quiz), quiz_url(quiz, "quizzes:leaderboard")]:
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_list_page_shows_the_quizzes_and_ones_scores(client, supporter):
    taken = make_quiz(title="Déjà fait")
    make_quiz(title="À faire")
    take(taken, supporter)
    client.force_login(supporter)

    response = client.get(reverse("quizzes:list"))

    content = response.content.decode()
    assert "Déjà fait" in content and "À faire" in content
    assert "Taken: 3 / 3" in content


def test_the_quiz_page_is_a_form_with_a_fieldset_per_question_and_radio_buttons(client, supporter):
    quiz = make_quiz(questions=2)
    client.force_login(supporter)

    response = client.get(quiz_url(quiz))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<fieldset") == 2
    assert content.count("<legend>") == 2
    assert content.count('type="radio"') == 6
    assert 'name="show_on_leaderboard"' in content
    assert "checked" not in content  # the leaderboard is opt-in
    assert "Parce que" not in content  # no explanation before answering


def test_an_unpublished_or_unreadable_quiz_is_a_404(client, supporter, private_group):
    client.force_login(supporter)
    for quiz in [make_quiz(published=False), make_quiz(space=private_group)]:
        assert client.get(quiz_url(quiz)).status_code == 404
        assert client.post(quiz_url(quiz), {}).status_code == 404
        assert client.get(quiz_url(quiz, "quizzes:leaderboard")).status_code == 404
    assert client.get(reverse("quizzes:quiz", args=[999999])).status_code == 404


def test_submitting_shows_the_result_with_answers_corrections_and_explanations(client, supporter):
    quiz = make_quiz(questions=2)
    first, second = questions_of(quiz)
    answers = {first.pk: correct_answers(quiz)[first.pk], second.pk: wrong_answers(quiz)[second.pk]}
    client.force_login(supporter)

    response = client.post(quiz_url(quiz), form_data(answers), follow=True)

    assert response.redirect_chain[-1][0] == quiz_url(quiz, "quizzes:result")
    content = response.content.decode()
    assert "Your score: 1 / 2" in content
    assert "Parce que 1." in content and "Parce que 2." in content
    assert "The correct answer" in content
    assert "Your score is not shown on the leaderboard." in content


def test_missing_answers_re_render_the_form_with_the_choices_kept_and_a_message_each(
    client, supporter
):
    quiz = make_quiz(questions=3)
    first = questions_of(quiz)[0]
    chosen = correct_answers(quiz)[first.pk]
    client.force_login(supporter)

    response = client.post(quiz_url(quiz), form_data({first.pk: chosen}, leaderboard=True))

    assert response.status_code == 400
    content = response.content.decode()
    assert "2 questions need an answer" in content
    assert content.count("Choose an answer to this question.") == 2
    assert f'value="{chosen}"' in content and "checked" in content
    assert not Attempt.objects.exists()


def test_a_choice_of_another_question_is_refused_with_a_message(client, supporter):
    quiz = make_quiz(questions=2)
    first, second = questions_of(quiz)
    answers = {first.pk: second.choices.all()[0].pk, second.pk: second.choices.all()[0].pk}
    client.force_login(supporter)

    response = client.post(quiz_url(quiz), form_data(answers))

    assert response.status_code == 400
    assert "not one of this question&#x27;s choices" in response.content.decode()
    assert not Attempt.objects.exists()


def test_a_second_submission_is_a_409_showing_the_first_result(client, supporter):
    quiz = make_quiz()
    take(quiz, supporter)
    client.force_login(supporter)

    response = client.post(quiz_url(quiz), form_data(wrong_answers(quiz)))

    assert response.status_code == 409
    content = response.content.decode()
    assert "already taken this quiz" in content
    assert "Your score: 3 / 3" in content
    assert Attempt.objects.get().score == 3


def test_a_racing_submission_through_the_page_is_a_409(client, supporter):
    quiz = make_quiz()
    take(quiz, supporter)
    client.force_login(supporter)

    with mock.patch("membrane.quizzes.services._has_attempted", return_value=False):
        response = client.post(quiz_url(quiz), form_data(correct_answers(quiz)))

    assert response.status_code == 409
    assert "already taken this quiz" in response.content.decode()


def test_once_taken_the_quiz_page_leads_to_the_result_and_the_result_needs_an_attempt(
    client, supporter
):
    quiz = make_quiz()
    client.force_login(supporter)
    assert client.get(quiz_url(quiz, "quizzes:result"))["Location"] == quiz_url(quiz)
    take(quiz, supporter)
    assert client.get(quiz_url(quiz))["Location"] == quiz_url(quiz, "quizzes:result")


# -- The leaderboard --------------------------------------------------------


def test_the_leaderboard_lists_only_those_who_opted_in_by_score_then_time(
    client, supporter, member, section
):
    quiz = make_quiz(questions=2)
    first = questions_of(quiz)[0]
    half = correct_answers(quiz) | {first.pk: wrong_answers(quiz)[first.pk]}
    early = UserFactory(section=section, display_name="Première arrivée")
    late = UserFactory(section=section, display_name="Seconde arrivée")
    shy = UserFactory(section=section, display_name="Discrète")
    take(quiz, early, half, leaderboard=True)
    take(quiz, late, half, leaderboard=True)
    take(quiz, member, leaderboard=True)
    take(quiz, shy, leaderboard=False)
    client.force_login(supporter)

    response = client.get(quiz_url(quiz, "quizzes:leaderboard"))

    content = response.content.decode()
    assert "Discrète" not in content
    positions = [content.index(member.public_name), content.index("Première arrivée")]
    positions.append(content.index("Seconde arrivée"))
    assert positions == sorted(positions)
    assert "Réponse" not in content  # nobody's answers


# -- Query counts -----------------------------------------------------------


def count_queries(client, url):
    client.get(url)  # warm the caches (session, charter)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_quiz_page_query_count_does_not_grow_with_its_questions(client, supporter):
    client.force_login(supporter)
    small = count_queries(client, quiz_url(make_quiz(questions=3)))
    large = count_queries(client, quiz_url(make_quiz(questions=10)))
    assert small == large


def test_the_result_page_query_count_does_not_grow_with_its_questions(client, supporter):
    client.force_login(supporter)
    counts = []
    for size in (3, 10):
        quiz = make_quiz(questions=size)
        take(quiz, supporter)
        counts.append(count_queries(client, quiz_url(quiz, "quizzes:result")))
    assert counts[0] == counts[1]


def test_the_leaderboard_query_count_does_not_grow_with_its_entries(client, supporter, section):
    client.force_login(supporter)
    counts = []
    for size in (3, 10):
        quiz = make_quiz()
        for _ in range(size):
            take(quiz, UserFactory(section=section), leaderboard=True)
        counts.append(count_queries(client, quiz_url(quiz, "quizzes:leaderboard")))
    assert counts[0] == counts[1]


def test_the_list_page_query_count_does_not_grow_with_the_quizzes(client, supporter):
    client.force_login(supporter)
    make_quiz()
    small = count_queries(client, reverse("quizzes:list"))
    for _ in range(9):
        take(make_quiz(space=GroupFactory()), supporter)
    assert count_queries(client, reverse("quizzes:list")) == small


# -- Admin ------------------------------------------------------------------


def choice_formset(quiz_question, rows):
    data = {
        "choices-TOTAL_FORMS": str(len(rows)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "6",
    }
    for index, (text, correct) in enumerate(rows):
        data[f"choices-{index}-text"] = text
        data[f"choices-{index}-position"] = str(index)
        if correct:
            data[f"choices-{index}-is_correct"] = "on"
    from django.forms import inlineformset_factory

    formset_class = inlineformset_factory(
        Question, Choice, formset=ChoiceFormSet, fields=["position", "text", "is_correct"]
    )
    return formset_class(data, instance=quiz_question, prefix="choices")


def test_the_admin_wants_two_to_six_choices_with_exactly_one_correct():
    question = questions_of(make_quiz(questions=1))[0]
    assert not choice_formset(question, [("Seule", True)]).is_valid()
    assert not choice_formset(question, [("A", False), ("B", False)]).is_valid()
    assert not choice_formset(question, [("A", True), ("B", True)]).is_valid()
    assert choice_formset(question, [("A", True), ("B", False)]).is_valid()


def test_the_admin_form_refuses_a_space_the_author_does_not_animate(
    section, other_section, section_animator
):
    def form(space):
        form_class = type("Form", (QuizAdminForm,), {"author": section_animator})
        return form_class({"title": "Quiz", "intro": "", "space": space.pk if space else ""})

    assert form(territorial_space_ensure(section)).is_valid()
    assert "space" in form(territorial_space_ensure(other_section)).errors
    assert "space" in form(None).errors  # national quizzes are staff's


def test_a_quiz_without_complete_questions_cannot_be_published():
    quiz = make_quiz(questions=1, published=False)
    assert quiz_problems(quiz) == []
    Choice.objects.filter(question__quiz=quiz).update(is_correct=False)
    assert quiz_problems(quiz)
    assert quiz_problems(make_quiz(questions=0, published=False))


def test_the_staff_admin_lists_and_edits_quizzes(client, staff):
    staff.is_superuser = True
    staff.save()
    quiz = make_quiz()
    client.force_login(staff)
    assert client.get(reverse("admin:quizzes_quiz_changelist")).status_code == 200
    assert client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk])).status_code == 200
    question = questions_of(quiz)[0]
    assert (
        client.get(reverse("admin:quizzes_question_change", args=[question.pk])).status_code == 200
    )


# -- Privacy and demo -------------------------------------------------------


def test_the_export_holds_the_persons_attempts_and_erasure_deletes_them(supporter, member):
    quiz = make_quiz(questions=2)
    take(quiz, supporter, leaderboard=True)
    take(quiz, member)

    (exported,) = export_personal_data(supporter)["quizzes"]["quiz_attempts"]

    assert exported["quiz"] == quiz.title
    assert exported["score"] == 2
    assert exported["shown_on_leaderboard"] is True
    assert [a["question"] for a in exported["answers"]] == ["Question 1 ?", "Question 2 ?"]
    assert all(a["correct"] for a in exported["answers"])

    erase_personal_data(supporter, keep_contributions=True)

    assert list(Attempt.objects.values_list("user", flat=True)) == [member.pk]
    assert Answer.objects.count() == 2


def test_the_demo_quizzes_are_complete_and_loading_them_twice_changes_nothing():
    first = load_quizzes()
    second = load_quizzes()
    assert [q.pk for q in first] == [q.pk for q in second]
    assert Quiz.objects.count() == 2
    for quiz in first:
        assert quiz.is_published and quiz.space is None
        assert len(questions_of(quiz)) == 5
        assert quiz_problems(quiz) == []


def test_the_database_itself_refuses_a_second_attempt(supporter):
    from django.db import IntegrityError, transaction

    quiz = make_quiz()
    take(quiz, supporter)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(quiz=quiz, user=supporter, score=0, question_count=3)
