"""Retention: supporters inactive for RETENTION_INACTIVE_DAYS are warned once
by email, then erased RETENTION_GRACE_DAYS later unless they came back;
verified members, staff and animators are never touched. The clock is the
`now` the purge is given."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from membrane.accounts.models import User
from membrane.accounts.retention import inactive_supporters_purge
from membrane.accounts.tasks import purge_inactive_supporters
from membrane.conversations.models import Post
from membrane.conversations.services import thread_create
from membrane.core.models import OutgoingEmail
from membrane.spaces.services import group_create
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
YEARS_3 = timedelta(days=3 * 365)
DAY = timedelta(days=1)


def inactive(person, *, since=NOW - YEARS_3 - DAY):
    """The person signed up and last signed in at `since`."""
    User.objects.filter(pk=person.pk).update(date_joined=since, last_login=since)
    person.refresh_from_db()
    return person


def warnings_to(person):
    return OutgoingEmail.objects.filter(to=person.email, purpose="retention_warning")


@pytest.fixture
def sleeper(section, charter):
    return inactive(UserFactory(section=section, first_name="Dormeur", language="en"))


def test_an_inactive_supporter_is_warned_once_by_email(sleeper):
    report = inactive_supporters_purge(now=NOW)
    again = inactive_supporters_purge(now=NOW + DAY)

    assert report.warned == [sleeper.pk] and again.warned == []
    sleeper.refresh_from_db()
    assert sleeper.retention_warned_at == NOW
    assert sleeper.erased_at is None
    email = warnings_to(sleeper).get()
    deadline = timezone.localtime(NOW + timedelta(days=30)).date()
    assert deadline.strftime("%Y") in email.subject
    assert "will be deleted" in email.subject
    assert "/accounts/login/" in email.body_text
    assert "more than 3 years" in email.body_text


def test_the_warning_is_written_in_the_persons_language(section, charter):
    person = inactive(UserFactory(section=section, first_name="Aline", language="fr"))

    inactive_supporters_purge(now=NOW)

    assert "sera supprimé" in warnings_to(person).get().subject


def test_someone_active_within_three_years_is_not_warned(section, charter):
    person = inactive(UserFactory(section=section), since=NOW - YEARS_3 + DAY)

    report = inactive_supporters_purge(now=NOW)

    assert report.warned == []
    assert not warnings_to(person).exists()


def test_a_recent_message_counts_as_activity(sleeper, member):
    group = group_create(creator=member, name="Services publics")
    thread = thread_create(author=sleeper, space=group, title="Toujours là", body="Oui")
    Post.objects.filter(thread=thread).update(created_at=NOW - timedelta(days=200))

    assert inactive_supporters_purge(now=NOW).warned == []


def test_the_account_is_erased_after_the_grace_period_keeping_contributions(sleeper, member):
    group = group_create(creator=member, name="Services publics")
    thread = thread_create(author=sleeper, space=group, title="Vieux fil", body="Vieux")
    Post.objects.filter(thread=thread).update(created_at=NOW - YEARS_3 - DAY)
    inactive_supporters_purge(now=NOW)
    warnings = list(warnings_to(sleeper))

    too_early = inactive_supporters_purge(now=NOW + timedelta(days=29))
    erased = inactive_supporters_purge(now=NOW + timedelta(days=30))

    assert too_early.erased == [] and erased.erased == [sleeper.pk]
    sleeper.refresh_from_db()
    assert sleeper.erased_at is not None and not sleeper.is_active
    assert sleeper.public_name == "former member"
    assert sleeper.email != "" and "@invalid.invalid" in sleeper.email
    assert Post.objects.get(thread=thread).author_id == sleeper.pk
    assert OutgoingEmail.objects.filter(purpose="retention_warning").count() == len(warnings) == 1


def test_signing_in_after_the_warning_cancels_the_erasure(sleeper):
    inactive_supporters_purge(now=NOW)
    User.objects.filter(pk=sleeper.pk).update(last_login=NOW + timedelta(days=5))

    report = inactive_supporters_purge(now=NOW + timedelta(days=30))

    assert report.erased == [] and report.cleared == [sleeper.pk]
    sleeper.refresh_from_db()
    assert sleeper.erased_at is None and sleeper.retention_warned_at is None
    assert report.warned == []


def test_writing_after_the_warning_cancels_the_erasure(sleeper, member):
    inactive_supporters_purge(now=NOW)
    group = group_create(creator=member, name="Services publics")
    thread_create(author=sleeper, space=group, title="Me revoilà", body="Bonjour")
    Post.objects.filter(author=sleeper).update(created_at=NOW + timedelta(days=3))

    report = inactive_supporters_purge(now=NOW + timedelta(days=40))

    assert report.erased == []
    sleeper.refresh_from_db()
    assert sleeper.erased_at is None


@pytest.mark.parametrize("kind", ["member", "staff", "superuser", "animator"])
def test_members_staff_and_animators_are_never_touched(section, charter, kind):
    from tests.factories import AnimatorFactory

    if kind == "member":
        person = MemberFactory(section=section)
    elif kind == "staff":
        person = UserFactory(is_staff=True)
    elif kind == "superuser":
        person = UserFactory(is_superuser=True)
    else:
        person = UserFactory(section=section)
        AnimatorFactory(user=person, unit=section)
    inactive(person, since=NOW - 10 * YEARS_3)

    first = inactive_supporters_purge(now=NOW)
    later = inactive_supporters_purge(now=NOW + timedelta(days=400))

    assert first.warned == first.erased == later.warned == later.erased == []
    person.refresh_from_db()
    assert person.erased_at is None and person.retention_warned_at is None
    assert not warnings_to(person).exists()


def test_a_supporter_verified_as_member_after_the_warning_is_kept(sleeper, section_animator):
    from membrane.accounts.services import membership_verify

    inactive_supporters_purge(now=NOW)
    membership_verify(person=sleeper, verified_by=section_animator)

    report = inactive_supporters_purge(now=NOW + timedelta(days=60))

    assert report.erased == [] and report.cleared == [sleeper.pk]
    sleeper.refresh_from_db()
    assert sleeper.erased_at is None and sleeper.retention_warned_at is None


def test_the_delays_come_from_the_settings(settings, section, charter):
    settings.RETENTION_INACTIVE_DAYS = 30
    settings.RETENTION_GRACE_DAYS = 7
    person = inactive(UserFactory(section=section, language="en"), since=NOW - timedelta(days=31))

    warned = inactive_supporters_purge(now=NOW)
    erased = inactive_supporters_purge(now=NOW + timedelta(days=7))

    assert warned.warned == [person.pk] and erased.erased == [person.pk]
    assert "more than 30 days" in warnings_to(person).get().body_text


def test_the_command_runs_the_purge_and_its_dry_run_changes_nothing(sleeper):
    dry, real = StringIO(), StringIO()

    call_command("purge_inactive_supporters", "--dry-run", stdout=dry)
    sleeper.refresh_from_db()
    assert sleeper.retention_warned_at is None and not warnings_to(sleeper).exists()

    call_command("purge_inactive_supporters", stdout=real)

    assert "Would have: warned 1, erased 0" in dry.getvalue()
    assert "warned 1, erased 0" in real.getvalue()
    sleeper.refresh_from_db()
    assert sleeper.retention_warned_at is not None
    assert warnings_to(sleeper).count() == 1


def test_the_worker_task_runs_the_same_purge(sleeper):
    result = purge_inactive_supporters.call()

    assert result == "warned 1, erased 0, cleared 0"
    assert warnings_to(sleeper).count() == 1
