"""The API of quizzes: the list, one quiz (answers hidden until taken),
submitting the only attempt, the opt-in leaderboard — under the rules of
the pages."""

import json
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from membrane.accounts.tokens import access_token_create
from membrane.quizzes.models import Attempt
from membrane.quizzes.selectors import questions_of
from membrane.spaces.models import Role, Space
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory
from tests.test_quizzes import correct_answers, make_quiz, take, wrong_answers

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post(client, path, data, **kwargs):
    return client.post(
        f"{API}{path}", data=json.dumps(data), content_type="application/json", **kwargs
    )


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail"}
    assert body["detail"]
    return body["detail"]


def payload(answers, leaderboard=False):
    return {
        "answers": [{"question_id": q, "choice_id": c} for q, c in answers.items()],
        "show_on_leaderboard": leaderboard,
    }


def test_the_api_needs_a_signed_in_person(client):
    quiz = make_quiz()
    assert_json_error(client.get(f"{API}/quizzes"), 401)
    assert_json_error(client.get(f"{API}/quizzes/{quiz.pk}"), 401)


def test_the_list_holds_the_quizzes_one_may_take_with_ones_score(client, supporter):
    national = make_quiz(title="National")
    private = make_quiz(space=GroupFactory(visibility=Space.Visibility.PRIVATE))
    make_quiz(published=False)
    take(national, supporter)
    client.force_login(supporter)

    body = client.get(f"{API}/quizzes").json()

    assert [item["id"] for item in body["items"]] == [national.pk]
    assert body["items"][0]["my_score"] == 3
    assert body["items"][0]["space"] is None
    assert private.pk not in [item["id"] for item in body["items"]]


def test_the_list_is_paginated_by_cursor(client, supporter):
    quizzes = [make_quiz(title=f"Quiz {n}") for n in range(3)]
    client.force_login(supporter)
    first = client.get(f"{API}/quizzes", {"limit": 2}).json()
    second = client.get(f"{API}/quizzes", {"limit": 2, "cursor": first["next"]}).json()
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert ids == [quiz.pk for quiz in reversed(quizzes)]
    assert second["next"] is None


def test_the_correct_answers_are_hidden_until_one_has_taken_the_quiz(client, supporter):
    quiz = make_quiz(questions=2)
    client.force_login(supporter)

    before = client.get(f"{API}/quizzes/{quiz.pk}").json()

    assert before["attempt"] is None
    for question in before["questions"]:
        assert question["correct_choice_id"] is None
        assert question["explanation"] is None
        assert all(set(choice) == {"id", "text"} for choice in question["choices"])
    assert "is_correct" not in json.dumps(before)

    take(quiz, supporter, wrong_answers(quiz))
    after = client.get(f"{API}/quizzes/{quiz.pk}").json()

    assert after["attempt"]["score"] == 0
    expected = correct_answers(quiz)
    for question in after["questions"]:
        assert question["correct_choice_id"] == expected[question["id"]]
        assert question["your_choice_id"] == wrong_answers(quiz)[question["id"]]
        assert question["explanation"].startswith("Parce que")


def test_submitting_answers_returns_the_score_and_the_corrections(client, supporter):
    quiz = make_quiz(questions=3)
    first = questions_of(quiz)[0]
    answers = correct_answers(quiz) | {first.pk: wrong_answers(quiz)[first.pk]}
    client.force_login(supporter)

    response = post(client, f"/quizzes/{quiz.pk}/attempt", payload(answers, leaderboard=True))

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["question_count"], body["show_on_leaderboard"]) == (2, 3, True)
    assert [c["is_right"] for c in body["corrections"]] == [False, True, True]
    assert body["corrections"][0]["correct_choice_id"] == correct_answers(quiz)[first.pk]


def test_a_personal_token_can_submit(client, supporter):
    quiz = make_quiz()
    _, raw = access_token_create(user=supporter, name="Script")
    response = post(
        client,
        f"/quizzes/{quiz.pk}/attempt",
        payload(correct_answers(quiz)),
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content


def test_missing_answers_and_foreign_choices_are_a_422_naming_each_question(client, supporter):
    quiz = make_quiz(questions=3)
    first, second, third = questions_of(quiz)
    answers = {first.pk: correct_answers(quiz)[first.pk], second.pk: third.choices.all()[0].pk}
    client.force_login(supporter)

    response = post(client, f"/quizzes/{quiz.pk}/attempt", payload(answers))

    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert (
        "not one of this question's choices"
        in errors[("body", "payload", "answers", str(second.pk))]
    )
    assert "Choose an answer" in errors[("body", "payload", "answers", str(third.pk))]
    assert not Attempt.objects.exists()


def test_a_question_answered_twice_or_of_another_quiz_is_a_422(client, supporter):
    quiz = make_quiz(questions=1)
    other = make_quiz(questions=1)
    (question,) = questions_of(quiz)
    (foreign,) = questions_of(other)
    client.force_login(supporter)
    choice = correct_answers(quiz)[question.pk]
    twice = {
        "answers": [{"question_id": question.pk, "choice_id": choice}] * 2,
    }
    assert post(client, f"/quizzes/{quiz.pk}/attempt", twice).status_code == 422
    mixed = payload({question.pk: choice, foreign.pk: correct_answers(other)[foreign.pk]})
    response = post(client, f"/quizzes/{quiz.pk}/attempt", mixed)
    assert response.status_code == 422
    assert "not one of this quiz's" in json.dumps(response.json())
    assert not Attempt.objects.exists()


def test_a_second_attempt_is_a_409(client, supporter):
    quiz = make_quiz()
    take(quiz, supporter)
    client.force_login(supporter)
    detail = assert_json_error(
        post(client, f"/quizzes/{quiz.pk}/attempt", payload(correct_answers(quiz))), 409
    )
    assert "already taken" in detail


def test_a_racing_second_attempt_is_a_409_too(client, supporter):
    quiz = make_quiz()
    take(quiz, supporter)
    client.force_login(supporter)
    with mock.patch("membrane.quizzes.services._has_attempted", return_value=False):
        response = post(client, f"/quizzes/{quiz.pk}/attempt", payload(correct_answers(quiz)))
    assert_json_error(response, 409)
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize("case", ["unpublished", "private", "missing"])
def test_a_quiz_one_may_not_take_is_a_404_everywhere(client, supporter, case):
    if case == "missing":
        quiz_id = 999999
    else:
        space = GroupFactory(visibility=Space.Visibility.PRIVATE) if case == "private" else None
        quiz_id = make_quiz(space=space, published=case != "unpublished").pk
    client.force_login(supporter)
    assert_json_error(client.get(f"{API}/quizzes/{quiz_id}"), 404)
    assert_json_error(client.get(f"{API}/quizzes/{quiz_id}/leaderboard"), 404)
    assert_json_error(post(client, f"/quizzes/{quiz_id}/attempt", {"answers": []}), 404)


def test_a_private_groups_members_may_take_its_quiz(client, member):
    group = GroupFactory(visibility=Space.Visibility.PRIVATE)
    MembershipFactory(space=group, user=member, role=Role.MEMBER)
    quiz = make_quiz(space=group)
    client.force_login(member)
    response = post(client, f"/quizzes/{quiz.pk}/attempt", payload(correct_answers(quiz)))
    assert response.status_code == 201


def test_the_leaderboard_lists_only_those_who_opted_in_without_answers(
    client, supporter, member, section
):
    quiz = make_quiz()
    shy = UserFactory(section=section)
    take(quiz, member, leaderboard=True)
    take(quiz, shy, wrong_answers(quiz), leaderboard=False)
    client.force_login(supporter)

    entries = client.get(f"{API}/quizzes/{quiz.pk}/leaderboard").json()

    assert [(e["rank"], e["person"]["id"], e["score"]) for e in entries] == [(1, member.pk, 3)]
    assert set(entries[0]) == {"rank", "person", "score", "question_count", "submitted_at"}
    assert "email" not in json.dumps(entries)


def count_queries(client, path):
    client.get(f"{API}{path}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}{path}")
    assert response.status_code == 200, response.content
    return len(queries)


def test_the_detail_and_leaderboard_query_counts_do_not_grow(client, supporter, section):
    client.force_login(supporter)
    counts = []
    for size in (3, 10):
        quiz = make_quiz(questions=size)
        for _ in range(size):
            take(quiz, UserFactory(section=section), leaderboard=True)
        take(quiz, supporter)
        counts.append(
            (
                count_queries(client, f"/quizzes/{quiz.pk}"),
                count_queries(client, f"/quizzes/{quiz.pk}/leaderboard"),
            )
        )
    assert counts[0] == counts[1]
