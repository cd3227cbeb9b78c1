"""Campaigns: the counters and rankings on hand-computed data, the bounds and
dates of a report, the matrix of rights (see, edit, report, delete), the
points of a report, the person's data and the demo."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from membrane.campaigns.models import ActionKind, Campaign, FieldReport
from membrane.campaigns.permissions import (
    can_delete_report,
    can_edit_campaign,
    can_report,
    can_view_campaign,
    report_refusal,
)
from membrane.campaigns.selectors import (
    federation_ranking,
    goals_progress,
    section_ranking,
    totals,
    upcoming_events,
    visible_campaigns,
)
from membrane.campaigns.services import (
    CampaignError,
    allowed_sections,
    campaign_create,
    campaign_update,
    report_delete,
)
from membrane.core.privacy import erase_personal_data, export_personal_data
from membrane.engagement.models import PointAward
from membrane.moderation.models import ModerationState
from membrane.spaces.services import territorial_space_ensure
from tests.factories import AnimatorFactory, SectionFactory, UserFactory
from tests.test_campaigns_support import (
    EDIT_GIRONDE,
    PERSONAS,
    REPORT_GIRONDE,
    SEE_GIRONDE,
    gironde_section,
    national_campaign,
    report,
)

pytestmark = pytest.mark.django_db


# -- Counters and rankings on known data ------------------------------------


@pytest.fixture
def known(poste, supporter, member, federation, other_section):
    """Bègles: doors 100 + 50 + 25, signatures 30. Lormont: doors 175,
    leaflets 500. Villeurbanne (Rhône): doors 175, signatures 10."""
    lormont = gironde_section(federation)
    lormont_person = UserFactory(section=lormont)
    outsider = UserFactory(section=other_section)
    report(supporter, poste, ActionKind.DOOR_TO_DOOR, 100)
    report(supporter, poste, ActionKind.DOOR_TO_DOOR, 50, days_ago=2)
    report(supporter, poste, ActionKind.SIGNATURES, 30)
    report(member, poste, ActionKind.DOOR_TO_DOOR, 25)
    report(lormont_person, poste, ActionKind.DOOR_TO_DOOR, 175)
    report(lormont_person, poste, ActionKind.LEAFLETING, 500)
    report(outsider, poste, ActionKind.DOOR_TO_DOOR, 175)
    report(outsider, poste, ActionKind.SIGNATURES, 10)
    return poste


def test_totals_per_kind_are_summed_by_the_database(known):
    rows = {row["kind"]: row for row in totals(known)}

    assert {kind: row["total"] for kind, row in rows.items()} == {
        ActionKind.DOOR_TO_DOOR: 525,
        ActionKind.SIGNATURES: 40,
        ActionKind.LEAFLETING: 500,
    }
    assert rows[ActionKind.DOOR_TO_DOOR]["reports"] == 5
    assert rows[ActionKind.DOOR_TO_DOOR]["people"] == 4


def test_progress_towards_each_goal_is_capped_for_the_bar_but_not_the_count(known):
    by_kind = {row["kind"]: row["total"] for row in totals(known)}

    progress = {g["kind"]: g for g in goals_progress(known.goals.all(), by_kind)}

    assert progress[ActionKind.DOOR_TO_DOOR] == {
        "kind": ActionKind.DOOR_TO_DOOR,
        "label": ActionKind.DOOR_TO_DOOR.label,
        "target": 1000,
        "done": 525,
        "percent": 52,
        "reached": False,
    }
    assert progress[ActionKind.SIGNATURES]["reached"] is True
    assert progress[ActionKind.LEAFLETING]["done"] == 500
    assert progress[ActionKind.LEAFLETING]["percent"] == 100


def test_a_three_way_tie_is_ranked_by_section_name(known):
    ranking = section_ranking(known, kind=ActionKind.DOOR_TO_DOOR)

    assert [(row["rank"], row["name"], row["total"]) for row in ranking] == [
        (1, "Section de Bègles", 175),
        (2, "Section de Lormont", 175),
        (3, "Section de Villeurbanne", 175),
    ]
    assert ranking[0]["people"] == 2


def test_all_kinds_together_rank_the_sections_by_their_sum(known):
    ranking = section_ranking(known)

    assert [(row["name"], row["total"]) for row in ranking] == [
        ("Section de Lormont", 675),
        ("Section de Bègles", 205),
        ("Section de Villeurbanne", 185),
    ]


def test_federations_are_ranked_by_the_sum_of_their_sections(known):
    doors = federation_ranking(known, kind=ActionKind.DOOR_TO_DOOR)
    everything = federation_ranking(known)

    assert [(row["code"], row["total"]) for row in doors] == [("33", 350), ("69", 175)]
    assert [(row["code"], row["total"]) for row in everything] == [("33", 880), ("69", 185)]


def test_rankings_keep_the_top_20(poste, federation):
    for n in range(22):
        person = UserFactory(section=SectionFactory(parent=federation, name=f"Section {n:02d}"))
        report(person, poste, count=n + 1)

    ranking = section_ranking(poste)

    assert len(ranking) == 20
    assert ranking[0]["total"] == 22
    assert ranking[-1]["total"] == 3


def _ranking_queries(campaign):
    with CaptureQueriesContext(connection) as queries:
        section_ranking(campaign)
        federation_ranking(campaign)
        totals(campaign)
    return len(queries)


def test_the_queries_of_the_counters_do_not_grow_with_the_sections(poste, federation):
    for _n in range(3):
        report(UserFactory(section=SectionFactory(parent=federation)), poste)
    few = _ranking_queries(poste)
    for _n in range(27):
        report(UserFactory(section=SectionFactory(parent=federation)), poste)

    assert _ranking_queries(poste) == few == 3


def test_a_report_without_section_counts_in_the_totals_not_the_rankings(poste, staff):
    report(staff, poste, count=12)

    assert totals(poste)[0]["total"] == 12
    assert section_ranking(poste) == []


def test_the_campaigns_listed_carry_their_counts(known, people):
    campaign = visible_campaigns(people["member"]).get(pk=known.pk)

    assert campaign.report_count == 8
    assert campaign.people_count == 4


# -- Bounds and dates -------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "count", "message"),
    [
        (ActionKind.DOOR_TO_DOOR, 0, "at least one"),
        (ActionKind.DOOR_TO_DOOR, -5, "at least one"),
        (ActionKind.DOOR_TO_DOOR, 2001, "At most 2 000"),
        (ActionKind.LEAFLETING, 20_001, "At most 20 000"),
        (ActionKind.PHONING, 1001, "At most 1 000"),
        (ActionKind.PUBLIC_MEETING, 5001, "At most 5 000"),
        (ActionKind.SIGNATURES, 10**12, "At most 10 000"),
        ("juggling", 3, "kind of action"),
    ],
)
def test_counts_out_of_bounds_are_refused_with_a_reason(poste, supporter, kind, count, message):
    with pytest.raises(CampaignError) as error:
        report(supporter, poste, kind, count)

    assert message in error.value.message
    assert error.value.status == 400
    assert not FieldReport.objects.exists()


@pytest.mark.parametrize(
    ("kind", "count"),
    [(ActionKind.DOOR_TO_DOOR, 2000), (ActionKind.LEAFLETING, 20_000), (ActionKind.PHONING, 1)],
)
def test_counts_at_the_bound_are_taken(poste, supporter, kind, count):
    assert report(supporter, poste, kind, count).count == count


@pytest.mark.parametrize(
    ("days_ago", "message"),
    [(-1, "in the future"), (11, "during the campaign")],
)
def test_a_date_outside_the_campaign_or_to_come_is_refused(poste, supporter, days_ago, message):
    with pytest.raises(CampaignError) as error:
        report(supporter, poste, days_ago=days_ago)

    assert message in error.value.message
    assert error.value.field == "done_on"


def test_the_first_day_and_today_are_taken(poste, supporter):
    report(supporter, poste, days_ago=10)
    report(supporter, poste, days_ago=0)

    assert FieldReport.objects.count() == 2


def test_a_campaign_ends_on_or_after_its_first_day(people):
    with pytest.raises(CampaignError):
        national_campaign(days_before=-5, days_after=-10)


def test_a_campaign_belongs_to_the_national_or_a_federation_space(section):
    today = timezone.localdate()
    with pytest.raises(CampaignError):
        campaign_create(
            by=None,
            space=territorial_space_ensure(section),
            title="Locale",
            description="x",
            starts_on=today,
            ends_on=today,
        )


def test_editing_a_campaign_keeps_its_address_and_replaces_its_goals(poste):
    campaign_update(
        campaign=poste,
        title="Défendons La Poste, saison 2",
        description="Encore",
        starts_on=poste.starts_on,
        ends_on=poste.ends_on,
        goals={ActionKind.PHONING: 300, ActionKind.DOOR_TO_DOOR: None},
    )

    poste.refresh_from_db()
    assert poste.slug == "defendons-la-poste"
    assert dict(poste.goals.values_list("kind", "target")) == {ActionKind.PHONING: 300}


def test_the_description_is_sanitised_markdown(poste):
    assert "<strong>guichets</strong>" in poste.description_html
    assert "<script>" not in poste.description_html


def test_two_campaigns_of_the_same_title_get_two_addresses(people):
    first, second = national_campaign(), national_campaign()

    assert (first.slug, second.slug) == ("defendons-la-poste", "defendons-la-poste-2")


def test_a_campaign_never_takes_the_address_of_a_page(people):
    assert national_campaign(title="Nouvelle").slug == "nouvelle-2"


# -- Who reports for whom ---------------------------------------------------


def test_a_report_counts_for_the_persons_own_section_by_default(poste, supporter, section):
    assert report(supporter, poste).section == section


def test_a_person_cannot_report_for_a_section_they_do_not_animate(poste, supporter, other_section):
    with pytest.raises(CampaignError) as error:
        report(supporter, poste, section=other_section)

    assert error.value.field == "section"


def test_an_animator_may_report_for_a_section_they_animate(poste, member, federation):
    lormont = gironde_section(federation)
    AnimatorFactory(unit=lormont, user=member)

    assert [unit.name for unit in allowed_sections(member, poste)] == [
        "Section de Bègles",
        "Section de Lormont",
    ]
    assert report(member, poste, section=lormont).section == lormont


def test_each_report_earns_the_field_action_points_once(poste, supporter):
    made = report(supporter, poste)

    award = PointAward.objects.get(user=supporter)
    assert (award.rule, award.key) == ("field_action", f"report:{made.pk}")


def test_deleting_a_report_takes_back_its_points(poste, supporter):
    made = report(supporter, poste)

    report_delete(report=made)

    assert not FieldReport.objects.exists()
    assert not PointAward.objects.filter(user=supporter).exists()


# -- The matrix of rights ---------------------------------------------------

# The Gironde campaign's sets are in tests/test_campaigns_support.py.
SEE_NATIONAL = set(PERSONAS) - {"anonymous"}
EDIT_NATIONAL = {"national_animator", "staff"}
REPORT_NATIONAL = SEE_NATIONAL


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_a_campaign(people, poste, trains, persona):
    user = people[persona]

    assert can_view_campaign(user, poste) is (persona in SEE_NATIONAL)
    assert can_view_campaign(user, trains) is (persona in SEE_GIRONDE)
    listed = (
        set(visible_campaigns(user).values_list("pk", flat=True))
        if persona != "anonymous"
        else set()
    )
    expected = {c.pk for c, who in [(poste, SEE_NATIONAL), (trains, SEE_GIRONDE)] if persona in who}
    assert listed == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_edits_a_campaign(people, poste, trains, persona):
    user = people[persona]

    assert can_edit_campaign(user, poste) is (persona in EDIT_NATIONAL)
    assert can_edit_campaign(user, trains) is (persona in EDIT_GIRONDE)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reports_a_field_action(people, poste, trains, persona):
    user = people[persona]

    assert can_report(user, poste) is (persona in REPORT_NATIONAL)
    assert can_report(user, trains) is (persona in REPORT_GIRONDE)


def test_the_refusals_say_why(people, trains):
    assert report_refusal(people["anonymous"], trains) == "signed_out"
    assert report_refusal(people["outsider"], trains) == "outsider"
    assert report_refusal(people["staff"], trains) == "not_in_federation"


def test_no_report_before_the_start_nor_a_week_after_the_end(people):
    upcoming = national_campaign(days_before=-3, days_after=10)
    just_over = national_campaign(days_before=30, days_after=-7)
    long_over = national_campaign(days_before=30, days_after=-8)
    member = people["member"]

    assert report_refusal(member, upcoming) == "not_started"
    assert report_refusal(member, just_over) is None
    assert report_refusal(member, long_over) == "ended"


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_deletes_a_report(people, trains, supporter, persona):
    made = report(supporter, trains)
    user = people[persona]
    later = timezone.now() + timedelta(hours=25)

    fresh = can_delete_report(user, made)
    old = can_delete_report(user, made, now=later)

    assert fresh is (persona in EDIT_GIRONDE | {"supporter"})
    assert old is (persona in EDIT_GIRONDE)


# -- Linked events ----------------------------------------------------------


def test_only_the_visible_events_to_come_are_listed(poste, staff):
    from membrane.events.models import Event

    space = poste.space
    now = timezone.now()

    def event(title, days, **fields):
        return Event.objects.create(
            space=space,
            campaign=poste,
            title=title,
            starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days, hours=2),
            **fields,
        )

    event("Porte-à-porte samedi", 2)
    event("Passé", -3)
    event("Annulé", 3, cancelled_at=now)
    event("Masqué", 4, moderation_state=ModerationState.HIDDEN)
    event("En attente", 5, moderation_state=ModerationState.HELD)

    assert [e.title for e in upcoming_events(poste)] == ["Porte-à-porte samedi"]


# -- Personal data ----------------------------------------------------------


def test_the_export_holds_the_persons_reports_and_campaigns(poste, supporter, staff):
    report(supporter, poste, count=42)
    mine = national_campaign(by=staff, title="Autre")

    data = export_personal_data(supporter)["campaigns"]
    theirs = export_personal_data(staff)["campaigns"]

    assert [(r["count"], r["section"]) for r in data["field_reports"]] == [
        (42, "Section de Bègles")
    ]
    assert data["campaigns_created"] == []
    assert [c["id"] for c in theirs["campaigns_created"]] == [mine.pk]


@pytest.mark.parametrize("keep", [True, False])
def test_erasing_a_person_keeps_or_removes_their_reports(poste, supporter, keep):
    report(supporter, poste, count=42)

    erase_personal_data(supporter, keep_contributions=keep)

    assert FieldReport.objects.filter(count=42, user=None).exists() is keep
    assert FieldReport.objects.filter(user=supporter).count() == 0


# -- Demo -------------------------------------------------------------------


def test_the_demo_has_a_running_campaign_with_hundreds_of_reports(db):
    from io import StringIO

    from django.core.management import call_command

    from membrane.campaigns.demo import load_campaigns
    from membrane.core.management.commands.load_demo import DEMO_DOMAIN

    call_command("load_demo", stdout=StringIO(), stderr=StringIO())

    # load_demo loaded the campaigns; a second load adds nothing.
    again = load_campaigns(DEMO_DOMAIN)

    assert Campaign.objects.count() == 3
    assert again == {"campaigns": 0, "reports": 0}
    poste = Campaign.objects.get(title="Défendons La Poste")
    today = timezone.localdate()
    assert poste.starts_on <= today <= poste.ends_on
    assert poste.goals.count() == 4
    assert 300 <= poste.reports.count() <= 500
    assert len(section_ranking(poste)) == 20
    assert Campaign.objects.filter(space__kind=1).exists()
    assert not FieldReport.objects.filter(done_on__gt=today).exists()
    assert not FieldReport.objects.filter(
        created_at__gt=timezone.now() - timedelta(days=1)
    ).exists()
    first = list(FieldReport.objects.order_by("pk").values_list("kind", "count")[:20])
    # Deterministic: the same seed gives the same reports (checked on a new load below).
    FieldReport.objects.all().delete()
    Campaign.objects.all().delete()
    load_campaigns(DEMO_DOMAIN)
    assert list(FieldReport.objects.order_by("pk").values_list("kind", "count")[:20]) == first
