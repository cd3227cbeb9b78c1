"""The benchmark's parts (the timings themselves are not tested): the bare
view, the `X-Queries` header, the load generator's HTTP client and figures,
the targets picked from the database, writes that really succeed, the
reports and docs/performance.md's blocks."""

import asyncio
import json
import os
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from membrane.accounts.models import User
from membrane.conversations.models import Post
from membrane.conversations.services import post_create, thread_create
from membrane.events.models import Rsvp
from membrane.events.services import event_create
from membrane.ideas.models import Idea, Support
from membrane.ideas.services import box_open, idea_comment, idea_submit, support_add
from membrane.perf.bench import report
from membrane.perf.bench.client import Endpoint, Request, Result, read_response, run_endpoint
from membrane.perf.bench.endpoints import BARE_PATH, write_endpoints
from membrane.perf.bench.explain import explain_pages
from membrane.perf.bench.server import children, free_port, rss_mb
from membrane.perf.bench.targets import (
    BENCH_DOMAIN,
    _search_word,
    csrf_secret,
    ensure_second_factor,
    pick_targets,
    prepare_writes,
    session_for,
)
from membrane.perf.middleware import HEADER, QueryCountHeaderMiddleware, query_header_on
from membrane.spaces.services import group_create, group_join

QUERY_MIDDLEWARE = "membrane.perf.middleware.QueryCountHeaderMiddleware"


# The bare view and the header


@pytest.mark.django_db
def test_the_bare_view_answers_json_without_the_database_or_a_session():
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BARE_PATH)
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert len(queries) == 0
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_the_bare_view_refuses_a_post():
    assert Client().post(BARE_PATH).status_code == 405


@pytest.mark.django_db
def test_with_the_setting_on_each_answer_says_how_many_queries_it_made(settings, member):
    settings.PERF_QUERY_HEADER = True
    settings.MIDDLEWARE = [QUERY_MIDDLEWARE, *settings.MIDDLEWARE]
    client = Client()
    client.force_login(member)
    client.get("/groupes/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/groupes/")
    assert response[HEADER] == str(len(queries))
    assert int(response[HEADER]) > 0
    assert Client().get(BARE_PATH)[HEADER] == "0"


@pytest.mark.django_db
def test_without_the_setting_the_header_middleware_is_not_used(settings):
    settings.PERF_QUERY_HEADER = False
    settings.MIDDLEWARE = [QUERY_MIDDLEWARE, *settings.MIDDLEWARE]
    assert HEADER not in Client().get(BARE_PATH)
    from django.core.exceptions import MiddlewareNotUsed

    with pytest.raises(MiddlewareNotUsed):
        QueryCountHeaderMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]


def test_without_the_setting_the_environment_variable_decides(settings, monkeypatch):
    del settings.PERF_QUERY_HEADER
    monkeypatch.setenv("PERF_QUERY_HEADER", "1")
    assert query_header_on()
    monkeypatch.setenv("PERF_QUERY_HEADER", "0")
    assert not query_header_on()


# The load generator


def _parse(raw: bytes):
    async def go():
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await read_response(reader)

    return asyncio.run(go())


def test_the_client_reads_an_answer_with_a_length():
    response = _parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Queries: 7\r\n\r\nhello")
    assert (response.status, response.body, response.headers[b"x-queries"]) == (200, b"hello", b"7")


def test_the_client_reads_a_chunked_answer():
    raw = (
        b"HTTP/1.1 302 Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    response = _parse(raw)
    assert (response.status, response.body) == (302, b"abcde")


def test_a_request_is_encoded_with_its_headers_and_body():
    raw = Request("POST", "/x/", {"Cookie": "a=b"}, b"k=v").encode("127.0.0.1:1")
    assert raw == (
        b"POST /x/ HTTP/1.1\r\nHost: 127.0.0.1:1\r\nCookie: a=b\r\nContent-Length: 3\r\n\r\nk=v"
    )


def test_percentiles_are_those_of_the_measured_latencies():
    result = Result(name="page", mode="anonymous", kind="page")
    result.latencies = [n / 1000 for n in range(1, 101)]  # 1 to 100 ms
    result.duration = 2.0
    result.queries = [5, 4, 4, 5, 4]
    figures = result.as_dict()
    assert (figures["p50_ms"], figures["p95_ms"], figures["p99_ms"]) == (50.0, 95.0, 99.0)
    assert figures["rps"] == 50.0
    assert (figures["queries_min"], figures["queries_max"], figures["queries_usual"]) == (4, 5, 4)


def test_the_usual_count_of_a_tie_is_the_smaller():
    result = Result(name="page", mode="anonymous", kind="page")
    result.queries = [7, 6, 7, 6]
    assert result.usual_queries == 6


def test_the_load_generator_counts_requests_errors_and_queries_at_fixed_concurrency():
    """Against a tiny server that answers 200 with X-Queries: 3, but 500 for
    the paths that say so; each connection keeps its socket alive."""
    connections = 0

    async def handle(reader, writer):
        nonlocal connections
        connections += 1
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            status = b"500 Oops" if b"/fail" in head else b"200 OK"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\nX-Queries: 3\r\n\r\nok")
            await writer.drain()
        writer.close()

    async def go():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        endpoint = Endpoint(
            "page", "anonymous", lambda i: Request("GET", "/fail" if i % 4 == 0 else "/ok")
        )
        result = await run_endpoint(
            endpoint, host="127.0.0.1", port=port, concurrency=3, duration=0.3, warmup=0.1
        )
        server.close()
        await server.wait_closed()
        return result

    result = asyncio.run(go())
    assert result.requests > 20
    assert connections == 3
    assert 0 < result.errors < result.requests
    assert set(result.statuses) == {200, 500}
    assert set(result.queries) == {3}
    assert result.error_samples[0].startswith("HTTP 500")


def test_a_finite_supply_of_writes_stops_at_its_limit():
    async def handle(reader, writer):
        while True:
            try:
                await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            writer.write(b"HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
        writer.close()

    async def go():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        endpoint = Endpoint(
            "write",
            "signed-in",
            lambda i: Request("POST", "/w/"),
            frozenset({302}),
            "write",
            limit=10,
        )
        result = await run_endpoint(
            endpoint, host="127.0.0.1", port=port, concurrency=2, duration=5, warmup=0
        )
        server.close()
        return result

    result = asyncio.run(go())
    assert (result.requests, result.errors) == (10, 0)
    assert result.duration < 5


def test_the_workers_are_found_and_their_memory_read_from_proc():
    assert free_port() > 0
    assert os.getpid() in children(os.getppid())
    assert rss_mb(os.getpid()) > 10


# What the benchmark drives


@pytest.fixture
def dataset(section, section_animator, member, charter, spaces):
    """A public group with a long thread, an idea box with a commented idea,
    an upcoming event: what the benchmark needs to pick its targets."""
    group = group_create(creator=section_animator, name="Vélo pour tous")
    group_join(group=group, user=member)
    thread = thread_create(
        author=section_animator, space=group, title="Pistes cyclables", body="Ouvrons."
    )
    for n in range(3):
        post_create(author=member, thread=thread, body=f"Réponse {n}")
    box = box_open(space=group, by=section_animator)
    idea = idea_submit(author=member, box=box, title="Des arceaux", description="Partout.")
    idea_comment(author=section_animator, idea=idea, body="Oui.")
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
    return {"group": group, "thread": thread, "idea": idea}


@pytest.mark.django_db
def test_the_targets_are_the_largest_group_the_longest_thread_and_the_busiest_postcode(
    dataset, section_animator, member
):
    targets = pick_targets()
    assert targets.group_slug == dataset["group"].slug
    assert targets.thread_id == dataset["thread"].pk
    assert targets.thread_posts == 4
    assert targets.idea_id == dataset["idea"].pk
    assert (targets.postcode, targets.postcode_events) == ("33130", 1)
    assert targets.reader_id == section_animator.pk
    assert targets.profile_id == member.pk
    assert targets.search_word == "cyclables"


@pytest.mark.django_db
def test_the_search_word_is_the_title_word_found_in_the_fewest_posts(dataset, member):
    thread = dataset["thread"]
    post_create(author=member, thread=thread, body="Des pistes partout, des pistes sûres.")
    post_create(author=member, thread=thread, body="Les pistes et les cyclables ?")
    # Both title words are in posts: the rarer one (posts' search keys on
    # SQLite, full text or search keys on PostgreSQL) is the one searched.
    assert _search_word("Pistes cyclables") == "cyclables"
    assert _search_word("Mobilisation pistes") == "pistes"
    # No title word in any post: the longest; no word of 4 letters: "idée".
    assert _search_word("Mobilisation générale") == "Mobilisation"
    assert _search_word("À vos") == "idée"


@pytest.mark.django_db
def test_a_bench_session_is_a_signed_in_session(member):
    client = Client()
    client.cookies["sessionid"] = session_for(member)
    response = client.get("/compte/")
    assert response.status_code == 200
    assert response.context["user"] == member


@pytest.mark.django_db
def test_the_writes_succeed_through_the_csrf_check_and_each_makes_a_new_item(dataset):
    writes = prepare_writes(people=4)
    csrf = csrf_secret()
    endpoints = {e.name: e for e in write_endpoints(writes, csrf, "test")}
    client = Client(enforce_csrf_checks=True)
    for name in ("post a reply", "support an idea", "RSVP to an event"):
        for index in range(3):
            request = endpoints[name].make(index)
            cookies = dict(part.split("=") for part in request.headers["Cookie"].split("; "))
            client.cookies.load(cookies)
            response = client.post(
                request.path,
                data=request.body,
                content_type=request.headers["Content-Type"],
                headers={"X-CSRFToken": request.headers["X-CSRFToken"]},
            )
            assert response.status_code in endpoints[name].expected, (name, response)
    bench_people = {"author__email__endswith": BENCH_DOMAIN}
    assert Post.objects.filter(thread_id=writes.thread_id, **bench_people).count() >= 3
    assert Support.objects.filter(user__email__endswith=BENCH_DOMAIN).count() == 3
    assert Rsvp.objects.filter(user__email__endswith=BENCH_DOMAIN).count() == 3


@pytest.mark.django_db
def test_preparing_the_writes_again_reuses_the_bench_group_and_starts_afresh(dataset):
    first = prepare_writes(people=3)
    someone = User.objects.filter(email__endswith=BENCH_DOMAIN).order_by("email").last()
    support_add(user=someone, idea=Idea.objects.get(pk=first.idea_ids[0]))
    second = prepare_writes(people=3)
    assert (second.thread_id, second.idea_ids, second.event_ids) == (
        first.thread_id,
        first.idea_ids,
        first.event_ids,
    )
    assert Support.objects.filter(user__email__endswith=BENCH_DOMAIN).count() == 0
    assert len(second.sessions) == 2  # the owner of the ideas does not support them
    # The bench group is never a target of the reads.
    assert pick_targets().group_slug == dataset["group"].slug


@pytest.mark.django_db
def test_explaining_the_pages_times_each_one_and_shows_its_slowest_queries_plans(
    dataset, section_animator
):
    ensure_second_factor(section_animator)
    lines = list(explain_pages(pick_targets(), session_for(section_animator), only="idea box"))
    headers = [line for line in lines if line.startswith("== ")]
    assert [h.split(" /")[0] for h in headers] == [
        "== idea box (anonymous)",
        "== idea box (signed-in)",
        "== API idea box ideas (anonymous)",
        "== API idea box ideas (signed-in)",
    ]
    assert all("HTTP 200" in h for h in headers)
    assert any(line.startswith("-- ") for line in lines)


@pytest.mark.django_db
def test_profiling_the_pages_names_the_python_functions_that_took_the_time(
    dataset, section_animator
):
    ensure_second_factor(section_animator)
    lines = list(
        explain_pages(pick_targets(), session_for(section_animator), only="api idea box", profile=5)
    )
    tables = [line for line in lines if line.startswith("   by ")]
    assert [t.split(":")[0] for t in tables] == ["   by tottime", "   by cumulative"] * 2
    # The cumulative table starts from the request the test client made.
    assert "client.py" in tables[1] and "(get)" in tables[1]


# Reports


def _row(name, mode, rps, queries=(5, 5), kind="page", errors=0, usual=None):
    return {
        "name": name,
        "mode": mode,
        "kind": kind,
        "rps": rps,
        "p50_ms": 1.0,
        "p95_ms": 2.0,
        "p99_ms": 3.0,
        "errors": errors,
        "queries_per_request": float(queries[0]),
        "queries_min": queries[0],
        "queries_max": queries[1],
        "queries_usual": queries[0] if usual is None else usual,
        "worker_rss_mb": 120.0,
    }


def _run(dataset, results):
    return {
        "dataset": dataset,
        "started_at": "2026-11-26 04:40 UTC",
        "machine": {
            "database": "SQLite 3",
            "cpus": 2,
            "cpu_model": "CPU",
            "ram_gb": 4,
            "os": "Debian",
            "python": "3.12",
            "granian": "2",
        },
        "config": {"server": "granian", "concurrency": 16, "warmup": 2.0, "duration": 10.0},
        "targets": {
            "group_members": 1,
            "thread_posts": 500,
            "box_ideas": 3,
            "idea_comments": 4,
            "postcode": "33000",
            "postcode_events": 2,
            "search_word": "vélo",
        },
        "bare_rps": 4000.0,
        "peak_rss_mb": 130.0,
        "results": results,
        "bar": report.bar_check(results),
    }


def test_the_bar_is_ten_times_adhocracy_plus():
    checks = report.bar_check(
        [_row("idea box", "anonymous", 151.0), _row("home", "anonymous", 900.0)]
    )
    assert [(c["name"], c["passes"]) for c in checks] == [("idea box", True), ("home", False)]


def test_flatness_wants_seventy_percent_of_the_throughput_and_the_same_queries():
    small = _run("small", [_row("a", "anonymous", 100), _row("b", "anonymous", 100)])
    party = _run("party", [_row("a", "anonymous", 70), _row("b", "anonymous", 90, (6, 6))])
    rows = report.flatness(small, party)
    assert [(r["name"], r["kept"], r["passes"]) for r in rows] == [
        ("a", 0.7, True),
        ("b", 0.9, False),
    ]


def test_flatness_compares_the_usual_count_not_an_occasional_extra_query():
    """A session's periodic second-factor check adds a query to a few
    requests, at any scale: the page's count is the usual one."""
    small = _run("small", [_row("a", "signed-in", 100, (9, 9))])
    party = _run("party", [_row("a", "signed-in", 90, (9, 10), usual=9)])
    (row,) = report.flatness(small, party)
    assert (row["small_queries"], row["large_queries"], row["passes"]) == (9, 9, True)
    assert "| 9 | 9 | ✅ |" in report.flatness_markdown([row], "small", "party")


def test_the_markdown_table_gives_the_ratio_to_the_bare_view():
    run = _run(
        "small",
        [
            _row("bare Django view", "anonymous", 4000.0, (0, 0), "bare"),
            _row("idea box", "signed-in", 400.0),
        ],
    )
    text = report.markdown(run)
    assert "| idea box | signed-in | 400 | 10.0% | 1.0 | 2.0 | 3.0 | 5 | 0 | 120 |" in text
    assert "**130 MB** (limit 300 MB: met)" in text
    assert json.dumps(run)  # the JSON result is plain data


def test_updating_the_docs_replaces_only_that_datasets_block(tmp_path):
    docs = tmp_path / "performance.md"
    docs.write_text("# Performance\n\nIntro.\n")
    report.update_docs(docs, "small-sqlite", "first\n")
    report.update_docs(docs, "party-postgresql", "party\n")
    report.update_docs(docs, "small-sqlite", "second\n")
    text = docs.read_text()
    assert text.count("<!-- bench:small-sqlite start -->") == 1
    assert "second" in text and "first" not in text and "party" in text
    assert text.startswith("# Performance\n\nIntro.\n")


@pytest.mark.django_db
def test_the_machine_is_described():
    described = report.machine()
    assert described["cpus"] >= 1
    assert described["database"].split()[0] in {"SQLite", "PostgreSQL"}
