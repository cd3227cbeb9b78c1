"""The writes of moderation (moderation/services.py): reports and their
limits, decisions and their effects, appeals, the posting guards of a
space's policy and its rate limit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from membrane.accounts.models import User
from membrane.moderation.models import (
    Action,
    Appeal,
    AuditEntry,
    Decision,
    ModerationState,
    Mute,
    Report,
    SpacePolicy,
)
from membrane.moderation.services import (
    LINKS_HELD_BEYOND,
    REPORTS_PER_HOUR,
    ModerationError,
    appeal_create,
    appeal_decide,
    decide,
    guard_source,
    hold_if_guarded,
    posting_check,
    report_create,
)
from membrane.notifications.models import Kind, Notification
from tests.moderation_factories import REASON, group_with, hide, person, reply_in, report
from tests.spaces_factories import MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db

LINKS = " ".join(f"https://exemple.org/{n}" for n in range(LINKS_HELD_BEYOND + 1))


@pytest.fixture
def moderator(charter):
    return person(charter, display_name="Modératrice Ardente")


@pytest.fixture
def second_moderator(charter):
    return person(charter, display_name="Modérateur Second")


@pytest.fixture
def author(charter):
    return person(charter, display_name="Auteur Vif")


@pytest.fixture
def group(moderator, second_moderator, author, supporter):
    group = group_with(moderator=moderator, animator=second_moderator, name="Services publics")
    MembershipFactory(space=group, user=author)
    MembershipFactory(space=group, user=supporter)
    return group


@pytest.fixture
def reply(group, author):
    return reply_in(group, author=author, body="Tu racontes n'importe quoi.")


def refresh(content):
    content.refresh_from_db()
    return content


# Reports


def test_a_report_names_an_article_and_is_open(supporter, reply):
    created = report(supporter, reply, article=2, comment="  Insulte  ")

    assert created.status == Report.Status.OPEN
    assert created.source == Report.Source.PERSON
    assert (created.reporter, created.article, created.comment) == (supporter, 2, "Insulte")
    assert (created.kind, created.space) == ("post", reply.thread.space)


def test_one_person_has_one_open_report_per_content(supporter, reply):
    report(supporter, reply)

    with pytest.raises(ModerationError) as refused:
        report(supporter, reply, article=2)

    assert refused.value.status == 409
    assert "already reported" in refused.value.message
    assert Report.objects.count() == 1


def test_reports_are_rate_limited(supporter, group, author):
    for _ in range(REPORTS_PER_HOUR):
        report(supporter, reply_in(group, author=author))

    with pytest.raises(ModerationError) as refused:
        report(supporter, reply_in(group, author=author))

    assert refused.value.status == 429
    assert "try again later" in refused.value.message


def test_a_report_under_an_unknown_article_is_refused(supporter, reply):
    with pytest.raises(ModerationError) as refused:
        report_create(reporter=supporter, content=reply, article=9)

    assert refused.value.status == 400
    assert "no article 9" in refused.value.message
    assert not Report.objects.exists()


def test_a_report_without_article_is_refused(supporter, reply):
    with pytest.raises(ModerationError) as refused:
        report_create(reporter=supporter, content=reply, article="")

    assert "article of the charter" in refused.value.message


# Decisions and their effects


def test_hiding_sets_the_state_and_the_article_and_closes_the_reports(
    supporter, member, moderator, reply
):
    report(supporter, reply)
    report(member, reply, article=2)

    decision = hide(moderator, reply, article=2)

    assert refresh(reply).moderation_state == ModerationState.HIDDEN
    assert reply.moderation_article == 2
    assert decision.author == reply.author
    assert decision.space == reply.thread.space
    assert set(Report.objects.values_list("status", "decision")) == {
        (Report.Status.CLOSED, decision.pk)
    }
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.verb, entry.object_id) == (moderator, "decision:hide", reply.pk)


def test_a_hide_needs_an_article_and_a_reason(moderator, reply):
    with pytest.raises(ModerationError, match="article of the charter"):
        decide(moderator=moderator, content=reply, action=Action.HIDE, article="", reason="x")
    with pytest.raises(ModerationError, match="public reason"):
        decide(moderator=moderator, content=reply, action=Action.HIDE, article=1, reason="  ")
    with pytest.raises(ModerationError, match="Choose a decision"):
        decide(moderator=moderator, content=reply, action="erase", article=1, reason="x")

    assert refresh(reply).moderation_state == ModerationState.VISIBLE
    assert not Decision.objects.exists()


def test_muting_creates_a_mute_and_posting_is_refused_with_a_403(moderator, author, reply, group):
    decision = decide(
        moderator=moderator,
        content=reply,
        action=Action.MUTE,
        article=1,
        reason=REASON,
        mute_days=3,
    )

    mute = Mute.objects.get()
    assert (mute.user, mute.space, mute.decision) == (author, group, decision)
    assert timedelta(days=2, hours=23) < mute.until - timezone.now() <= timedelta(days=3)
    with pytest.raises(ModerationError) as refused:
        posting_check(author=author, space=group)
    assert refused.value.status == 403
    assert "muted in this space" in refused.value.message
    assert "article 1" in refused.value.message


def test_a_mute_lasts_from_one_day_to_a_year(moderator, reply):
    for days in (0, 366, "trois", None):
        with pytest.raises(ModerationError, match="from 1 to 365 days"):
            decide(
                moderator=moderator,
                content=reply,
                action=Action.MUTE,
                article=1,
                reason=REASON,
                mute_days=days,
            )
    assert not Mute.objects.exists()


def test_an_expired_mute_no_longer_stops_posting(moderator, author, reply, group):
    decide(
        moderator=moderator,
        content=reply,
        action=Action.MUTE,
        article=1,
        reason=REASON,
        mute_days=1,
    )
    Mute.objects.update(until=timezone.now() - timedelta(minutes=1))

    posting_check(author=author, space=group)  # no error


def test_banning_deactivates_the_author(staff, author, reply):
    decide(moderator=staff, content=reply, action=Action.BAN, article=1, reason=REASON)

    assert User.objects.get(pk=author.pk).is_active is False


def test_a_warning_leaves_the_content_visible(moderator, reply):
    decision = decide(
        moderator=moderator, content=reply, action=Action.WARN, article=2, reason=REASON
    )

    assert refresh(reply).moderation_state == ModerationState.VISIBLE
    assert decision.action == Action.WARN


def test_approving_publishes_held_content(moderator, author, group):
    SpacePolicy.objects.create(space=group, premoderation=True)
    held = PostFactory(thread__space=group, author=author)
    assert hold_if_guarded(content=held, author=author, space=group, body=held.body)

    decide(
        moderator=moderator, content=held, action=Action.APPROVE, article=None, reason="Conforme."
    )

    assert refresh(held).moderation_state == ModerationState.VISIBLE
    assert not Report.objects.filter(status=Report.Status.OPEN).exists()


def test_restoring_makes_hidden_content_visible_again(moderator, second_moderator, reply):
    hide(moderator, reply)

    decide(
        moderator=second_moderator,
        content=reply,
        action=Action.RESTORE,
        article=None,
        reason="Relu : critique acceptable.",
    )

    assert refresh(reply).moderation_state == ModerationState.VISIBLE
    assert reply.moderation_article is None


def test_the_author_and_the_reporters_are_told_the_decision(
    supporter, member, moderator, author, reply, django_capture_on_commit_callbacks
):
    report(supporter, reply)
    report(member, reply)

    with django_capture_on_commit_callbacks(execute=True):
        decision = hide(moderator, reply)

    told = set(Notification.objects.values_list("recipient", "kind", "decision"))
    assert told == {
        (author.pk, Kind.MODERATION, decision.pk),
        (supporter.pk, Kind.REPORT_OUTCOME, decision.pk),
        (member.pk, Kind.REPORT_OUTCOME, decision.pk),
    }


def test_a_dismissal_tells_the_reporters_only(
    supporter, moderator, reply, django_capture_on_commit_callbacks
):
    report(supporter, reply)

    with django_capture_on_commit_callbacks(execute=True):
        decide(
            moderator=moderator,
            content=reply,
            action=Action.DISMISS,
            article=None,
            reason="Désaccord, pas insulte.",
        )

    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (supporter.pk, Kind.REPORT_OUTCOME)
    ]


# Appeals


def test_an_appeal_needs_a_text_and_is_made_once(moderator, author, reply):
    decision = hide(moderator, reply)

    with pytest.raises(ModerationError, match="why the decision should change"):
        appeal_create(author=author, decision=decision, text="   ")
    appeal_create(author=author, decision=decision, text="C'était de l'ironie.")
    with pytest.raises(ModerationError) as twice:
        appeal_create(author=author, decision=decision, text="Encore.")

    assert twice.value.status == 409
    assert Appeal.objects.get().status == Appeal.Status.PENDING


def test_overturning_restores_the_content_with_a_public_restore_decision(
    moderator, second_moderator, author, reply, django_capture_on_commit_callbacks
):
    first = hide(moderator, reply)
    appeal = appeal_create(author=author, decision=first, text="C'était de l'ironie.")

    with django_capture_on_commit_callbacks(execute=True):
        decided = appeal_decide(
            moderator=second_moderator, appeal=appeal, overturn=True, answer="Ironie manifeste."
        )

    assert decided.status == Appeal.Status.OVERTURNED
    assert (decided.decided_by, decided.answer) == (second_moderator, "Ironie manifeste.")
    assert refresh(reply).moderation_state == ModerationState.VISIBLE
    restore = Decision.objects.get(action=Action.RESTORE)
    assert restore.revisits == first
    assert (restore.moderator, restore.reason, restore.kind) == (
        second_moderator,
        "Ironie manifeste.",
        "post",
    )
    told = set(Notification.objects.values_list("recipient", "kind", "decision"))
    assert told == {
        (author.pk, Kind.APPEAL_DECIDED, first.pk),
        (moderator.pk, Kind.APPEAL_DECIDED, first.pk),
    }


def test_upholding_leaves_the_content_hidden(moderator, second_moderator, author, reply):
    first = hide(moderator, reply)
    appeal = appeal_create(author=author, decision=first, text="Injuste.")

    appeal_decide(moderator=second_moderator, appeal=appeal, overturn=False, answer="Maintenu.")

    assert refresh(reply).moderation_state == ModerationState.HIDDEN
    assert Decision.objects.count() == 1
    with pytest.raises(ModerationError) as again:
        appeal_decide(moderator=second_moderator, appeal=appeal, overturn=True, answer="Non.")
    assert again.value.status == 409


def test_overturning_a_mute_lifts_it_and_a_ban_reactivates(
    moderator, second_moderator, staff, author, reply, charter
):
    mute = decide(
        moderator=moderator,
        content=reply,
        action=Action.MUTE,
        article=1,
        reason=REASON,
        mute_days=7,
    )
    appeal_decide(
        moderator=second_moderator,
        appeal=appeal_create(author=author, decision=mute, text="Trop sévère."),
        overturn=True,
        answer="Levée.",
    )
    assert not Mute.objects.exists()

    ban = decide(moderator=staff, content=reply, action=Action.BAN, article=1, reason=REASON)
    appeal_decide(
        moderator=person(charter, is_staff=True),
        appeal=appeal_create(author=author, decision=ban, text="Erreur."),
        overturn=True,
        answer="Réintégré.",
    )
    assert User.objects.get(pk=author.pk).is_active is True


# Posting guards and rate limit


def test_premoderation_holds_every_message_with_an_open_report(author, group):
    SpacePolicy.objects.create(space=group, premoderation=True)
    post = PostFactory(thread__space=group, author=author)

    assert hold_if_guarded(content=post, author=author, space=group, body=post.body) is True

    assert refresh(post).moderation_state == ModerationState.HELD
    held = Report.objects.get()
    assert (held.source, held.status, held.object_id, held.reporter) == (
        Report.Source.PREMODERATION,
        Report.Status.OPEN,
        post.pk,
        None,
    )


def test_the_newcomer_guard_holds_the_first_messages_of_new_accounts(author, group, charter):
    SpacePolicy.objects.create(space=group, newcomer_guard=True)
    veteran = person(charter, date_joined=timezone.now() - timedelta(days=30))

    assert guard_source(author=author, space=group, body="Bonjour") == Report.Source.NEWCOMER
    assert guard_source(author=veteran, space=group, body="Bonjour") is None
    PostFactory.create_batch(3, author=author)
    assert guard_source(author=author, space=group, body="Bonjour") is None


def test_the_link_guard_holds_messages_with_many_links_for_review(author, group):
    post = PostFactory(thread__space=group, author=author, body=LINKS)

    assert guard_source(author=author, space=group, body="Voir https://exemple.org") is None
    assert hold_if_guarded(content=post, author=author, space=group, body=LINKS) is True

    assert refresh(post).moderation_state == ModerationState.HELD
    assert Report.objects.get().source == Report.Source.LINKS


def test_the_link_guard_can_be_turned_off(author, group):
    SpacePolicy.objects.create(space=group, link_guard=False)

    assert guard_source(author=author, space=group, body=LINKS) is None


def test_moderators_are_never_held(moderator, staff, group):
    SpacePolicy.objects.create(space=group, premoderation=True, newcomer_guard=True)

    for someone in (moderator, staff):
        assert guard_source(author=someone, space=group, body=LINKS) is None


def test_posting_beyond_the_spaces_rate_is_refused_with_a_429(author, moderator, group):
    SpacePolicy.objects.create(space=group, posts_per_hour=2)
    PostFactory.create_batch(2, thread__space=group, author=author)

    with pytest.raises(ModerationError) as refused:
        posting_check(author=author, space=group)

    assert refused.value.status == 429
    assert "2 messages an hour" in refused.value.message
    PostFactory.create_batch(2, thread__space=group, author=moderator)
    posting_check(author=moderator, space=group)  # moderators are not limited


def test_no_rate_limit_when_the_policy_says_zero(author, group):
    SpacePolicy.objects.create(space=group, posts_per_hour=0)
    PostFactory.create_batch(30, thread__space=group, author=author)

    posting_check(author=author, space=group)  # no error
