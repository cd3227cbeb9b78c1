"""The demo's ideas: boxes at every level, ideas in every status, one that
climbed from the section to the national box, a merge, overdue ideas, all
through the services and loaded once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from membrane.ideas.models import Idea, IdeaBox, Status, Step, Support
from membrane.ideas.selectors import box_report
from membrane.spaces.models import Space

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_boxes_at_every_level_and_ideas_in_every_status(demo):
    kinds = set(IdeaBox.objects.values_list("space__kind", flat=True))

    assert kinds == {
        Space.Kind.NATIONAL,
        Space.Kind.FEDERATION,
        Space.Kind.SECTION,
        Space.Kind.GROUP,
    }
    assert set(Idea.objects.values_list("status", flat=True)) == set(Status.values)
    assert "Ideas: 4 boxes, 42 ideas" in demo


def test_the_largest_groups_box_holds_more_than_a_page_of_ideas(demo):
    """The box `manage.py bench` measures: more ideas than one page shows, by
    members who had joined the group, with supports up to the threshold."""
    from membrane.core.demo_ideas import GROUP, GROUP_IDEAS
    from membrane.ideas.views import IDEAS_PER_PAGE
    from membrane.spaces.models import Membership

    box = IdeaBox.objects.get(space__name=GROUP)
    ideas = Idea.objects.filter(box=box)

    assert ideas.count() > IDEAS_PER_PAGE
    assert ideas.filter(support_count=0).exists()
    assert ideas.filter(support_count__gte=box.threshold_supports).count() >= 3
    joined = dict(Membership.objects.filter(space=box.space).values_list("user", "joined_at"))
    added = ideas.filter(title__in=[title for title, *_rest in GROUP_IDEAS])
    assert all(joined[i.author_id] <= i.created_at for i in added)


def test_an_idea_climbed_from_the_section_to_the_national_box(demo):
    climbed = Idea.objects.get(title="Une permanence mensuelle au marché des Capucins")

    kinds = list(Step.objects.filter(idea=climbed).values_list("box__space__kind", flat=True))

    assert kinds == [Space.Kind.SECTION, Space.Kind.FEDERATION, Space.Kind.NATIONAL]
    assert climbed.box.space.kind == Space.Kind.NATIONAL


def test_the_report_has_answers_on_time_late_and_overdue(demo):
    report = box_report()

    assert 0 < report["answered_on_time_share"] < 1
    assert report["overdue"]
    assert report["median_days_to_answer"] is not None


def test_no_one_supports_their_own_idea(demo):
    assert Support.objects.exists()
    assert not Support.objects.filter(user_id=F("idea__author_id")).exists()


def test_loading_the_demo_again_adds_no_idea(demo):
    count = Idea.objects.count()

    call_command("load_demo", stdout=StringIO(), stderr=StringIO())

    assert Idea.objects.count() == count


def test_an_open_and_a_closed_poll_with_ballots(demo):
    from django.utils import timezone

    from membrane.polls.models import Poll

    polls = list(Poll.objects.all())

    assert len(polls) == 2
    assert {p.closes_at > timezone.now() for p in polls} == {True, False}
    assert all(p.ballots.count() >= 10 for p in polls)


def test_ideas_carry_themes_and_a_few_have_french_comments_in_their_thread(demo):
    from membrane.conversations.models import Post
    from membrane.ideas.models import Theme

    assert {"Écologie", "Démocratie", "Transports"} <= set(
        Theme.objects.values_list("name", flat=True)
    )
    assert Idea.objects.filter(themes__isnull=False).distinct().count() >= 10
    discussed = Idea.objects.filter(thread__isnull=False).select_related("thread")
    assert discussed.count() >= 5
    for idea in discussed:
        assert idea.thread.space_id == idea.box.space_id
        assert idea.title in idea.thread.title
        assert not Post.objects.filter(thread=idea.thread, author_id=idea.author_id).exists()
    assert "comments." in demo
