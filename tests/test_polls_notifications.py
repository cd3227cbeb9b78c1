"""Notifications of polls: "a poll opens" to the members of its space who
may vote, "see its results" to those who voted. Both are tasks scheduled at
the poll's dates; they re-check the dates when they run and never notify
twice. The clock is moved by giving the services a `now`, and for the real
worker by moving `timezone.now` itself."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from membrane.notifications.models import Kind, Notification
from membrane.polls.models import Poll
from membrane.polls.services import (
    ballot_cast,
    poll_closed_notify,
    poll_create,
    poll_opened_notify,
)
from membrane.polls.tasks import notify_poll_closed, notify_poll_opened
from membrane.spaces.models import Role, Space
from membrane.spaces.services import territorial_space_ensure
from tests.factories import MemberFactory, UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(section):
    return territorial_space_ensure(section)


def new_poll(space, *, creator=None, opens=-1, closes=24, now=None, **fields):
    now = now or timezone.now()
    return poll_create(
        creator=creator,
        space=space,
        question=fields.pop("question", "Faut-il une fête de la section ?"),
        options=["Oui", "Non"],
        opens_at=now + timedelta(hours=opens),
        closes_at=now + timedelta(hours=closes),
        **fields,
    )


def opened(poll, now=None):
    return poll_opened_notify(poll_id=poll.pk, opens_at=poll.opens_at.isoformat(), now=now)


def closed(poll, now=None):
    return poll_closed_notify(poll_id=poll.pk, closes_at=poll.closes_at.isoformat(), now=now)


def recipients(kind, poll):
    return set(
        Notification.objects.filter(kind=kind, poll=poll).values_list("recipient_id", flat=True)
    )


def vote(poll, person, label="Oui"):
    option = poll.options.get(label=label)
    return ballot_cast(poll=poll, voter=person, option_ids=[option.pk])


def task_rows(name):
    return DBTaskResult.objects.filter(task_path=f"membrane.polls.tasks.{name}")


# -- Scheduling ----------------------------------------------------------------


def test_creating_a_poll_schedules_both_notifications_on_commit(
    space, section_animator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        poll = new_poll(space, creator=section_animator, opens=2, closes=26)
    assert not task_rows("notify_poll_opened").exists()  # nothing before the commit

    for callback in callbacks:
        callback()

    opening = task_rows("notify_poll_opened").get()
    closing = task_rows("notify_poll_closed").get()
    assert opening.run_after == poll.opens_at
    assert closing.run_after == poll.closes_at
    assert opening.args_kwargs["args"] == [poll.pk, poll.opens_at.isoformat()]


def test_a_poll_that_opens_at_once_is_announced_without_delay(
    space, section_animator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new_poll(space, creator=section_animator, opens=-1)

    assert task_rows("notify_poll_opened").ready().count() == 1
    assert not task_rows("notify_poll_closed").ready().exists()


# -- Opening -------------------------------------------------------------------


def test_the_opening_goes_to_the_members_of_the_space_once(
    space,
    supporter,
    member_to_verify,
    member,
    section_animator,
    federation_animator,
    staff,
    other_section,
):
    outsider = UserFactory(section=other_section)
    gone = MemberFactory(section=space.unit, is_active=False)
    poll = new_poll(space, creator=section_animator)

    assert opened(poll) == "notified 3"
    # The creator is not told of their own poll; neither are the people of
    # other sections, the inactive, staff or the animators of units above.
    assert recipients(Kind.POLL_OPENED, poll) == {supporter.pk, member_to_verify.pk, member.pk}
    assert outsider.pk not in recipients(Kind.POLL_OPENED, poll)
    assert gone.pk not in recipients(Kind.POLL_OPENED, poll)
    poll.refresh_from_db()
    assert poll.opened_notified_at is not None

    assert opened(poll) == "skipped: already notified"
    assert Notification.objects.filter(kind=Kind.POLL_OPENED).count() == 3


def test_a_members_only_poll_is_announced_to_verified_members_only(
    space, supporter, member_to_verify, member
):
    poll = new_poll(space, members_only=True)

    opened(poll)

    assert recipients(Kind.POLL_OPENED, poll) == {member.pk}


def test_a_federation_poll_reaches_the_people_of_its_sections(
    federation, section, supporter, other_section
):
    outsider = UserFactory(section=other_section)
    poll = new_poll(territorial_space_ensure(federation))

    opened(poll)

    assert supporter.pk in recipients(Kind.POLL_OPENED, poll)
    assert outsider.pk not in recipients(Kind.POLL_OPENED, poll)


def test_the_notification_names_the_space_and_links_to_the_poll(client, space, member):
    poll = new_poll(space, question="Quelle date pour la fête ?")
    opened(poll)

    client.force_login(member)
    page = client.get(reverse("notifications:list")).content.decode()

    assert "Quelle date pour la fête ?" in page
    assert space.name in page
    notification = Notification.objects.get(recipient=member)
    opened_page = client.get(reverse("notifications:open", args=[notification.pk]))
    assert opened_page.url == reverse("polls:poll", args=[poll.pk])


def test_a_task_for_a_moved_or_deleted_poll_does_nothing(space, member):
    poll = new_poll(space, opens=2)
    scheduled_for = poll.opens_at.isoformat()
    Poll.objects.filter(pk=poll.pk).update(opens_at=poll.opens_at - timedelta(hours=3))

    result = poll_opened_notify(poll_id=poll.pk, opens_at=scheduled_for)

    assert result == "skipped: moved or deleted"
    poll.delete()
    assert poll_opened_notify(poll_id=999_999, opens_at=scheduled_for).startswith("skipped")
    assert not Notification.objects.exists()


def test_a_poll_not_open_yet_or_already_closed_is_not_announced(space, member):
    poll = new_poll(space, opens=2, closes=4)

    assert opened(poll) == "skipped: not open"
    assert opened(poll, now=poll.closes_at) == "skipped: not open"
    assert opened(poll, now=poll.opens_at) == "notified 1"


def test_a_private_group_poll_reaches_its_members_in_constant_queries(
    django_assert_max_num_queries,
):
    group = GroupFactory(visibility=Space.Visibility.PRIVATE)
    few = new_poll(group)
    many = new_poll(group, question="Une autre question ?")
    MembershipFactory.create_batch(3, space=group)
    MembershipFactory(space=group, role=Role.MODERATOR)
    UserFactory()  # not a member

    def queries(poll):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            opened(poll)
        return len(captured)

    with_four = queries(few)
    MembershipFactory.create_batch(26, space=group)
    assert queries(many) == with_four
    assert len(recipients(Kind.POLL_OPENED, few)) == 4
    assert len(recipients(Kind.POLL_OPENED, many)) == 30


# -- Closing -------------------------------------------------------------------


def test_the_closing_goes_to_those_who_voted_once(space, supporter, member, section_animator):
    poll = new_poll(space, creator=section_animator)
    vote(poll, member)
    vote(poll, section_animator, "Non")

    assert closed(poll) == "skipped: not closed"
    assert closed(poll, now=poll.closes_at) == "notified 2"
    assert recipients(Kind.POLL_CLOSED, poll) == {member.pk, section_animator.pk}
    assert supporter.pk not in recipients(Kind.POLL_CLOSED, poll)

    assert closed(poll, now=poll.closes_at) == "skipped: already notified"
    assert Notification.objects.filter(kind=Kind.POLL_CLOSED).count() == 2


def test_a_voter_who_left_a_private_group_is_not_told(django_assert_max_num_queries):
    group = GroupFactory(visibility=Space.Visibility.PRIVATE)
    stays, leaves = MembershipFactory(space=group), MembershipFactory(space=group)
    poll = new_poll(group)
    vote(poll, stays.user)
    vote(poll, leaves.user)
    leaves.delete()

    closed(poll, now=poll.closes_at)

    assert recipients(Kind.POLL_CLOSED, poll) == {stays.user.pk}


def test_closing_a_poll_early_in_the_admin_reschedules_its_notification(
    client, space, member, django_capture_on_commit_callbacks
):
    poll = new_poll(space)
    vote(poll, member)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    now = timezone.localtime().replace(second=0, microsecond=0)
    former = poll.closes_at.isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:polls_poll_change", args=[poll.pk]),
            {
                "closes_at_0": now.strftime("%Y-%m-%d"),
                "closes_at_1": now.strftime("%H:%M:%S"),
                "options-TOTAL_FORMS": "2",
                "options-INITIAL_FORMS": "2",
                "options-MIN_NUM_FORMS": "0",
                "options-MAX_NUM_FORMS": "1000",
                **{
                    f"options-{i}-id": str(option.pk) for i, option in enumerate(poll.options.all())
                },
                **{f"options-{i}-poll": str(poll.pk) for i in range(2)},
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    poll.refresh_from_db()
    assert poll.closes_at == now

    rescheduled = task_rows("notify_poll_closed").get()
    assert rescheduled.args_kwargs["args"] == [poll.pk, now.isoformat()]
    # The task of the former date finds the poll moved and does nothing.
    assert poll_closed_notify(poll_id=poll.pk, closes_at=former) == "skipped: moved or deleted"
    assert notify_poll_closed.call(poll.pk, poll.closes_at.isoformat()) == "notified 1"


# -- Through the real worker ---------------------------------------------------


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)


# The worker closes the database connection when it is done: a transactional
# test, as for every test that runs it (on PostgreSQL a wrapped one breaks).
@pytest.mark.django_db(transaction=True)
def test_the_worker_announces_at_the_dates_of_the_poll(
    space, member, supporter, section_animator, monkeypatch, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        poll = new_poll(space, creator=section_animator, opens=1, closes=3, now=start)

    run_worker()  # before the opening: nothing is due
    assert not Notification.objects.exists()

    clock = {"now": start + timedelta(hours=1, minutes=1)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    run_worker()
    assert recipients(Kind.POLL_OPENED, poll) == {member.pk, supporter.pk}

    vote(poll, member)
    clock["now"] = start + timedelta(hours=3, minutes=1)
    run_worker()
    run_worker()  # nothing twice
    assert recipients(Kind.POLL_CLOSED, poll) == {member.pk}
    assert Notification.objects.filter(kind=Kind.POLL_OPENED).count() == 2
    assert set(task_rows("notify_poll_opened").values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert task_rows("notify_poll_closed").get().return_value == "notified 1"


def test_the_tasks_can_be_called_directly(space, member):
    poll = new_poll(space)

    assert notify_poll_opened.call(poll.pk, poll.opens_at.isoformat()) == "notified 1"
