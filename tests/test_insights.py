"""Participation insights: each measure against hand-computed values, the
invariants of the arithmetic (hypothesis), the permissions, the nudges, the
export, and the query counts."""

import csv
import io
import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from membrane.conversations.models import Thread
from membrane.insights import measures
from membrane.insights.export import pseudonym
from membrane.insights.models import Nudge, Publication, Snapshot
from membrane.insights.selectors import space_measures
from membrane.insights.services import Period, last_days, measures_for, nudge_send
from membrane.notifications.models import Kind, Notification
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory, PostFactory, ThreadFactory

# The arithmetic, by hand


def test_gini_is_zero_when_everyone_writes_as_much():
    assert measures.gini([4, 4, 4, 4]) == 0


def test_gini_of_one_two_three_four_is_a_quarter():
    # 2·(1·1 + 2·2 + 3·3 + 4·4) / (4·10) - 5/4 = 1.5 - 1.25
    assert measures.gini([4, 1, 3, 2]) == pytest.approx(0.25)


def test_silent_members_count_as_zeros_in_the_gini():
    assert measures.gini([3], zeros=2) == pytest.approx(measures.gini([0, 0, 3]))
    assert measures.gini([0, 0, 3]) == pytest.approx(2 / 3)


def test_gini_of_nobody_or_of_silence_is_zero():
    assert measures.gini([]) == 0
    assert measures.gini([0, 0], zeros=5) == 0


def test_the_coopol_group_two_people_wrote_two_thirds():
    """La Coopol's largest group: 337 posts, 158 and 57 by the first two."""
    others = [5] * 24 + [2]  # 122 more posts by 25 people
    counts = [158, 57, *others]
    assert sum(counts) == 337
    assert measures.top_share(counts, 1) == pytest.approx(158 / 337)
    assert measures.top_share(counts, 2) == pytest.approx(215 / 337)
    assert measures.people_for_share(counts, 0.5) == 2
    assert measures.people_for_share(counts, 2 / 3) == 4  # 215 + 5 + 5 ≥ 224.7


def test_top_percent_counts_at_least_one_person():
    assert measures.people_in_top_percent(27, 1) == 1
    assert measures.people_in_top_percent(27, 10) == 3
    assert measures.people_in_top_percent(0, 10) == 0
    assert measures.top_percent_share([10, 5, 5], 10) == pytest.approx(0.5)


def test_median_of_even_and_odd_lists():
    assert measures.median([3, 1, 2]) == 2
    assert measures.median([4, 1, 3, 2]) == 2.5
    assert measures.median([]) is None


# The invariants

counts_lists = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=60)


@given(counts_lists, st.integers(min_value=0, max_value=100))
def test_gini_stays_within_zero_and_one(counts, zeros):
    assert 0 <= measures.gini(counts, zeros=zeros) <= 1


@given(st.integers(min_value=1, max_value=1000), st.integers(min_value=1, max_value=200))
def test_gini_is_zero_when_all_are_equal(value, n):
    assert measures.gini([value] * n) == pytest.approx(0, abs=1e-9)


@given(counts_lists, st.randoms())
def test_gini_does_not_depend_on_order(counts, random):
    shuffled = list(counts)
    random.shuffle(shuffled)
    assert measures.gini(shuffled) == pytest.approx(measures.gini(counts))


@given(counts_lists)
def test_top_k_shares_grow_with_k(counts):
    shares = [measures.top_share(counts, k) for k in range(1, len(counts) + 2)]
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(shares))
    if sum(counts):
        assert shares[-1] == pytest.approx(1)


# The measures of a space, from the database


def _month():
    return last_days(30).bounds


def test_space_measures_match_the_hand_count(group_with_talk):
    group, _people = group_with_talk
    data = space_measures(group, *_month())
    assert data["members"] == 5
    assert data["contributors"] == 3
    assert data["silent_members"] == 2
    assert data["writers"] == 2
    assert data["posts"] == 4
    assert data["contributions"] == 5
    # counts [3, 1] and three zeros: 2·(4·1 + 5·3)/(5·4) - 6/5 = 0.7
    assert data["gini_members"] == pytest.approx(0.7)
    assert data["gini_writers"] == pytest.approx(0.25)
    assert data["top1_share"] == pytest.approx(0.75)
    assert data["top2_share"] == pytest.approx(1)
    assert data["people_for_half"] == 1
    assert sum(week["posts"] for week in data["weekly"]) == 4


def test_messages_outside_the_period_do_not_count(group_with_talk):
    group, people = group_with_talk
    old = PostFactory(thread=ThreadFactory(space=group, author=people["dan"]), author=people["dan"])
    old.created_at = timezone.now() - timedelta(days=60)
    old.save(update_fields=["created_at"])
    data = space_measures(group, *_month())
    assert data["posts"] == 4
    assert data["silent_members"] == 2


def test_newcomers_and_first_reply_delay(group_with_talk):
    group, _people = group_with_talk
    data = space_measures(group, *_month())
    assert data["newcomers"] == 2  # Alice and Bruno wrote their first message this month
    assert data["wrote_again"] == 1  # only Alice wrote more than once
    assert data["threads_replied"] == 1  # Bruno replied to Alice's first thread
    assert data["median_hours_to_first_reply"] is not None


def test_adherents_shares(group_with_talk):
    group, people = group_with_talk
    alice = people["alice"]
    alice.membership_verified_at = timezone.now()
    alice.save(update_fields=["membership_verified_at"])
    data = space_measures(group, *_month())
    assert data["adherents_members"] == 1
    assert data["supporters_members"] == 4
    assert data["adherents_posts"] == 3
    assert data["supporters_posts"] == 1


def test_a_fresh_snapshot_is_served_without_recomputing(group_with_talk, django_assert_num_queries):
    group, _people = group_with_talk
    period = last_days(30)
    first = measures_for(space=group, period=period)
    with django_assert_num_queries(1):
        again = measures_for(space=group, period=period)
    assert again is not None and first is not None and again.pk == first.pk
    assert Snapshot.objects.count() == 1


def test_a_stale_snapshot_is_recomputed_by_one_request_at_a_time(group_with_talk):
    """While one request computes a small space's measures live, the others
    get the older snapshot instead of computing them too."""
    from django.core.cache import cache

    from membrane.insights.services import snapshot_key

    group, people = group_with_talk
    period = last_days(30)
    old = measures_for(space=group, period=period)
    assert old is not None
    Snapshot.objects.filter(pk=old.pk).update(computed_at=timezone.now() - timedelta(hours=2))
    PostFactory(thread=Thread.objects.filter(space=group).first(), author=people["alice"])
    lock = f"insights-live:{snapshot_key(group, period)}"
    cache.add(lock, True, 60)  # another request is computing them
    try:
        served = measures_for(space=group, period=period)
        assert served is not None and served.computed_at < timezone.now() - timedelta(hours=1)
    finally:
        cache.delete(lock)
    fresh = measures_for(space=group, period=period)
    assert fresh is not None and fresh.data["posts"] == old.data["posts"] + 1
    assert cache.get(lock) is None  # released once computed


def test_the_first_computation_is_made_by_one_request_the_others_wait_for_it(group_with_talk):
    """No snapshot yet and another request computing it: this one says the
    figures are being computed instead of computing them too."""
    from django.core.cache import cache

    from membrane.insights.services import snapshot_key

    group, _people = group_with_talk
    period = last_days(30)
    lock = f"insights-live:{snapshot_key(group, period)}"
    cache.add(lock, True, 60)  # another request is computing them
    try:
        assert measures_for(space=group, period=period) is None
        assert not Snapshot.objects.exists()
    finally:
        cache.delete(lock)
    assert measures_for(space=group, period=period) is not None


@pytest.mark.django_db(transaction=True)
def test_a_large_space_is_computed_by_the_worker(group_with_talk, monkeypatch):
    """Above the live limit the page gets nothing the first time, the worker
    is asked once (however many views) and the next view gets its figures."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from membrane.insights import services

    group, _people = group_with_talk
    monkeypatch.setattr(services, "LIVE_POSTS_LIMIT", 1)
    Thread.objects.filter(space=group).update(post_count=2)
    period = last_days(30)
    assert measures_for(space=group, period=period) is None
    assert measures_for(space=group, period=period) is None
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
    snapshot = measures_for(space=group, period=period)
    assert snapshot is not None
    assert snapshot.data["posts"] == 4


# Pages and permissions


@pytest.mark.parametrize(
    ("persona", "full", "summary_when_published"),
    [
        ("anonymous", False, True),
        ("outsider", False, True),
        ("member", False, True),
        ("animator", True, True),
        ("staff", True, True),
    ],
)
def test_who_sees_the_insights_of_a_public_group(
    client, group_roles, persona, full, summary_when_published
):
    group, people = group_roles
    if people[persona] is not None:
        client.force_login(people[persona])
    url = reverse("insights:space", args=[group.slug])
    response = client.get(url)
    assert response.status_code == (200 if full else 403)
    if full:
        assert b"figure-gini" in response.content
        assert reverse("insights:export", args=[group.slug]).encode() in response.content
    Publication.objects.create(space=group)
    response = client.get(url)
    assert response.status_code == (200 if summary_when_published else 403)
    if not full:
        assert b"figure-gini" in response.content
        assert b"export.csv" not in response.content
        assert b"Invite them" not in response.content


@pytest.mark.parametrize(
    ("persona", "status"), [("member", 403), ("animator", 200), ("staff", 200)]
)
def test_only_animators_and_staff_export(client, group_roles, persona, status):
    group, people = group_roles
    client.force_login(people[persona])
    response = client.get(reverse("insights:export", args=[group.slug]))
    assert response.status_code == status


def test_the_platform_page_is_for_staff_only(client, group_roles):
    _group, people = group_roles
    client.force_login(people["animator"])
    assert client.get(reverse("insights:platform")).status_code == 404
    client.force_login(people["staff"])
    assert client.get(reverse("insights:platform")).status_code == 200


def test_a_bad_period_is_a_400_that_keeps_the_dates(client, group_roles):
    group, people = group_roles
    client.force_login(people["animator"])
    url = reverse("insights:space", args=[group.slug])
    response = client.get(url, {"start": "2026-05-10", "end": "2026-05-01"})
    assert response.status_code == 400
    assert b"2026-05-10" in response.content
    assert client.get(url, {"start": "pas une date", "end": "2026-05-01"}).status_code == 400


def test_the_page_reads_the_figure_from_the_database(client, group_roles):
    group, people = group_roles
    client.force_login(people["animator"])
    response = client.get(reverse("insights:space", args=[group.slug]))
    assert b'id="figure-posts">4<' in response.content
    assert b'id="figure-members">6<' in response.content  # five plus the animator


def test_charts_are_svg_images_for_those_who_see_the_page(client, group_roles):
    group, people = group_roles
    url = reverse("insights:chart", args=[group.slug, "posts"])
    assert client.get(url).status_code == 404
    client.force_login(people["animator"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    assert client.get(reverse("insights:chart", args=[group.slug, "nope"])).status_code == 404


def test_page_queries_do_not_grow_with_members_and_messages(client, group_roles):
    group, people = group_roles
    client.force_login(people["animator"])
    url = reverse("insights:space", args=[group.slug])
    client.get(url)
    Snapshot.objects.all().delete()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(25):
        person = UserFactory()
        MembershipFactory(space=group, user=person)
        PostFactory(thread=ThreadFactory(space=group, author=person), author=person)
    Snapshot.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# Nudges


def test_an_animator_invites_silent_newcomers_once_a_month(
    client, group_roles, django_capture_on_commit_callbacks
):
    group, people = group_roles
    client.force_login(people["animator"])
    silent = [people["member"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insights:nudge", args=[group.slug]), {"person": silent})
    assert response.status_code == 302
    assert Nudge.objects.filter(space=group, user=people["member"]).count() == 1
    assert Notification.objects.filter(recipient=people["member"], kind=Kind.TAKE_PART).count() == 1
    # Again the same day: nobody is invited twice.
    assert nudge_send(space=group, by=people["animator"], user_ids=silent) == 0


def test_people_who_wrote_are_not_nudged(group_roles):
    group, people = group_roles
    writer = UserFactory()
    MembershipFactory(space=group, user=writer)
    PostFactory(thread=ThreadFactory(space=group, author=writer), author=writer)
    assert nudge_send(space=group, by=people["animator"], user_ids=[writer.pk]) == 0


def test_a_member_cannot_nudge(client, group_roles):
    group, people = group_roles
    client.force_login(people["member"])
    response = client.post(
        reverse("insights:nudge", args=[group.slug]), {"person": [people["member"].pk]}
    )
    assert response.status_code == 403
    assert not Nudge.objects.exists()


# Export


def test_the_export_is_pseudonymous_and_counts_right(client, group_with_talk, group_roles):
    group, people = group_with_talk
    _group, roles = group_roles
    client.force_login(roles["animator"])
    response = client.get(reverse("insights:export", args=[group.slug]))
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 6
    alice = next(row for row in rows if row["person"] == pseudonym(group, people["alice"].pk))
    assert alice["threads_started"] == "2"
    assert alice["replies"] == "1"
    chloe = next(row for row in rows if row["person"] == pseudonym(group, people["chloe"].pk))
    assert chloe["reactions"] == "1"
    for person in people.values():
        assert person.email not in body
        assert person.last_name not in body


def test_pseudonyms_are_stable_per_space_and_differ_between_spaces(group_with_talk):
    group, people = group_with_talk
    other = GroupFactory()
    alice = people["alice"].pk
    assert pseudonym(group, alice) == pseudonym(group, alice)
    assert pseudonym(group, alice) != pseudonym(other, alice)


def test_period_bounds_cover_whole_days():
    period = Period(start=timezone.localdate() - timedelta(days=6), end=timezone.localdate())
    first, after = period.bounds
    assert period.days == 7
    assert after - first == timedelta(days=7)


# In threads: a dominant voice, first messages


def test_a_thread_where_one_person_writes_most_replies_says_so(client, group_roles):
    group, people = group_roles
    thread = ThreadFactory(space=group, author=people["member"])
    PostFactory(thread=thread, author=people["member"])
    url = reverse("conversations:thread", args=[thread.pk])
    for _ in range(6):
        PostFactory(thread=thread, author=people["animator"])
    PostFactory(thread=thread, author=people["member"])
    PostFactory(thread=thread, author=people["staff"])
    client.force_login(people["member"])
    assert b"more than half of the replies" in client.get(url).content
    for _ in range(6):
        PostFactory(thread=thread, author=UserFactory())
    assert b"more than half of the replies" not in client.get(url).content


def test_a_first_message_on_the_platform_is_marked_for_welcome(client, group_roles):
    group, people = group_roles
    newcomer = UserFactory()
    PostFactory(author=people["animator"])  # the animator wrote before, elsewhere
    thread = ThreadFactory(space=group, author=people["animator"])
    PostFactory(thread=thread, author=people["animator"])
    PostFactory(thread=thread, author=newcomer)
    PostFactory(thread=thread, author=newcomer)
    client.force_login(people["member"])
    content = client.get(reverse("conversations:thread", args=[thread.pk])).content.decode()
    assert content.count("first message: welcome them!") == 1


def test_a_chart_opened_on_its_own_may_use_only_its_inline_styles(client, group_roles):
    group, people = group_roles
    client.force_login(people["animator"])
    response = client.get(reverse("insights:chart", args=[group.slug, "posts"]))
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy


def test_a_share_is_shown_rounded_not_cut():
    from django.utils import translation

    from membrane.insights.templatetags.insights_tags import percent

    with translation.override("en"):
        assert percent(101 / 196) == "52%"  # 51.53 %: Django's number_format alone cuts to 51
        assert percent(0.634) == "63%"
        assert percent(0.6347, 1) == "63.5%"
        assert percent(None) == "—"
