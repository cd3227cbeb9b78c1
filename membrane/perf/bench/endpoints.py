"""The key pages and API endpoints of issue 8, as the benchmark drives them."""

import itertools
from collections.abc import Callable
from urllib.parse import quote, urlencode

from membrane.perf.bench.client import Endpoint, Request
from membrane.perf.bench.targets import Targets, WriteTargets

REDIRECT = frozenset({302, 303})
BARE_PATH = "/_perf/bare/"


def cookie_header(session: str | None, csrf: str | None = None) -> dict[str, str]:
    cookies = []
    if session:
        cookies.append(f"sessionid={session}")
    if csrf:
        cookies.append(f"csrftoken={csrf}")
    return {"Cookie": "; ".join(cookies)} if cookies else {}


def read_paths(t: Targets) -> list[tuple[str, str, str, bool]]:
    """(name, path, kind, anonymous too) of each page read."""
    q = quote(t.search_word)
    return [
        ("home", "/", "page", True),
        ("feed", "/fil/", "page", False),
        ("section", f"/sections/{t.section_slug}/", "page", True),
        ("largest group", f"/groupes/{t.group_slug}/", "page", True),
        ("thread, last page", f"/discussions/{t.thread_id}/?page=last", "page", True),
        ("group directory", "/groupes/", "page", True),
        ("idea box", f"/idees/{t.box_slug}/", "page", True),
        ("ideas report", "/idees/", "page", True),
        ("idea with comments", f"/idees/idee/{t.idea_id}/", "page", True),
        ("events near postcode", f"/evenements/?postcode={t.postcode}", "page", True),
        ("profile", f"/membres/{t.profile_id}/", "page", True),
        ("search", f"/recherche/?q={q}", "page", True),
        ("insights, largest group", f"/espaces/{t.group_slug}/participation/", "page", False),
        ("API feed", "/api/v1/feed", "api", False),
        ("API thread posts", f"/api/v1/threads/{t.thread_id}/posts", "api", True),
        ("API idea box ideas", f"/api/v1/idea-boxes/{t.box_slug}/ideas", "api", True),
        ("API events near postcode", f"/api/v1/events?postcode={t.postcode}", "api", True),
        ("API search", f"/api/v1/search?q={q}", "api", True),
    ]


def _get(path: str, headers: dict[str, str]) -> Callable[[int], Request]:
    request = Request("GET", path, headers)
    return lambda _index: request


def read_endpoints(t: Targets, reader_session: str) -> list[Endpoint]:
    endpoints = []
    signed_in = cookie_header(reader_session)
    for name, path, kind, anonymous in read_paths(t):
        if anonymous:
            endpoints.append(Endpoint(name, "anonymous", _get(path, {}), kind=kind))
        endpoints.append(Endpoint(name, "signed-in", _get(path, signed_in), kind=kind))
    return endpoints


def bare_endpoint() -> Endpoint:
    return Endpoint("bare Django view", "anonymous", _get(BARE_PATH, {}), kind="bare")


def _form_post(path: str, session: str, csrf: str, fields: dict[str, str]) -> Request:
    body = urlencode(fields).encode()
    headers = {
        **cookie_header(session, csrf),
        "X-CSRFToken": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return Request("POST", path, headers, body)


def write_endpoints(w: WriteTargets, csrf: str, run_id: str) -> list[Endpoint]:
    """A post (a new text each time, the next person each time), a support and
    an RSVP (each a new person and item pair, as many as there are pairs)."""
    people = w.sessions

    def post(i: int) -> Request:
        session = people[i % len(people)]
        body = f"Réponse n° {i} du banc d'essai {run_id}."
        return _form_post(f"/discussions/{w.thread_id}/repondre/", session, csrf, {"body": body})

    support_pairs = list(itertools.product(w.idea_ids, people))
    rsvp_pairs = list(itertools.product(w.event_ids, people))

    def support(i: int) -> Request:
        idea_id, session = support_pairs[i]
        return _form_post(f"/idees/idee/{idea_id}/soutien/", session, csrf, {})

    def rsvp(i: int) -> Request:
        event_id, session = rsvp_pairs[i]
        return _form_post(f"/evenements/{event_id}/reponse/", session, csrf, {"status": "going"})

    return [
        Endpoint("post a reply", "signed-in", post, REDIRECT, "write"),
        Endpoint("support an idea", "signed-in", support, REDIRECT, "write", len(support_pairs)),
        Endpoint("RSVP to an event", "signed-in", rsvp, REDIRECT, "write", len(rsvp_pairs)),
    ]
