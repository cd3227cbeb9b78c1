"""Points and badges: once per thing, weekly diminishing returns, badge levels."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from membrane.conversations.models import Post
from membrane.conversations.services import post_create, thread_create
from membrane.engagement import privacy
from membrane.engagement.models import BadgeAward, InviteCode, PointAward, RankingOptIn, Referral
from membrane.engagement.selectors import referral_counts
from membrane.engagement.services import (
    WELCOMES_PER_REPLY,
    award,
    invite_code_for,
    invite_url,
    points_for,
    ranking_opt_in_set,
    referral_record,
)
from membrane.ideas.services import idea_answer, idea_submit
from membrane.notifications.models import Kind, Notification
from tests.factories import UserFactory
from tests.spaces_factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def test_the_same_thing_counts_once(supporter):
    assert award(supporter, "event_attended", "event:1") is not None
    assert award(supporter, "event_attended", "event:1") is None
    assert PointAward.objects.filter(user=supporter).count() == 1


def test_unknown_rule_is_refused(supporter):
    with pytest.raises(ValueError):
        award(supporter, "posting", "post:1")


def test_weekly_diminishing_returns(supporter):
    start = timezone.now() - timedelta(days=30)
    earned = [
        award(supporter, "field_action", f"action:{i}", at=start + timedelta(hours=i)).points
        for i in range(8)
    ]
    assert earned == [5, 5, 5, 2, 2, 2, 0, 0]
    # A week later, full points again.
    later = award(supporter, "field_action", "action:later", at=start + timedelta(days=8))
    assert later.points == 5
    # Other rules are not affected.
    assert award(supporter, "first_reply", "post:1", at=start + timedelta(hours=9)).points == 10


def test_points_for_table():
    assert points_for("idea_retained", 0) == 30
    assert points_for("idea_retained", 3) == 15
    assert points_for("idea_retained", 6) == 0


def test_badge_levels_and_notification(supporter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        award(supporter, "event_attended", "event:1")
    assert set(BadgeAward.objects.filter(user=supporter).values_list("badge", "level")) == {
        ("premier_pas", 1),
        ("sur_le_terrain", 1),
    }
    assert set(
        Notification.objects.filter(recipient=supporter, kind=Kind.BADGE).values_list(
            "badge", flat=True
        )
    ) == {"premier_pas:1", "sur_le_terrain:1"}
    with django_capture_on_commit_callbacks(execute=True):
        award(supporter, "field_action", "action:1")
        award(supporter, "field_action", "action:2")
    assert BadgeAward.objects.filter(user=supporter, badge="premier_pas", level=2).exists()
    assert not BadgeAward.objects.filter(user=supporter, badge="sur_le_terrain", level=2).exists()
    # A repeated award grants nothing new and notifies nobody.
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        award(supporter, "field_action", "action:1")
    assert Notification.objects.count() == before


def test_builder_counts_referrals_and_welcomes(supporter):
    Referral.objects.create(inviter=supporter, invitee=UserFactory())
    award(supporter, "welcome_newcomer", "newcomer:99")
    assert BadgeAward.objects.filter(user=supporter, badge="batisseur", level=1).exists()


def test_award_query_count(supporter, django_assert_max_num_queries):
    award(supporter, "event_attended", "event:1")
    with django_assert_max_num_queries(8):
        award(supporter, "event_attended", "event:2")


# -- Contributions: the services of posts, ideas and answers record points --


def _points(user, rule):
    return list(PointAward.objects.filter(user=user, rule=rule).values_list("key", flat=True))


def _write(thread, author):
    """A post written through the service, which records the points it earns."""
    return post_create(author=author, thread=thread, body="Je propose qu'on en parle.")


def test_a_first_reply_earns_points_once_and_an_opening_post_none(supporter, member):
    thread = ThreadFactory(author=member)
    _write(thread, supporter)  # the opening post
    assert _points(supporter, "first_reply") == []
    _write(thread, member)
    _write(thread, supporter)
    _write(thread, supporter)
    assert _points(supporter, "first_reply") == ["first"]
    assert _points(member, "first_reply") == ["first"]


def test_replying_to_a_newcomer_welcomes_them_once(supporter, member):
    PostFactory(author=member)  # the member wrote elsewhere before
    thread = ThreadFactory(author=supporter)
    _write(thread, supporter)  # the newcomer's first-ever post
    _write(thread, member)
    _write(thread, member)
    assert _points(member, "welcome_newcomer") == [f"newcomer:{supporter.pk}"]
    # The newcomer does not welcome themselves, nor the member (not new here).
    _write(thread, supporter)
    assert _points(supporter, "welcome_newcomer") == []


def test_someone_whose_first_post_was_elsewhere_is_no_newcomer_here(supporter, member):
    PostFactory(author=supporter)  # elsewhere, first
    thread = ThreadFactory(author=supporter)
    _write(thread, supporter)
    _write(thread, member)
    assert _points(member, "welcome_newcomer") == []


def test_a_newcomer_too_long_ago_is_not_welcomed_any_more(supporter, member):
    thread = ThreadFactory(author=supporter)
    first = _write(thread, supporter)
    Post.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=30))
    _write(thread, member)
    assert _points(member, "welcome_newcomer") == []


def test_an_inviter_earns_points_for_their_invitees_first_contribution(supporter, member, box):
    Referral.objects.create(inviter=member, invitee=supporter)
    _write(ThreadFactory(), supporter)
    _write(ThreadFactory(), supporter)
    idea_submit(author=supporter, box=box, title="Des vélos", description="Partout.")
    assert _points(member, "invitee_contributed") == [f"invitee:{supporter.pk}"]


def test_an_invitees_first_idea_counts_too(supporter, member, box):
    Referral.objects.create(inviter=member, invitee=supporter)
    idea_submit(author=supporter, box=box, title="Des vélos", description="Partout.")
    assert _points(member, "invitee_contributed") == [f"invitee:{supporter.pk}"]


def test_a_retained_idea_earns_its_author_points(supporter, section_animator, box):
    idea = idea_submit(author=supporter, box=box, title="Des vélos", description="Partout.")
    idea_answer(by=section_animator, idea=idea, status="under_study", text="On regarde.")
    assert _points(supporter, "idea_retained") == []
    idea_answer(by=section_animator, idea=idea, status="retained", text="Adoptée.")
    assert _points(supporter, "idea_retained") == [f"idea:{idea.pk}"]
    assert PointAward.objects.get(user=supporter, rule="idea_retained").points == 30


def _reply_queries(newcomers, member, replier):
    thread = ThreadFactory(author=member)
    PostFactory(thread=thread, author=member)
    for _i in range(newcomers):
        PostFactory(thread=thread, author=UserFactory())
    with CaptureQueriesContext(connection) as reply:
        _write(thread, replier)
    return len(reply)


def test_a_reply_costs_a_bounded_number_of_queries(member):
    """Whatever the thread's size, the work of a reply's points does not
    grow: a reply welcomes at most a few newcomers (the most recent)."""
    few_replier, many_replier = UserFactory(), UserFactory()
    few = _reply_queries(WELCOMES_PER_REPLY + 2, member, few_replier)
    many = _reply_queries(WELCOMES_PER_REPLY + 20, member, many_replier)
    assert many == few
    for replier in (few_replier, many_replier):
        welcomed = PointAward.objects.filter(user=replier, rule="welcome_newcomer").count()
        assert welcomed == WELCOMES_PER_REPLY


def test_an_invitees_opening_post_counts_too(supporter, member):
    Referral.objects.create(inviter=member, invitee=supporter)
    thread_create(author=supporter, space=ThreadFactory().space, title="Vélos", body="Partout.")
    assert _points(member, "invitee_contributed") == [f"invitee:{supporter.pk}"]
    assert _points(supporter, "first_reply") == []


def test_a_rolled_back_reply_earns_nothing(supporter, member):
    thread = ThreadFactory(author=member)
    _write(thread, member)
    with pytest.raises(RuntimeError), transaction.atomic():
        _write(thread, supporter)
        raise RuntimeError("the request failed after the reply")
    assert not PointAward.objects.filter(user=supporter).exists()


def test_posts_written_straight_to_the_database_earn_nothing(supporter, member):
    """Bulk loaders (the demo data, imports) bypass the services: no points."""
    Referral.objects.create(inviter=member, invitee=supporter)
    thread = ThreadFactory(author=member)
    PostFactory(thread=thread, author=member)
    PostFactory(thread=thread, author=supporter)
    assert not PointAward.objects.exists()


# -- Invitations --------------------------------------------------------------


def test_the_invitation_code_is_stable(supporter):
    code = invite_code_for(supporter)
    assert invite_code_for(supporter) == code
    assert invite_url(supporter) == f"/invitation/{code}/"
    assert (
        invite_url(supporter, "/evenements/3/") == f"/invitation/{code}/?next=%2Fevenements%2F3%2F"
    )


def test_no_self_referral_and_unknown_codes_are_ignored(supporter, member):
    assert referral_record(invitee=supporter, code=invite_code_for(supporter)) is None
    assert referral_record(invitee=supporter, code="nope") is None
    assert referral_record(invitee=supporter, code=invite_code_for(member)) is not None
    # Counted once.
    assert referral_record(invitee=supporter, code=invite_code_for(member)) is None
    assert BadgeAward.objects.filter(user=member, badge="batisseur", level=1).exists()


def test_referral_counts(member, box):
    joined = [UserFactory(), UserFactory(), UserFactory()]
    for person in joined:
        Referral.objects.create(inviter=member, invitee=person)
    PostFactory(author=joined[0])
    idea_submit(author=joined[1], box=box, title="Une idée", description="Oui.")
    assert referral_counts(member) == {"joined": 3, "contributed": 2}


# -- Privacy ------------------------------------------------------------------


def test_erasure_removes_code_choice_points_and_the_inviter_link(supporter, member):
    invite_code_for(member)
    ranking_opt_in_set(user=member, opted_in=True)
    Referral.objects.create(inviter=member, invitee=supporter)
    award(member, "field_action", "action:1")
    exported = privacy.export_personal_data(member)
    assert exported["invitation_code"]
    assert exported["in_rankings"] is True
    assert exported["people_invited"] == 1

    privacy.erase_personal_data(member, keep_contributions=True)

    assert not InviteCode.objects.filter(user=member).exists()
    assert not RankingOptIn.objects.filter(user=member).exists()
    assert not PointAward.objects.filter(user=member).exists()
    assert not BadgeAward.objects.filter(user=member).exists()
    referral = Referral.objects.get(invitee=supporter)
    assert referral.inviter is None
    assert privacy.export_personal_data(supporter)["invited_by"] is None


# -- Demo ---------------------------------------------------------------------


def test_the_demo_loads_once(db):
    from membrane.engagement.demo import engagement_loaded, load_engagement

    people = [UserFactory(email=f"p{i}@demo.test") for i in range(70)]
    for person in people[40:50]:
        PostFactory(author=person)
    assert load_engagement(domain="demo.test") is not None
    assert engagement_loaded("demo.test")
    assert Referral.objects.count() == 35
    assert PointAward.objects.exists() and BadgeAward.objects.exists()
    assert RankingOptIn.objects.count() == 30
