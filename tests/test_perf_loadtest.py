"""The load test and the vote peak (issue 8): the ledger of writes checked
against the database, the burst schedule, the reports and their section of
docs/performance.md, and the plans' writes made through the real views and
found again in the database (the timings themselves are not tested; a real
server cannot see a test's database, so the views run in the test client)."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from membrane.conversations.services import post_create, thread_create
from membrane.events.services import event_create
from membrane.ideas.models import Idea, Support
from membrane.ideas.services import box_open, idea_submit
from membrane.perf.loadtest import report
from membrane.perf.loadtest.accounting import (
    OK,
    PENDING,
    REFUSED,
    UNKNOWN,
    Ledger,
    burst_schedule,
    check_writes,
    latency_summary,
    outcome_of,
    send_order,
)
from membrane.perf.loadtest.plan import (
    pair_of,
    prepare_load_plan,
    prepare_vote_plan,
    reply_text,
    stored_supports,
    stored_writes,
    support_counts_off,
)
from membrane.perf.loadtest.votepeak import (
    Shot,
    ledger_of,
    outcome_of_response,
    repeats_summary,
    support_request,
)
from membrane.perf.management.commands.loadtest import check_run
from membrane.perf.management.commands.votepeak import peak_figures
from membrane.spaces.services import group_create, group_join

# The ledger and its check


def outcomes(**keys: list[str]) -> dict[str, list[str]]:
    return {key.removeprefix("k"): seen for key, seen in keys.items()}


def test_every_accepted_write_found_once_in_the_database_passes():
    check = check_writes("support", outcomes(k1=[OK], k2=[OK], k3=[REFUSED]), ["1", "2"])
    assert check["passes"]
    assert (check["sent"], check["ok"], check["refused"], check["in_db"]) == (3, 2, 1, 2)


def test_an_accepted_write_missing_from_the_database_is_lost():
    check = check_writes("reply", outcomes(k1=[OK], k2=[OK]), ["1"])
    assert not check["passes"]
    assert check["lost"] == ["2"]
    assert check["lost_count"] == 1


def test_a_stored_write_the_client_never_saw_accepted_fails_unless_it_went_unanswered():
    refused_but_stored = check_writes("rsvp", outcomes(k1=[REFUSED]), ["1"])
    never_sent = check_writes("rsvp", {}, ["9"])
    timed_out_but_stored = check_writes("rsvp", outcomes(k1=[UNKNOWN], k2=[PENDING]), ["1", "2"])
    assert refused_but_stored["unexplained"] == ["1"] and not refused_but_stored["passes"]
    assert never_sent["unexplained"] == ["9"] and not never_sent["passes"]
    assert timed_out_but_stored["passes"]
    assert timed_out_but_stored["unanswered_but_stored"] == 2
    assert timed_out_but_stored["unanswered"] == 2


def test_a_doubled_row_or_a_pair_accepted_twice_fails():
    doubled_row = check_writes("support", outcomes(k1=[OK]), ["1", "1"])
    accepted_twice = check_writes("support", outcomes(k1=[OK, OK]), ["1"])
    repeat_refused = check_writes("support", outcomes(k1=[OK, REFUSED]), ["1"])
    assert doubled_row["doubled_in_db"] == ["1"] and not doubled_row["passes"]
    assert accepted_twice["accepted_twice"] == ["1"] and not accepted_twice["passes"]
    assert repeat_refused["passes"]


def test_the_ledger_replaces_the_oldest_pending_send_of_a_key_by_its_outcome():
    ledger = Ledger()
    ledger.sent("support", (3, 12))
    ledger.sent("support", (3, 12))
    ledger.answered("support", (3, 12), REFUSED)
    assert ledger.as_dict() == {"support": {"3:12": [REFUSED, PENDING]}}
    ledger.answered("support", (3, 12), OK)
    assert Ledger.from_dict(ledger.as_dict()).outcomes == {"support": {"3:12": [REFUSED, OK]}}


def test_a_redirect_is_accepted_a_4xx_refused_and_no_answer_or_a_5xx_unknown():
    assert outcome_of(302, (302, 303)) == OK
    assert outcome_of(409, (302, 303)) == REFUSED
    assert outcome_of(429, (302, 303)) == REFUSED
    assert outcome_of(500, (302, 303)) == UNKNOWN
    assert outcome_of(0, (302, 303)) == UNKNOWN


def test_the_latency_summary_gives_nearest_rank_percentiles():
    summary = latency_summary([float(n) for n in range(1, 101)])
    assert summary == {
        "requests": 100,
        "p50_ms": 50.0,
        "p95_ms": 95.0,
        "p99_ms": 99.0,
        "max_ms": 100.0,
    }
    assert latency_summary([])["p99_ms"] is None


# The burst schedule


def test_bursts_run_at_ten_times_the_mean_and_the_rest_keeps_the_mean():
    schedule = burst_schedule(2_000, mean_rate=40, period=20, burst=1)
    first_period = [t for t, _burst in schedule if t < 20]
    in_burst = [t for t, burst in schedule if burst and t < 20]
    assert len(schedule) == 2_000
    assert len(first_period) == 800  # 40/s on average
    assert len(in_burst) == 400  # 400/s for one second
    assert all(t < 1 for t in in_burst)
    assert all(1 <= t < 20 for t, burst in schedule[:800] if not burst)
    assert schedule == sorted(schedule)


def test_with_a_period_of_ten_bursts_the_rest_of_the_period_is_silent():
    schedule = burst_schedule(250, mean_rate=10, period=10, burst=1)
    assert all(burst for _t, burst in schedule)
    assert [t for t, _burst in schedule[100:102]] == [10.0, 10.01]


def test_a_schedule_that_cannot_keep_the_mean_is_refused():
    with pytest.raises(ValueError):
        burst_schedule(10, mean_rate=10, period=5, burst=1)
    with pytest.raises(ValueError):
        burst_schedule(10, mean_rate=0, period=20, burst=1)
    assert burst_schedule(0, mean_rate=10) == []


def test_each_pair_is_sent_once_and_every_nth_again_a_little_later():
    order = send_order(200, repeat_every=50, lag=3)
    firsts = [pair for pair, repeat in order if not repeat]
    repeats = [pair for pair, repeat in order if repeat]
    assert firsts == list(range(200))
    assert repeats == [49, 99, 149, 199]
    for pair in repeats:
        assert order.index((pair, True)) > order.index((pair, False))
    assert send_order(5, repeat_every=0) == [(n, False) for n in range(5)]


# Reports and docs/performance.md


def machine() -> dict[str, object]:
    return {"cpus": 2, "cpu_model": "AMD EPYC", "database": "PostgreSQL 15", "load_average": [3.1]}


def a_load_run(*, passes: bool = True) -> dict[str, object]:
    seen = {
        "latencies_ms": {"anonymous: home": [10.0, 20.0], "member: support": [30.0]},
        "statuses": {"anonymous: home": {"200": 2}, "member: support": {"302": 1}},
        "errors": {},
        "failures": {},
        "ledger": {"support": {"3:12": [OK]}},
    }
    stored = {"reply": [], "reaction": [], "support": ["3:12"] if passes else [], "rsvp": []}
    stored["report"] = []
    return {
        "dataset": "small",
        "started_at": "2026-11-26 07:00 UTC",
        "machine": machine(),
        "cache": "Redis",
        "config": {
            "nodes": 2,
            "server": "granian --workers 2",
            "locust": "2.47.0",
            "users": 30,
            "run_time": 60.0,
        },
        "per_node": [2, 1],
        "rps": 0.1,
        "rss_peak_mb": [130.0, 140.0],
        **check_run(seen, stored, [130.0, 140.0]),
    }


def test_the_load_test_report_has_a_line_per_request_the_writes_and_the_verdict():
    text = report.loadtest_markdown(a_load_run())
    assert "| anonymous: home | 2 | 10.0 | 20.0 | 20.0 | 20.0 | 0 | 0 |" in text
    assert "| support | 1 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | ✅ |" in text
    assert "**140 MB** (node 1: 130 MB, node 2: 140 MB; limit 300 MB: met)" in text
    assert "Verdict: **passed**." in text


def test_a_lost_write_or_a_server_error_fails_the_load_test():
    lost = a_load_run(passes=False)
    assert not lost["passes"]
    assert lost["failures"] == ["writes of kind support do not add up"]
    assert "Verdict: **FAILED** (writes of kind support do not add up)." in (
        report.loadtest_markdown(lost)
    )
    seen = {
        "latencies_ms": {"member: home": [5.0, 6.0]},
        "statuses": {"member: home": {"200": 1, "502": 1}},
        "errors": {"member: home": ["HTTP 502"]},
        "failures": {"member: home": 1},
        "ledger": {},
    }
    empty: dict[str, list[str]] = {
        kind: [] for kind in ("reply", "reaction", "support", "rsvp", "report")
    }
    checked = check_run(seen, empty, [400.0])
    assert checked["server_errors"] == 1
    assert checked["failures"] == ["1 server errors", "a web worker reached 400 MB"]


def test_the_vote_peak_report_gives_bursts_against_quiet_and_the_count():
    shots = [
        Shot(key="1:5", repeat=False, burst=True, node=0, status=302, outcome=OK, latency_ms=80.0),
        Shot(key="1:6", repeat=False, burst=False, node=1, status=302, outcome=OK, latency_ms=9.0),
        Shot(key="1:5", repeat=True, burst=True, node=1, status=409, outcome=REFUSED),
    ]
    check = check_writes("support", ledger_of(shots).outcomes["support"], ["1:5", "1:6"])
    figures = peak_figures(shots)
    run = {
        "dataset": "small",
        "started_at": "2026-11-26 07:00 UTC",
        "machine": machine(),
        "cache": "Redis",
        "config": {
            "count": 2,
            "ideas": 1,
            "people": 2,
            "nodes": 2,
            "connections": 64,
            "mean_rate": 40.0,
            "factor": 10.0,
            "period": 20.0,
            "burst": 1.0,
            "burst_rate": 400.0,
            "quiet_rate": 21.1,
        },
        "duration_s": 1.0,
        "achieved_rate": 3.0,
        "repeats": repeats_summary(shots),
        "rss_peak_mb": [120.0, 125.0],
        **figures,
        "writes": [check],
        "failures": [],
        "passes": True,
    }
    text = report.votepeak_markdown(run)
    assert check["passes"]
    assert figures["latency"]["burst"]["requests"] == 2
    assert figures["latency"]["quiet"]["p99_ms"] == 9.0
    assert run["repeats"] == {"pairs": 1, "accepted_once": 1, "refused": 1, "statuses_409": 1}
    assert "| burst | 2 | 0.0 | 80.0 | 80.0 | 80.0 |" in text
    assert (
        "Pairs sent twice: 1, of which 1 accepted exactly once, the other send refused (1 HTTP 409)"
        in text
    )
    assert "Supports in the database: 2 for 2 distinct pairs accepted; stored counts" in text
    assert "Server errors (5xx): **0**; requests unanswered within 30 s: 0." in text


def test_the_docs_section_is_added_at_the_end_and_each_command_replaces_only_its_block(
    tmp_path,
):
    docs = tmp_path / "performance.md"
    docs.write_text(
        "# Performance\n\n<!-- bench:small-sqlite start -->\nx\n<!-- bench:small-sqlite end -->\n"
    )
    report.update_docs(docs, "run", "first load test")
    report.update_docs(docs, "votepeak", "a vote peak")
    report.update_docs(docs, "run", "second load test")
    text = docs.read_text()
    assert text.startswith("# Performance\n\n<!-- bench:small-sqlite start -->\nx\n")
    section = text.split("<!-- loadtest start -->")[1].split("<!-- loadtest end -->")[0]
    assert "second load test" in section and "first load test" not in text
    assert "a vote peak" in section
    assert section.index("second load test") < section.index("a vote peak")
    assert text.rstrip().endswith("<!-- loadtest end -->")
    assert text.count("<!-- loadtest start -->") == 1


# The plans, against real rows


@pytest.fixture
def dataset(section, section_animator, member, charter, spaces):
    """What the benchmark's targets need: a public group with a thread, an
    idea box with an idea, an upcoming event, a public profile."""
    group = group_create(creator=section_animator, name="Vélo pour tous")
    group_join(group=group, user=member)
    thread = thread_create(author=section_animator, space=group, title="Pistes", body="Ouvrons.")
    post_create(author=member, thread=thread, body="Oui.")
    box = box_open(space=group, by=section_animator)
    idea_submit(author=member, box=box, title="Des arceaux", description="Partout.")
    starts = timezone.now() + timedelta(days=3)
    event_create(
        organiser=section_animator,
        space=group,
        title="Balade",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        postcode="33130",
        commune="Bègles",
    )
    member.profile_visibility = "public"
    member.save(update_fields=["profile_visibility"])
    return group


def post_as(person: dict[str, object], csrf: str, path: str, data: dict[str, str]) -> int:
    client = Client(enforce_csrf_checks=True)
    client.cookies.load({"sessionid": str(person["session"]), "csrftoken": csrf})
    return client.post(path, data, headers={"X-CSRFToken": csrf}).status_code


@pytest.mark.django_db
def test_the_load_plans_writes_through_the_views_are_found_again_in_the_database(dataset):
    plan = prepare_load_plan(people=4, hosts=["http://127.0.0.1:1"], run_id="abc123")
    first, second = plan["people"][:2]
    csrf, post = plan["csrf"], plan["opening_post_id"]
    ledger = Ledger()
    writes = [
        ("reply", 0, first, f"/discussions/{plan['thread_id']}/repondre/", {"body": reply_text("abc123", 0)}),
        ("reply", 1, second, f"/discussions/{plan['thread_id']}/repondre/", {"body": reply_text("abc123", 1)}),
        ("reaction", first["id"], first, f"/messages/{post}/pouce/", {}),
        ("support", (plan["idea_ids"][0], first["id"]), first, f"/idees/idee/{plan['idea_ids'][0]}/soutien/", {}),
        ("support", (plan["idea_ids"][0], first["id"]), first, f"/idees/idee/{plan['idea_ids'][0]}/soutien/", {}),
        ("rsvp", (plan["event_ids"][0], second["id"]), second, f"/evenements/{plan['event_ids'][0]}/reponse/", {"status": "going"}),
        ("report", second["id"], second, f"/moderation/signaler/post/{post}/", {"article": str(plan["report_article"])}),
    ]  # fmt: skip
    for kind, key, person, path, data in writes:
        ledger.sent(kind, key)
        ledger.answered(kind, key, outcome_of(post_as(person, csrf, path, data), (302, 303)))
    stored = stored_writes(plan)
    assert plan["report_article"] is not None
    assert sorted(stored["reply"]) == ["0", "1"]
    assert stored["support"] == [f"{plan['idea_ids'][0]}:{first['id']}"]
    for kind in ("reply", "reaction", "support", "rsvp", "report"):
        check = check_writes(kind, ledger.as_dict()[kind], stored[kind])
        assert check["passes"], check
    assert ledger.as_dict()["support"][f"{plan['idea_ids'][0]}:{first['id']}"] == [OK, REFUSED]
    # A second plan starts afresh: the earlier writes are gone.
    again = prepare_load_plan(people=4, hosts=[], run_id="def456")
    assert all(keys == [] for keys in stored_writes(again).values())


@pytest.mark.django_db
def test_the_vote_plan_has_a_distinct_pair_per_support_and_a_repeat_is_refused(dataset):
    plan = prepare_vote_plan(count=7, ideas=3)
    assert len(plan["idea_ids"]) == 3
    assert len(plan["people"]) == 3  # ceil(7 / 3)
    pairs = {(idea, person["id"]) for idea, person in (pair_of(n, plan) for n in range(9))}
    assert len(pairs) == 9
    shots = []
    for index, repeat in send_order(7, repeat_every=3, lag=1):
        idea, person = pair_of(index, plan)
        request = support_request(idea, person["session"], plan["csrf"])
        status = post_as(person, plan["csrf"], request.path, {})
        shot = Shot(key=f"{idea}:{person['id']}", repeat=repeat, burst=True, node=0, status=status)
        shot.outcome = outcome_of(status, (302, 303))
        shots.append(shot)
    check = check_writes("support", ledger_of(shots).outcomes["support"], stored_supports(plan))
    assert check["passes"], check
    assert (check["ok"], check["in_db"]) == (7, 7)
    assert repeats_summary(shots) == {
        "pairs": 2,
        "accepted_once": 2,
        "refused": 2,
        "statuses_409": 2,
    }
    assert Support.objects.filter(idea_id__in=plan["idea_ids"]).count() == 7
    assert support_counts_off(plan) == {}
    Idea.objects.filter(pk=plan["idea_ids"][0]).update(support_count=F("support_count") + 1)
    assert list(support_counts_off(plan)) == [plan["idea_ids"][0]]


def test_a_redirect_to_the_login_form_is_not_an_accepted_support():
    from membrane.perf.bench.client import Response

    login = Response(302, {b"location": b"/accounts/login/?next=/idees/"}, b"")
    back = Response(302, {b"location": b"/idees/idee/3/"}, b"")
    assert outcome_of_response(login) == REFUSED
    assert outcome_of_response(back) == OK
    assert outcome_of_response(None) == UNKNOWN
