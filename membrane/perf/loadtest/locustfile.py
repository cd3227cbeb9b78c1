"""The load test's scenario (locust): visitors browse, bench members read,
reply, react, support, RSVP and report, against two web nodes at once.

Run by `manage.py loadtest` (docs/deploy.md), which prepares the plan in the
database and passes it as JSON (LOADTEST_PLAN); this file writes what it saw
to LOADTEST_RESULT when locust quits: every write's key and outcome (the
ledger, checked against the database afterwards), each request's latency and
status. It imports no Django: locust runs in its own process.

Each user talks to one node, taken in turn (half the users on each). Signed-in
users are bench people of the bench group, each with its own session; each
write has a key the database can be searched for: a reply's text carries the
run id and a number, a reaction and a report are one per person on the bench
thread's opening post, a support and an RSVP one per (item, person) pair.
"""

import itertools
import json
import os
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

from membrane.perf.loadtest.accounting import OK, REFUSED, Ledger, outcome_of

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
RESULT = Path(os.environ["LOADTEST_RESULT"])
TIMEOUT = 30.0
REDIRECT = (302, 303)

ledger = Ledger()
latencies: dict[str, list[float]] = defaultdict(list)
statuses: dict[str, Counter[int]] = defaultdict(Counter)
errors: dict[str, list[str]] = defaultdict(list)
failures: Counter[str] = Counter()
per_host: Counter[str] = Counter()
_hosts = itertools.cycle(PLAN["hosts"])
_people = itertools.cycle(PLAN["people"])
_reply_numbers = itertools.count()


class Visitor(HttpUser):
    """Shared by both kinds of users: one node each, and each request timed
    and checked against the statuses it should get."""

    abstract = True
    wait_time = between(0.5, 2.5)
    headers: dict[str, str] = {}

    def __init__(self, environment: Any) -> None:
        self.host = next(_hosts)  # before HttpUser makes its client for it
        super().__init__(environment)

    def send(
        self,
        name: str,
        path: str,
        *,
        data: dict[str, str] | None = None,
        expected: tuple[int, ...] = (200,),
    ) -> str:
        """One request; returns its outcome (accounting.OK, REFUSED or
        UNKNOWN). A redirect to the login form is never a success: the person
        was not signed in, nothing was written."""
        method = "POST" if data is not None else "GET"
        with self.client.request(
            method,
            path,
            name=name,
            data=data,
            headers=self.headers,
            allow_redirects=False,
            timeout=TIMEOUT,
            catch_response=True,
        ) as response:
            status = int(response.status_code or 0)
            location = response.headers.get("Location", "") if status else ""
            per_host[str(self.host)] += 1
            statuses[name][status] += 1
            latencies[name].append(response.request_meta["response_time"])
            if status not in expected or "/accounts/login" in location:
                problem = f"HTTP {status} {location}".strip()
                if status == 0:
                    problem = str(response.error)
                failures[name] += 1
                if len(errors[name]) < 5:
                    errors[name].append(problem)
                response.failure(problem)
                return REFUSED if status in expected else outcome_of(status, expected)
            response.success()
            return OK


class AnonymousVisitor(Visitor):
    """Browses without an account: home, directory, a group, a thread, the
    idea box, events near a postcode, a search."""

    weight = 3
    reads = PLAN["reads"]

    @task(3)
    def home(self) -> None:
        self.send("anonymous: home", self.reads["home"])

    @task(2)
    def directory(self) -> None:
        self.send("anonymous: group directory", self.reads["directory"])

    @task(2)
    def group(self) -> None:
        self.send("anonymous: a group", self.reads["group"])

    @task(3)
    def thread(self) -> None:
        self.send("anonymous: a thread", self.reads["thread"])

    @task(2)
    def idea_box(self) -> None:
        self.send("anonymous: idea box", self.reads["idea box"])

    @task(1)
    def events_near(self) -> None:
        self.send("anonymous: events near postcode", self.reads["events near postcode"])

    @task(1)
    def search(self) -> None:
        self.send("anonymous: search", self.reads["search"])


class Member(Visitor):
    """A bench person, signed in: reads threads, replies, gives a thumbs up,
    supports ideas, answers events and reports the opening post; each
    support, RSVP, reaction and report at most once (then reads instead)."""

    weight = 2

    def on_start(self) -> None:
        person = next(_people)
        self.person_id = int(person["id"])
        csrf = PLAN["csrf"]
        # Fixed cookies, as a browser would send them: the jar could lose a
        # `Secure` cookie set again by the server over plain HTTP.
        self.headers = {
            "Cookie": f"sessionid={person['session']}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
        }
        self.ideas = list(PLAN["idea_ids"])
        self.events = list(PLAN["event_ids"])
        random.shuffle(self.ideas)
        random.shuffle(self.events)
        self.reacted = self.reported = False

    def write(self, kind: str, key: Any, path: str, data: dict[str, str]) -> None:
        ledger.sent(kind, key)
        ledger.answered(kind, key, self.send(f"member: {kind}", path, data=data, expected=REDIRECT))

    @task(4)
    def read_thread(self) -> None:
        self.send("member: a thread", PLAN["reads"]["thread"])

    @task(2)
    def read_bench_thread(self) -> None:
        self.send("member: bench thread", PLAN["reads"]["bench thread"])

    @task(2)
    def home(self) -> None:
        self.send("member: home", PLAN["reads"]["home"])

    @task(2)
    def reply(self) -> None:
        number = next(_reply_numbers)
        text = f"Charge {PLAN['run_id']} n° {number}."
        self.write("reply", number, f"/discussions/{PLAN['thread_id']}/repondre/", {"body": text})

    @task(2)
    def react(self) -> None:
        if self.reacted:
            return self.read_bench_thread()
        self.reacted = True
        post = PLAN["opening_post_id"]
        self.write("reaction", self.person_id, f"/messages/{post}/pouce/", {})
        return None

    @task(2)
    def support(self) -> None:
        if not self.ideas:
            return self.read_thread()
        idea = self.ideas.pop()
        self.write("support", (idea, self.person_id), f"/idees/idee/{idea}/soutien/", {})
        return None

    @task(1)
    def rsvp(self) -> None:
        if not self.events:
            return self.home()
        event = self.events.pop()
        path = f"/evenements/{event}/reponse/"
        self.write("rsvp", (event, self.person_id), path, {"status": "going"})
        return None

    @task(1)
    def report(self) -> None:
        if self.reported or PLAN["report_article"] is None:
            return self.read_thread()
        self.reported = True
        post = PLAN["opening_post_id"]
        data = {"article": str(PLAN["report_article"]), "comment": f"Charge {PLAN['run_id']}"}
        self.write("report", self.person_id, f"/moderation/signaler/post/{post}/", data)
        return None


_written = False


@events.quitting.add_listener
def write_result(**_kwargs: Any) -> None:
    """What the run saw, for `manage.py loadtest` to check and report."""
    global _written
    if _written:
        return
    _written = True
    result = {
        "ledger": ledger.as_dict(),
        "latencies_ms": latencies,
        "statuses": {name: {str(s): n for s, n in c.items()} for name, c in statuses.items()},
        "errors": errors,
        "failures": failures,
        "per_host": dict(per_host),
    }
    RESULT.write_text(json.dumps(result))
