"""The demo's moderation: every kind of decision in the public log, appeals
overturned and upheld by someone else than the first moderator, reports and
held messages waiting in the demo animatrice's queue, loaded once."""

from io import StringIO

import pytest
from django.core.management import call_command

from membrane.accounts.models import User
from membrane.conversations.models import Post
from membrane.moderation.models import Action, Appeal, Decision, ModerationState, Mute, Report
from membrane.moderation.selectors import queue

pytestmark = pytest.mark.django_db

ANIMATRICE = "animatrice@demo.membrane.localhost"


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_log_shows_each_kind_of_decision_with_its_article_and_reason(demo):
    actions = set(Decision.objects.values_list("action", flat=True))

    assert {Action.HIDE, Action.WARN, Action.MUTE, Action.DISMISS, Action.RESTORE} <= actions
    assert not Decision.objects.filter(reason="").exists()
    assert not Decision.objects.filter(
        action__in=[Action.HIDE, Action.WARN, Action.MUTE], article=None
    ).exists()
    assert "Moderation: 9 decisions in the public log" in demo


def test_appeals_are_decided_by_another_moderator_one_each_way(demo):
    appeals = list(Appeal.objects.select_related("decision"))

    assert {a.status for a in appeals} == {Appeal.Status.OVERTURNED, Appeal.Status.UPHELD}
    for appeal in appeals:
        assert appeal.decided_by_id not in (appeal.decision.moderator_id, appeal.author_id)
    overturned = next(a for a in appeals if a.status == Appeal.Status.OVERTURNED)
    post = Post.objects.get(pk=overturned.decision.object_id)
    assert post.moderation_state == ModerationState.VISIBLE


def test_hidden_content_stays_in_place_and_a_mute_runs(demo):
    hidden = Post.objects.filter(moderation_state=ModerationState.HIDDEN)

    assert hidden.count() == 2
    assert all(post.moderation_article for post in hidden)
    assert Mute.objects.count() == 1
    assert User.objects.filter(moderation_state=ModerationState.HIDDEN).count() == 1


def test_the_animatrice_finds_reports_and_a_held_message_in_her_queue(demo):
    animatrice = User.objects.get(email=ANIMATRICE)

    items = queue(animatrice)

    assert [item.report_count for item in items] == [3, 1, 1]
    sources = {report.source for item in items for report in item.reports}
    assert sources == {Report.Source.PERSON, Report.Source.PREMODERATION}
    assert Post.objects.filter(moderation_state=ModerationState.HELD).count() == 2


def test_loading_the_demo_again_adds_no_moderation(demo):
    counts = (Decision.objects.count(), Report.objects.count(), Appeal.objects.count())

    call_command("load_demo", stdout=StringIO(), stderr=StringIO())

    assert (Decision.objects.count(), Report.objects.count(), Appeal.objects.count()) == counts
