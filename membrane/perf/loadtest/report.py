"""The load test's and the vote peak's tables (Markdown) and their place in
docs/performance.md: one section between `<!-- loadtest start -->` and
`<!-- loadtest end -->`, holding a block for each command, so that each
command replaces its own block only. No Django here."""

import json
import re
from pathlib import Path
from typing import Any

SECTION = ("<!-- loadtest start -->", "<!-- loadtest end -->")
RSS_LIMIT_MB = 300


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}".replace(",", " ")
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


def _machine(run: dict[str, Any]) -> str:
    m = run["machine"]
    load = "/".join(str(x) for x in m.get("load_average", []))
    return (
        f"{m['cpus']} CPU ({m['cpu_model']}), {m['database']}, cache {run['cache']}, "
        f"load average {load} at the start"
    )


def _memory(run: dict[str, Any]) -> str:
    peaks = run["rss_peak_mb"]
    worst = max(peaks) if peaks else 0.0
    nodes = ", ".join(f"node {n + 1}: {_fmt(p, 0)} MB" for n, p in enumerate(peaks))
    verdict = "met" if worst < RSS_LIMIT_MB else "NOT met"
    return (
        f"Peak resident memory of a web worker: **{_fmt(worst, 0)} MB** ({nodes}; "
        f"limit {RSS_LIMIT_MB} MB: {verdict})."
    )


def _writes_table(checks: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| Write | sent | accepted | refused | unanswered | in the database | lost "
        "| not seen by the client | doubled | |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for c in checks:
        doubled = len(c["doubled_in_db"]) + len(c["accepted_twice"])
        lines.append(
            f"| {c['kind']} | {_fmt(c['sent'])} | {_fmt(c['ok'])} | {_fmt(c['refused'])} | "
            f"{_fmt(c['unanswered'])} | {_fmt(c['in_db'])} | {_fmt(c['lost_count'])} | "
            f"{_fmt(c['unexplained_count'])} | {doubled} | {'✅' if c['passes'] else '❌'} |"
        )
    return lines


def loadtest_markdown(run: dict[str, Any]) -> str:
    c = run["config"]
    lines = [
        f"Load test {run['started_at']} on `{run['dataset']}`: {_machine(run)}. "
        f"{c['nodes']} web nodes (separate granian processes, {c['server']}) on 127.0.0.1 "
        f"sharing the database and Redis; locust {c['locust']}, {c['users']} users "
        f"(anonymous 3 : signed-in 2, each on one node in turn), {c['run_time']:g} s. "
        f"Requests per node: {', '.join(_fmt(n) for n in run['per_node'])}.",
        "",
        "| Request | requests | p50 ms | p95 ms | p99 ms | max ms | errors | 5xx |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in run["requests"]:
        lines.append(
            f"| {r['name']} | {_fmt(r['requests'])} | {_fmt(r['p50_ms'])} | "
            f"{_fmt(r['p95_ms'])} | {_fmt(r['p99_ms'])} | {_fmt(r['max_ms'])} | "
            f"{r['errors']} | {r['server_errors']} |"
        )
    t = run["total"]
    lines += [
        f"| **all** | {_fmt(t['requests'])} | {_fmt(t['p50_ms'])} | {_fmt(t['p95_ms'])} | "
        f"{_fmt(t['p99_ms'])} | {_fmt(t['max_ms'])} | {t['errors']} | {t['server_errors']} |",
        "",
        f"Throughput {_fmt(run['rps'])} requests/s; server errors (5xx or no answer): "
        f"**{run['server_errors']}**. Writes counted after the run (each accepted write "
        "stored exactly once, nothing stored that the client did not see):",
        "",
        *_writes_table(run["writes"]),
        "",
        _memory(run),
        "",
        _verdict(run),
    ]
    return "\n".join(lines) + "\n"


def _verdict(run: dict[str, Any]) -> str:
    failures = "" if run["passes"] else f" ({'; '.join(run['failures'])})"
    return f"Verdict: **{'passed' if run['passes'] else 'FAILED'}**{failures}."


def votepeak_markdown(run: dict[str, Any]) -> str:
    c = run["config"]
    rep = run["repeats"]
    lines = [
        f"Vote peak {run['started_at']} on `{run['dataset']}`: {_machine(run)}. "
        f"{_fmt(c['count'])} supports ({_fmt(c['ideas'])} ideas x {_fmt(c['people'])} bench "
        f"people) plus {_fmt(rep['pairs'])} sent a second time, through "
        f"`POST /idees/idee/<id>/soutien/` on {c['nodes']} web nodes in turn, "
        f"{c['connections']} connections; arrivals on a schedule, answered or not: every "
        f"{c['period']:g} s, {c['burst']:g} s at {_fmt(c['burst_rate'], 0)}/s "
        f"({c['factor']:g}x the mean of {_fmt(c['mean_rate'], 0)}/s), the rest at "
        f"{_fmt(c['quiet_rate'], 0)}/s. Took {_fmt(run['duration_s'])} s "
        f"({_fmt(run['achieved_rate'])} requests/s on average).",
        "",
        "| Phase | requests | p50 ms | p95 ms | p99 ms | max ms | service p50 ms "
        "| service p99 ms |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for phase in ("burst", "quiet", "all"):
        r = run["latency"][phase]
        s = run["service"][phase]
        lines.append(
            f"| {phase} | {_fmt(r['requests'])} | {_fmt(r['p50_ms'])} | {_fmt(r['p95_ms'])} | "
            f"{_fmt(r['p99_ms'])} | {_fmt(r['max_ms'])} | {_fmt(s['p50_ms'])} | "
            f"{_fmt(s['p99_ms'])} |"
        )
    check = run["writes"][0]
    lines += [
        "",
        "Latency runs from the time a request was due (waiting for a free connection "
        "included); service time from the time it was sent.",
        "",
        *_writes_table(run["writes"]),
        "",
        f"Pairs sent twice: {_fmt(rep['pairs'])}, of which {_fmt(rep['accepted_once'])} "
        f"accepted exactly once, the other send refused ({_fmt(rep['statuses_409'])} "
        f"HTTP 409). Supports in the database: {_fmt(check['in_db'])} for "
        f"{_fmt(check['ok'])} distinct pairs accepted; {_stored_counts(run)}. "
        "Server errors (5xx): "
        f"**{run['server_errors']}**; requests unanswered within 30 s: {run['unanswered']}.",
        "",
        _memory(run),
        "",
        _verdict(run),
    ]
    return "\n".join(lines) + "\n"


def update_docs(path: Path, block: str, text: str) -> None:
    """Replace this command's block (`run` or `votepeak`) inside the
    marked section of docs/performance.md; add the section at the end of the
    file, or the block at the end of the section, when missing. Nothing
    outside the section changes."""
    start, end = SECTION
    current = path.read_text() if path.exists() else "# Performance\n"
    if start not in current or end not in current:
        current = current.rstrip() + f"\n\n{start}\n{end}\n"
    head, rest = current.split(start, 1)
    section, tail = rest.split(end, 1)
    inner = (f"<!-- loadtest:{block} start -->", f"<!-- loadtest:{block} end -->")
    new_block = f"{inner[0]}\n{text.rstrip()}\n{inner[1]}"
    pattern = re.compile(re.escape(inner[0]) + r".*?" + re.escape(inner[1]), re.DOTALL)
    if pattern.search(section):
        section = pattern.sub(lambda _m: new_block, section)
    else:
        section = section.rstrip("\n") + "\n\n" + new_block + "\n"
    path.write_text(head + start + section.rstrip("\n") + "\n" + end + tail)


def save(out_dir: Path, name: str, run: dict[str, Any], text: str) -> Path:
    """Write the run as JSON and its tables as Markdown side by side."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{name}.json"
    json_path.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    (out_dir / f"{name}.md").write_text(text)
    return json_path


def _stored_counts(run: dict[str, Any]) -> str:
    off = run.get("support_counts_off")
    if off is None:  # a run from before the stored counts
        return "stored counts not checked"
    if not off:
        return "every idea's stored support count equals its supports"
    return f"**{len(off)} ideas' stored support counts differ from their supports**"
