"""Each idea's stored `support_count`: equal to its supports after every way
they are written (support, withdrawal, a second support refused, a merge, an
account's erasure, an idea's deletion, a bulk clean-up, the dataset), served
to the box's list, the API and the report in the same order as a COUNT was;
the report's median counted in SQL; the report's list of boxes limited to the
spaces the reader may read."""

import importlib
import statistics
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from membrane.accounts.services import account_delete
from membrane.ideas import selectors
from membrane.ideas.models import Idea, Status, Step, Support
from membrane.ideas.selectors import box_report, visible_ideas
from membrane.ideas.services import (
    IdeaError,
    box_open,
    idea_answer,
    idea_merge,
    idea_submit,
    support_add,
    support_counts_recount,
    support_withdraw,
    supports_delete,
)
from membrane.spaces.models import Space
from membrane.spaces.services import group_join
from tests.factories import MemberFactory
from tests.spaces_factories import GroupFactory

pytestmark = pytest.mark.django_db

REPORT_URL = "/idees/"


@pytest.fixture
def people(section, charter):
    return [
        MemberFactory(section=section, charter_version_accepted=charter.number) for _ in range(5)
    ]


@pytest.fixture
def idea(box, member):
    return idea_submit(author=member, box=box, title="Des composteurs", description="Partout.")


def stored(idea: Idea) -> int:
    return Idea.objects.values_list("support_count", flat=True).get(pk=idea.pk)


def assert_every_count_is_exact() -> None:
    wrong = Idea.objects.annotate(real=Count("supports")).exclude(support_count=F("real"))
    assert list(wrong.values_list("title", "support_count", "real")) == []


# Every write of supports ------------------------------------------------------------------


def test_a_support_counts_one_and_a_withdrawal_takes_it_back(idea, people):
    support_add(user=people[0], idea=idea)
    support_add(user=people[1], idea=idea)
    assert stored(idea) == 2

    assert support_withdraw(user=people[0], idea=idea)
    assert not support_withdraw(user=people[0], idea=idea)  # nothing left to withdraw

    assert stored(idea) == 1
    assert_every_count_is_exact()


def test_a_second_support_is_refused_and_not_counted(idea, people):
    support_add(user=people[0], idea=idea)

    with pytest.raises(IdeaError):
        support_add(user=people[0], idea=idea)

    assert stored(idea) == 1
    assert_every_count_is_exact()


def test_the_threshold_is_reached_on_the_stored_count(idea, people):
    """The box's threshold is 2: the second support crosses it."""
    support_add(user=people[0], idea=idea)
    assert Step.objects.get(idea=idea).threshold_reached_at is None

    support_add(user=people[1], idea=idea)

    assert Step.objects.get(idea=idea).threshold_reached_at is not None


def test_a_merge_counts_the_carried_supports_once(idea, box, people, section_animator):
    twin = idea_submit(author=people[4], box=box, title="Composteurs bis", description="Idem.")
    for person in people[:2]:
        support_add(user=person, idea=idea)
    for person in people[1:3]:
        support_add(user=person, idea=twin)

    idea_merge(by=section_animator, idea=twin, into=idea, text="Même idée.")

    # people 0, 1 and 2 support it; the twin keeps its own two.
    assert (stored(idea), stored(twin)) == (3, 2)
    assert_every_count_is_exact()


def test_the_erased_account_s_supports_leave_the_counts(box, idea, people, member):
    other = idea_submit(author=people[4], box=box, title="Des bancs", description="…")
    for target in (idea, other):
        support_add(user=people[0], idea=target)
        support_add(user=people[1], idea=target)

    account_delete(user=people[0], keep_contributions=True)
    account_delete(user=people[1], keep_contributions=False)

    assert (stored(idea), stored(other)) == (0, 0)
    assert_every_count_is_exact()


def test_a_deleted_idea_leaves_the_others_counts_as_they_are(box, idea, people, member):
    """The author deletes their account with their contributions: their idea
    goes with its supports, their support of another idea is counted down."""
    other = idea_submit(author=people[4], box=box, title="Des bancs", description="…")
    support_add(user=people[0], idea=idea)
    support_add(user=member, idea=other)
    support_add(user=people[0], idea=other)

    account_delete(user=member, keep_contributions=False)

    assert not Idea.objects.filter(pk=idea.pk).exists()
    assert stored(other) == 1
    assert_every_count_is_exact()


def test_supports_deleted_in_bulk_are_counted_down_per_idea(box, idea, people):
    other = idea_submit(author=people[4], box=box, title="Des bancs", description="…")
    for person in people[:4]:
        support_add(user=person, idea=idea)
    for person in people[:2]:
        support_add(user=person, idea=other)

    removed = supports_delete(Support.objects.filter(user__in=people[:3]))

    assert removed == 5
    assert (stored(idea), stored(other)) == (1, 0)
    assert_every_count_is_exact()


def test_the_recount_and_the_migration_mend_counts_written_past_the_services(idea, people):
    Support.objects.bulk_create(
        [Support(idea=idea, user=person, created_at=timezone.now()) for person in people[:3]]
    )
    assert stored(idea) == 0

    assert support_counts_recount() == 1
    assert stored(idea) == 3

    Idea.objects.update(support_count=0)
    migration = importlib.import_module("membrane.ideas.migrations.0003_idea_support_count")
    migration.backfill(apps, None)
    assert stored(idea) == 3


def test_the_generated_dataset_writes_exact_counts():
    from membrane.perf.dataset.run import generate

    generate(scale="tiny", seed=7, now=timezone.now(), stream=StringIO())

    assert Support.objects.exists()
    assert_every_count_is_exact()


# The lists served from the stored count ------------------------------------------------------


def test_the_box_lists_ideas_by_status_then_supports_then_newest(
    client, box, idea, people, member, section_animator
):
    popular = idea_submit(author=member, box=box, title="Populaire", description="…")
    newest = idea_submit(author=member, box=box, title="Récente", description="…")
    for person in people[:3]:
        support_add(user=person, idea=popular)
    support_add(user=people[0], idea=idea)
    retained = idea_submit(author=member, box=box, title="Retenue", description="…")
    idea_answer(by=section_animator, idea=retained, status=Status.RETAINED, text="Oui.")

    listed = list(visible_ideas(member, box))

    assert listed == [retained, popular, idea, newest]
    assert [i.support_count for i in listed] == [0, 3, 1, 0]
    client.force_login(member)
    html = client.get(f"/idees/{box.space.slug}/").content.decode()
    assert "3 supports" in html


def test_the_api_pages_ideas_in_the_same_order_with_their_stored_counts(
    client, box, idea, people, member
):
    others = [
        idea_submit(author=member, box=box, title=f"Idée {n}", description="…") for n in range(3)
    ]
    support_add(user=people[0], idea=others[0])
    support_add(user=people[1], idea=others[0])
    support_add(user=people[0], idea=idea)
    client.force_login(member)
    url = f"/api/v1/idea-boxes/{box.space.slug}/ideas"

    first = client.get(url, {"limit": 2}).json()
    second = client.get(url, {"limit": 2, "cursor": first["next"]}).json()

    listed = [(item["id"], item["support_count"]) for item in first["items"] + second["items"]]
    assert listed == [(others[0].pk, 2), (idea.pk, 1), (others[2].pk, 0), (others[1].pk, 0)]
    detail = client.get(f"/api/v1/ideas/{others[0].pk}").json()
    assert detail["support_count"] == 2


# The report's figures in SQL ---------------------------------------------------------------

T0 = timezone.now().replace(microsecond=0) - timedelta(days=200)


def _answered_after(box, author, people, section_animator, days: float, n: int) -> Idea:
    """An idea over the threshold on T0 + n days, answered `days` later."""
    idea = idea_submit(author=author, box=box, title=f"Idée {n}", description="…", now=T0)
    reached = T0 + timedelta(days=n)
    for person in people[:2]:
        support_add(user=person, idea=idea, now=reached)
    idea_answer(
        by=section_animator,
        idea=idea,
        status=Status.UNDER_STUDY,
        text="À l'étude.",
        now=reached + timedelta(days=days),
    )
    return idea


@pytest.mark.parametrize("delays", [[3, 1, 10], [3, 1, 10, 4.5], [7]])
def test_the_median_time_to_answer_is_the_one_in_the_middle(
    box, people, member, section_animator, delays
):
    for n, days in enumerate(delays):
        _answered_after(box, member, people, section_animator, days, n)
    waiting = idea_submit(author=member, box=box, title="En attente", description="…", now=T0)
    for person in people[:2]:
        support_add(user=person, idea=waiting, now=T0)

    report = box_report(box=box)

    assert report["median_days_to_answer"] == statistics.median(delays)
    assert report["owed"] == len(delays) + 1


def test_on_time_and_overdue_follow_each_box_s_own_delay(
    spaces, people, member, section_animator, staff
):
    """Platform-wide, each step is held to its own box's delay (10 days in
    the section, 30 in the federation): 20 days is late here, on time there."""
    section_box = box_open(
        space=spaces["section"], by=section_animator, threshold_supports=2, answer_delay_days=10
    )
    federation_box = box_open(
        space=spaces["federation"], by=staff, threshold_supports=2, answer_delay_days=30
    )
    _answered_after(section_box, member, people, section_animator, 20, 0)
    _answered_after(federation_box, member, people, staff, 20, 1)
    for box, title in ((section_box, "Oubliée ici"), (federation_box, "Oubliée là")):
        forgotten = idea_submit(author=member, box=box, title=title, description="…", now=T0)
        for person in people[:2]:
            support_add(user=person, idea=forgotten, now=timezone.now() - timedelta(days=20))

    report = box_report()

    assert report["owed"] == 4
    assert report["answered_on_time_share"] == 0.25
    assert [step.idea.title for step in report["overdue"]] == ["Oubliée ici"]
    assert report["median_days_to_answer"] == 20


# The report's boxes: every box by name, a private group's ideas to its members -----------------


@pytest.fixture
def private_group_box(supporter, staff):
    group = GroupFactory(name="Cercle discret", visibility=Space.Visibility.PRIVATE)
    group_join(group=group, user=supporter)
    box = box_open(space=group, by=staff, threshold_supports=1)
    idea = idea_submit(author=supporter, box=box, title="Idée confidentielle", description="…")
    idea_answer(by=staff, idea=idea, status=Status.RETAINED, text="Retenue.")
    return box


def test_the_report_names_a_private_group_s_box_but_shows_its_ideas_to_its_members_only(
    client, private_group_box, supporter, outsider_animator
):
    """A box's name and figures are public, like a private group's name in
    the directory; its ideas follow the group's rule, highlights included."""
    public_box = box_open(space=GroupFactory(name="Cercle ouvert"), by=supporter)
    assert public_box.space.visibility == Space.Visibility.PUBLIC

    anonymous = client.get(REPORT_URL).content.decode()
    client.force_login(outsider_animator)
    outsider = client.get(REPORT_URL).content.decode()
    client.force_login(supporter)
    insider = client.get(REPORT_URL).content.decode()

    for html in (anonymous, outsider):
        assert "Cercle ouvert" in html and "Cercle discret" in html
        assert "Idée confidentielle" not in html
    assert "Idée confidentielle" in insider


def test_the_platform_figures_still_count_the_private_boxes(client, private_group_box):
    html = client.get(REPORT_URL).content.decode()
    assert box_report()["total"] == 1
    assert "<dd>1</dd>" in html


# At the same instant (PostgreSQL: real concurrent transactions) ---------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises its writers")
@pytest.mark.django_db(transaction=True)
def test_supports_given_at_the_same_instant_all_count(box, people):
    idea = idea_submit(author=people[4], box=box, title="Des composteurs", description="…")
    # Two people at once, and one of them twice: three tries, two supports.
    tries = [people[0], people[1], people[1]]
    start = threading.Barrier(len(tries))
    refused: list[IdeaError] = []

    def support(person) -> None:
        try:
            start.wait()
            support_add(user=person, idea=idea)
        except IdeaError as error:
            refused.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=support, args=(person,)) for person in tries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(refused) == 1
    assert stored(idea) == 2
    assert_every_count_is_exact()


def test_the_platform_report_lists_the_longest_waiting_and_counts_the_rest(
    client, spaces, people, member, section_animator, monkeypatch
):
    """Across all boxes the list stops at OVERDUE_LISTED, the longest
    waiting first; the page and the API say how many there are."""
    monkeypatch.setattr(selectors, "OVERDUE_LISTED", 1)
    box = box_open(
        space=spaces["section"], by=section_animator, threshold_supports=2, answer_delay_days=10
    )
    for title, days in (("Oubliée hier", 12), ("Oubliée depuis longtemps", 40)):
        forgotten = idea_submit(author=member, box=box, title=title, description="…", now=T0)
        for person in people[:2]:
            support_add(user=person, idea=forgotten, now=timezone.now() - timedelta(days=days))

    report = box_report()
    client.force_login(member)
    page = client.get(REPORT_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    api = client.get("/api/v1/ideas-report").json()

    assert [step.idea.title for step in report["overdue"]] == ["Oubliée depuis longtemps"]
    assert report["overdue_count"] == 2
    assert "Oubliée depuis longtemps" in page and "Oubliée hier" not in page
    assert "And 1 more idea waiting past its delay." in page
    assert api["overdue_count"] == 2 and len(api["overdue"]) == 1
    # A box's own report lists all of its overdue ideas (its page marks them).
    assert box_report(box=box)["overdue_count"] == len(box_report(box=box)["overdue"]) == 2


def test_people_deleted_in_the_admin_leave_the_ideas_and_groups_counts(idea, people, staff):
    from django.contrib import admin
    from django.test import RequestFactory

    from membrane.accounts.models import User

    group = GroupFactory(name="Cercle des jardins")
    for person in people[:3]:
        support_add(user=person, idea=idea)
        group_join(group=group, user=person)
    user_admin = admin.site._registry[User]
    request = RequestFactory().post("/")
    request.user = staff

    user_admin.delete_model(request, people[0])
    user_admin.delete_queryset(request, User.objects.filter(pk=people[1].pk))

    group.refresh_from_db()
    assert stored(idea) == 1
    assert group.active_member_count == 1
    assert_every_count_is_exact()
