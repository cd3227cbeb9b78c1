"""The benchmark's results: the machine, a JSON file, a Markdown table, the
bar of issue 8 and the scale-flatness comparison, and docs/performance.md."""

import os
import platform
import re
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

# adhocracy+ measured on this kind of machine (docs/performance.md): its
# comparable pages' req/s, and a bare Django view through its server;
# Membrane's pages must do at least ten times better.
PEER_BAR = {"idea box": 15.0, "idea with comments": 35.0, "home": 110.0}
PEER_BARE = 4500.0
BAR_FACTOR = 10
# At party scale each key page keeps this share of its small-scale throughput.
FLATNESS = 0.70


def machine() -> dict[str, Any]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0]
        ram_gb = round(int(first.split()[1]) / 1024 / 1024, 1)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu or platform.processor(),
        "ram_gb": ram_gb,
        "os": _os_name(),
        "python": platform.python_version(),
        "database": database_description(),
        "granian": _granian_version(),
        # Other work on the machine when the run started (1, 5, 15 minutes).
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


def _os_name() -> str:
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    return platform.platform()


def _granian_version() -> str:
    try:
        from importlib.metadata import version

        return version("granian")
    except Exception:  # pragma: no cover - not installed
        return "?"


def database_description() -> str:
    vendor = connection.vendor
    if vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
        return f"PostgreSQL {version}"
    return vendor


def db_label() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def by_key(results: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["name"], r["mode"]): r for r in results}


def bar_check(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Issue 8's bar: idea box, idea with comments and home at least ten
    times adhocracy+'s req/s, anonymous and signed-in; with each one's share
    of its bare view for comparison."""
    bare = next((r["rps"] for r in results if r["kind"] == "bare"), None)
    checks = []
    for r in results:
        peer = PEER_BAR.get(r["name"])
        if peer is None:
            continue
        needed = peer * BAR_FACTOR
        checks.append(
            {
                "name": r["name"],
                "mode": r["mode"],
                "rps": r["rps"],
                "needed_rps": needed,
                "times_peer": round(r["rps"] / peer, 1),
                "share_of_bare": round(r["rps"] / bare, 4) if bare else None,
                "peer_share_of_bare": round(peer / PEER_BARE, 4),
                "passes": r["rps"] >= needed and r["errors"] == 0,
            }
        )
    return checks


def flatness(small: dict[str, Any], large: dict[str, Any]) -> list[dict[str, Any]]:
    """Each key page at the large scale against the small one: share of
    throughput kept (≥ 70 %) and the same SQL query count."""
    before = by_key(small["results"])
    rows = []
    for r in large["results"]:
        if r["kind"] in {"bare", "write"}:
            continue
        base = before.get((r["name"], r["mode"]))
        if base is None or not base["rps"]:
            continue
        kept = r["rps"] / base["rps"]
        same_queries = _usual_queries(base) == _usual_queries(r)
        rows.append(
            {
                "name": r["name"],
                "mode": r["mode"],
                "small_rps": base["rps"],
                "large_rps": r["rps"],
                "kept": round(kept, 3),
                "small_queries": _usual_queries(base),
                "large_queries": _usual_queries(r),
                "passes": kept >= FLATNESS and same_queries,
            }
        )
    return rows


def _usual_queries(r: dict[str, Any]) -> Any:
    """The line's usual count of queries; for a result written before it was
    recorded, its range."""
    if "queries_usual" in r:
        return r["queries_usual"]
    return (r["queries_min"], r["queries_max"])


def _queries_cell(value: Any) -> str:
    if isinstance(value, tuple):
        return "-" if value[0] is None else f"{value[0]}-{value[1]}"
    return _fmt(value)


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}".replace(",", " ")
    return str(value)


def _queries(r: dict[str, Any]) -> str:
    if r["queries_min"] is None:
        return "-"
    if r["queries_min"] == r["queries_max"]:
        return str(r["queries_min"])
    return f"{r['queries_min']}-{r['queries_max']}"


def _page_cache_sentence(seconds: int | None) -> str:
    if not seconds:
        return "anonymous pages built at each request (no page cache)."
    return f"anonymous pages served from the page cache ({seconds} s), signed-in ones built."


def markdown(run: dict[str, Any]) -> str:
    """The tables of one run, for docs/performance.md."""
    m = run["machine"]
    c = run["config"]
    lines = [
        f"Run {run['started_at']} on `{run['dataset']}` with {m['database']}: "
        f"{m['cpus']} CPU ({m['cpu_model']}), {m['ram_gb']} GB RAM, {m['os']}, "
        f"Python {m['python']}, granian {m['granian']} ({c['server']}); load average "
        f"{'/'.join(str(x) for x in m.get('load_average', []))} at the start; load from "
        f"another process on 127.0.0.1, {c['concurrency']} connections, "
        f"{c['warmup']:g} s warm-up then {c['duration']:g} s per line; "
        f"{_page_cache_sentence(c.get('anonymous_page_cache'))} "
        f"Targets: {_targets_sentence(run['targets'])}",
        "",
        "| Page or endpoint | Who | req/s | vs bare | p50 ms | p95 ms | p99 ms | SQL/req "
        "| errors | worker RSS MB |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    bare = run["bare_rps"] or 0.0
    for r in run["results"]:
        ratio = r["rps"] / bare if bare else None
        lines.append(
            f"| {r['name']} | {r['mode']} | {_fmt(r['rps'])} | "
            f"{'-' if ratio is None else f'{ratio:.1%}'} | {_fmt(r['p50_ms'], 1)} | "
            f"{_fmt(r['p95_ms'], 1)} | {_fmt(r['p99_ms'], 1)} | {_queries(r)} | "
            f"{r['errors']} | {_fmt(r['worker_rss_mb'])} |"
        )
    bare_row = next((r for r in run["results"] if r["kind"] == "bare"), None)
    if bare_row is not None and bare_row.get("client_cpu") is not None:
        lines += [
            "",
            f"The load generator (Python, sharing the server's cores) used "
            f"{bare_row['client_cpu']:.0%} of a core while driving the bare view: with a "
            "lighter one (wrk), the bare view would be somewhat faster and the ratios lower.",
        ]
    lines += [
        "",
        f"Peak resident memory of a web worker under load: **{_fmt(run['peak_rss_mb'])} MB** "
        f"(limit 300 MB: {'met' if run['peak_rss_mb'] < 300 else 'NOT met'}).",
        "",
        "The bar (ten times adhocracy+ on the same machine):",
        "",
        "| Page | Who | req/s | x adhocracy+ | needed req/s | share of bare "
        "| adhocracy+'s share | |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for check in run["bar"]:
        share = check.get("share_of_bare")
        lines.append(
            f"| {check['name']} | {check['mode']} | {_fmt(check['rps'])} | "
            f"{check['times_peer']:g} | {_fmt(check['needed_rps'])} | "
            f"{'-' if share is None else f'{share:.1%}'} | "
            f"{check['peer_share_of_bare']:.1%} | {'✅' if check['passes'] else '❌'} |"
        )
    return "\n".join(lines) + "\n"


def flatness_markdown(rows: list[dict[str, Any]], small: str, large: str) -> str:
    lines = [
        f"Scale flatness, `{large}` against `{small}` (each page keeps ≥ "
        f"{FLATNESS:.0%} of its throughput, the same SQL query count; the usual "
        "count of its requests):",
        "",
        f"| Page | Who | {small} req/s | {large} req/s | kept | SQL {small} | SQL {large} | |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['mode']} | {_fmt(row['small_rps'])} | "
            f"{_fmt(row['large_rps'])} | {row['kept']:.0%} | {_queries_cell(row['small_queries'])} | "
            f"{_queries_cell(row['large_queries'])} | {'✅' if row['passes'] else '❌'} |"
        )
    return "\n".join(lines) + "\n"


def _targets_sentence(t: dict[str, Any]) -> str:
    return (
        f"largest group {t['group_members']} members, longest thread {t['thread_posts']} "
        f"posts, idea box {t['box_ideas']} ideas, idea with {t['idea_comments']} comments, "
        f"postcode {t['postcode']} with {t['postcode_events']} upcoming events, search "
        f"« {t['search_word']} »."
    )


def update_docs(path: Path, key: str, text: str) -> None:
    """Replace (or add at the end) the block between this key's markers."""
    start, end = f"<!-- bench:{key} start -->", f"<!-- bench:{key} end -->"
    block = f"{start}\n{text.rstrip()}\n{end}"
    current = path.read_text() if path.exists() else "# Performance\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(current):
        updated = pattern.sub(lambda _m: block, current)
    else:
        updated = current.rstrip() + "\n\n" + block + "\n"
    path.write_text(updated)


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return out.stdout.strip() or None
