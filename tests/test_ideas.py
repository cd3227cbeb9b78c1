"""Ideas with accountability (services, selectors, permissions): thresholds in
supports or in a share of the members, answer delays on a controlled clock,
the status pipeline with public answers, supports (one per person, enforced by
the database), merges without double counting, ideas climbing the tree."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from membrane.ideas.models import Answer, Idea, Status, Step, Support
from membrane.ideas.permissions import (
    can_answer,
    can_forward,
    can_open_box,
    can_submit,
    support_refusal,
)
from membrane.ideas.selectors import box_report, days_waiting, overdue_steps, similar_ideas
from membrane.ideas.services import (
    IdeaError,
    box_open,
    idea_answer,
    idea_forward,
    idea_merge,
    idea_submit,
    support_add,
    support_withdraw,
    threshold_of,
)
from membrane.notifications.models import Kind, Notification
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0) - timedelta(days=100)


def day(n):
    """A controlled clock: day n after T0."""
    return T0 + timedelta(days=n)


@pytest.fixture
def boxes(spaces, section_animator, staff):
    return {
        "section": box_open(
            space=spaces["section"], by=section_animator, threshold_supports=3, answer_delay_days=15
        ),
        "federation": box_open(
            space=spaces["federation"], by=staff, threshold_supports=2, answer_delay_days=30
        ),
        "national": box_open(
            space=spaces["national"], by=staff, threshold_supports=5, answer_delay_days=60
        ),
    }


@pytest.fixture
def people(section, charter):
    return [
        MemberFactory(section=section, charter_version_accepted=charter.number) for _ in range(6)
    ]


@pytest.fixture
def idea(boxes, member):
    return idea_submit(
        author=member,
        box=boxes["section"],
        title="Un composteur partagé par quartier",
        description="Des **composteurs** gérés par les habitant·es.",
        now=day(0),
    )


def support_by(idea, people, n, *, at=1):
    for person in people[:n]:
        support_add(user=person, idea=idea, now=day(at))


# Submitting and supporting ---------------------------------------------------------


def test_an_idea_starts_submitted_with_its_first_step_and_sanitised_description(idea, boxes):
    assert idea.status == Status.SUBMITTED
    assert "<strong>composteurs</strong>" in idea.description_html
    step = Step.objects.get(idea=idea)
    assert (step.box, step.entered_at, step.threshold_reached_at) == (
        boxes["section"],
        day(0),
        None,
    )


def test_similar_ideas_are_suggested_from_the_title(idea, boxes, member):
    other = idea_submit(
        author=member, box=boxes["section"], title="Pistes cyclables", description="…"
    )

    found = similar_ideas(box=boxes["section"], title="Composteurs dans chaque quartier")

    assert idea in found
    assert other not in found
    assert similar_ideas(box=boxes["section"], title="le la de") == []


def test_supporting_twice_is_refused_with_a_clear_message(idea, people):
    support_add(user=people[0], idea=idea)

    with pytest.raises(IdeaError) as refused:
        support_add(user=people[0], idea=idea)

    assert refused.value.status == 409
    assert Support.objects.filter(idea=idea).count() == 1


def test_the_database_itself_refuses_a_second_support(idea, people):
    Support.objects.create(idea=idea, user=people[0], created_at=day(1))

    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(idea=idea, user=people[0], created_at=day(1))


def test_who_may_support(idea, people, member, supporter, outsider_animator, boxes):
    assert support_refusal(people[0], idea) is None
    assert support_refusal(member, idea) == "own_idea"
    assert support_refusal(outsider_animator, idea) == "outsider"
    box = boxes["section"]
    box.members_only_support = True
    box.save()
    idea.refresh_from_db()
    assert support_refusal(supporter, idea) == "members_only"
    assert support_refusal(people[0], idea) is None
    box.authors_may_support = True
    box.save()
    idea.refresh_from_db()
    assert support_refusal(member, idea) is None


def test_a_withdrawn_support_no_longer_counts_but_the_threshold_stays_reached(idea, people):
    support_by(idea, people, 3, at=2)
    assert Step.objects.get(idea=idea).threshold_reached_at == day(2)

    assert support_withdraw(user=people[0], idea=idea)

    assert Support.objects.filter(idea=idea).count() == 2
    assert Step.objects.get(idea=idea).threshold_reached_at == day(2)
    assert not support_withdraw(user=people[0], idea=idea)


# Thresholds and delays ---------------------------------------------------------------


def test_the_threshold_is_reached_by_the_support_that_crosses_it(idea, people):
    support_add(user=people[0], idea=idea, now=day(1))
    support_add(user=people[1], idea=idea, now=day(2))
    assert Step.objects.get(idea=idea).threshold_reached_at is None

    support_add(user=people[2], idea=idea, now=day(3))

    assert Step.objects.get(idea=idea).threshold_reached_at == day(3)


def test_a_threshold_in_share_of_members_rounds_up(spaces, boxes, people, section_animator):
    box = box_open(
        space=spaces["section"], by=section_animator, threshold_supports=None, threshold_percent=10
    )
    # 6 people + the section animator + the idea's author… all in the section.
    members = len(people) + 1

    assert threshold_of(box) == max(1, -(-members * 10 // 100))


def test_an_idea_over_the_threshold_is_overdue_after_the_delay(idea, people, boxes):
    support_by(idea, people, 3, at=5)
    step = Step.objects.get(idea=idea)

    assert list(overdue_steps(box=boxes["section"], now=day(19))) == []
    assert list(overdue_steps(box=boxes["section"], now=day(21))) == [step]
    assert days_waiting(step, now=day(27)) == 7


def test_an_answer_within_the_delay_counts_as_on_time(idea, people, boxes, section_animator):
    support_by(idea, people, 3, at=5)

    idea_answer(
        by=section_animator,
        idea=idea,
        status=Status.UNDER_STUDY,
        text="On regarde avec la mairie.",
        now=day(12),
    )

    report = box_report(box=boxes["section"], now=day(40))
    assert report["owed"] == 1
    assert report["answered_on_time_share"] == 1
    assert report["median_days_to_answer"] == 7
    assert report["overdue"] == []
    assert report["by_status"][Status.UNDER_STUDY] == 1


def test_a_late_answer_is_not_on_time(idea, people, boxes, section_animator):
    support_by(idea, people, 3, at=5)

    idea_answer(
        by=section_animator, idea=idea, status=Status.DECLINED, text="Trop tard.", now=day(30)
    )

    assert box_report(box=boxes["section"], now=day(40))["answered_on_time_share"] == 0


# The pipeline and its answers --------------------------------------------------------


def test_every_change_of_status_carries_a_public_answer(idea, section_animator):
    idea_answer(by=section_animator, idea=idea, status=Status.UNDER_STUDY, text="À l'étude.")
    idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Retenue !")
    idea_answer(by=section_animator, idea=idea, status=Status.IMPLEMENTED, text="Installés.")

    answers = list(Answer.objects.filter(idea=idea).values_list("from_status", "to_status"))
    assert answers == [
        (Status.SUBMITTED, Status.UNDER_STUDY),
        (Status.UNDER_STUDY, Status.RETAINED),
        (Status.RETAINED, Status.IMPLEMENTED),
    ]
    idea.refresh_from_db()
    assert idea.status == Status.IMPLEMENTED


@pytest.mark.parametrize(
    ("status", "text"),
    [(Status.IMPLEMENTED, "Fait."), (Status.MERGED, "Fusion."), (Status.RETAINED, "  ")],
)
def test_a_jump_in_the_pipeline_or_an_empty_answer_is_refused(idea, section_animator, status, text):
    with pytest.raises(IdeaError):
        idea_answer(by=section_animator, idea=idea, status=status, text=text)

    assert not Answer.objects.exists()


def test_the_author_and_the_supporters_are_told_of_an_answer(
    idea, people, member, section_animator, django_capture_on_commit_callbacks
):
    support_by(idea, people, 2)

    with django_capture_on_commit_callbacks(execute=True):
        idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Retenue.")

    told = set(
        Notification.objects.filter(kind=Kind.IDEA_ANSWER).values_list("recipient", flat=True)
    )
    assert told == {member.pk, people[0].pk, people[1].pk}


# Rights ---------------------------------------------------------------------------------


def test_accountable_people_are_the_boxes_animators_and_staff(
    idea, section_animator, federation_animator, outsider_animator, staff, member, supporter
):
    assert can_answer(section_animator, idea)
    assert can_answer(federation_animator, idea)
    assert can_answer(staff, idea)
    for person in (outsider_animator, member, supporter):
        assert not can_answer(person, idea)


def test_who_opens_a_box_and_who_submits(spaces, boxes, section_animator, member, supporter):
    assert can_open_box(section_animator, spaces["section"])
    assert not can_open_box(member, spaces["section"])
    assert can_submit(supporter, boxes["section"])
    outsider = UserFactory()
    assert not can_submit(outsider, boxes["section"])
    assert can_submit(outsider, boxes["national"])


# Merging ----------------------------------------------------------------------------------


def test_merging_carries_the_supports_without_counting_anyone_twice(
    idea, boxes, people, section_animator
):
    twin = idea_submit(
        author=people[5], box=boxes["section"], title="Composteurs", description="Pareil."
    )
    support_by(idea, people, 2)  # people 0 and 1
    support_by(twin, people[1:], 2)  # people 1 and 2

    idea_merge(by=section_animator, idea=twin, into=idea, text="Même proposition.")

    supporters = set(Support.objects.filter(idea=idea).values_list("user", flat=True))
    assert supporters == {people[0].pk, people[1].pk, people[2].pk}
    twin.refresh_from_db()
    assert (twin.status, twin.merged_into) == (Status.MERGED, idea)
    assert Step.objects.get(idea=idea).threshold_reached_at is not None


def test_a_merge_into_itself_or_in_a_loop_is_refused(idea, boxes, people, section_animator):
    twin = idea_submit(author=people[5], box=boxes["section"], title="Bis", description="…")
    with pytest.raises(IdeaError):
        idea_merge(by=section_animator, idea=idea, into=idea, text="")
    idea_merge(by=section_animator, idea=twin, into=idea, text="")

    with pytest.raises(IdeaError):
        idea_merge(by=section_animator, idea=idea, into=Idea.objects.get(pk=twin.pk), text="")


# Up the tree -------------------------------------------------------------------------------


def test_a_retained_idea_climbs_to_the_federation_then_the_national_box(
    idea, boxes, people, section_animator, federation_animator, staff
):
    support_by(idea, people, 3, at=1)
    idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Retenue ici.")
    assert can_forward(section_animator, idea)

    idea_forward(by=section_animator, idea=idea, now=day(10))

    idea.refresh_from_db()
    assert (idea.box, idea.status) == (boxes["federation"], Status.SUBMITTED)
    # Its supports came along: over the federation's threshold (2) at once.
    step = Step.objects.get(idea=idea, box=boxes["federation"])
    assert step.threshold_reached_at == day(10)
    idea_answer(by=federation_animator, idea=idea, status=Status.RETAINED, text="Retenue aussi.")

    idea_forward(by=federation_animator, idea=idea, now=day(20))

    idea.refresh_from_db()
    assert idea.box == boxes["national"]
    path = list(Step.objects.filter(idea=idea).values_list("box", "status"))
    assert path == [
        (boxes["section"].pk, Status.RETAINED),
        (boxes["federation"].pk, Status.RETAINED),
        (boxes["national"].pk, Status.SUBMITTED),
    ]
    assert Support.objects.filter(idea=idea).count() == 3
    with pytest.raises(IdeaError):
        idea_forward(by=staff, idea=idea)


def test_only_a_retained_idea_climbs(idea, section_animator):
    assert not can_forward(section_animator, idea)
    with pytest.raises(IdeaError):
        idea_forward(by=section_animator, idea=idea)


# Privacy ---------------------------------------------------------------------------------


def test_supports_and_ideas_are_in_the_export_and_supports_go_with_the_account(
    idea, people, member
):
    from membrane.ideas.privacy import erase_personal_data, export_personal_data

    support_add(user=people[0], idea=idea, now=day(3))

    assert export_personal_data(people[0])["supports"] == [
        {"idea": idea.pk, "created_at": day(3).isoformat()}
    ]
    assert export_personal_data(member)["ideas"][0]["title"] == idea.title

    erase_personal_data(people[0], keep_contributions=True)
    erase_personal_data(member, keep_contributions=False)

    assert not Support.objects.exists()
    assert not Idea.objects.exists()
