"""The authorisation matrix, deny by default: every URL name and every API
operation has a declared rule (tests/authorization_rules.py), and the rule
is checked with every persona — anonymous, banned (a deactivated account),
supporter, member, animator of this section, animator of another section,
group moderator, staff — on objects of their own and of others, public and
private. A new URL or operation without a rule fails this suite."""

import re
import secrets

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from membrane.accounts.tokens import access_token_create
from membrane.api.api import api
from membrane.spaces.models import Role, Space
from tests import authorization_rules as rules
from tests.spaces_factories import GroupFactory, MembershipFactory, PostFactory, ThreadFactory

PERSONAS = [
    "anonymous",
    "banned",
    "supporter",
    "member",
    "section_animator",
    "outsider_animator",
    "federation_animator",
    "group_moderator",
    "staff",
]
OK, LOGIN, DENY, NOT_ALLOWED, NOT_FOUND = "ok", "login", "deny", "405", "404"
REAUTHENTICATE, REDIRECTED = "reauthenticate", "redirected"


def _allowed(persona: str, access: str) -> str:
    """What a GET answers `persona` on a page of class `access`."""
    if access == rules.PUBLIC:
        return OK
    if access == rules.REDIRECT:
        return REDIRECTED
    if persona in ("anonymous", "banned"):
        return LOGIN
    if access == rules.POST_ONLY:
        return NOT_ALLOWED
    if access == rules.REAUTH:
        return REAUTHENTICATE
    granted = {
        rules.SIGNED_IN: set(PERSONAS),
        rules.ANIMATOR: {"section_animator", "outsider_animator", "federation_animator", "staff"},
        rules.FEDERATION: {"federation_animator", "staff"},
        rules.MODERATOR: {
            "section_animator",
            "outsider_animator",
            "federation_animator",
            "group_moderator",
            "staff",
        },
        rules.STAFF: {"staff"},
    }[access]
    return OK if persona in granted else DENY


def outcome(response) -> str:
    status = response.status_code
    if status == 200:
        return OK
    if status == 302 and "/accounts/login/" in response.url:
        return LOGIN
    if status == 302 and "/accounts/reauthenticate/" in response.url:
        return REAUTHENTICATE
    if status == 302:
        return REDIRECTED
    if status in (403, 404):
        return DENY if status == 403 else NOT_FOUND
    if status == 405:
        return NOT_ALLOWED
    return f"{status} {response.get('Location', '')}"


def matches(expected: str, got: str) -> bool:
    # Refusing by "not found" is as good as "forbidden": it hides existence;
    # so is sending the person elsewhere (to the group's presentation).
    if expected == DENY:
        return got in (DENY, NOT_FOUND, REDIRECTED)
    if expected == NOT_ALLOWED:
        return got in (NOT_ALLOWED, LOGIN)
    # Staff and animators' pages may hide themselves from anonymous people.
    if expected == LOGIN:
        return got in (LOGIN, NOT_FOUND, REDIRECTED)
    return expected == got


def url_names() -> tuple[dict[str, str], set[str]]:
    """Every named URL (namespaced) with its route, and every unnamed route
    outside the admin."""
    names: dict[str, str] = {}
    unnamed: set[str] = set()

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if route.startswith("admin/"):
                    continue  # the admin site: ADMIN, staff only
                if entry.name is None:
                    unnamed.add(route)
                else:
                    names[f"{namespace}:{entry.name}" if namespace else entry.name] = route

    walk(get_resolver(), "", None)
    return names, unnamed


def api_operations() -> dict[str, tuple[str, str]]:
    """operationId (without the module prefix) -> (method, path)."""
    schema = api.get_openapi_schema()
    found = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            found[operation["operationId"].removeprefix("membrane_api_")] = (method, path)
    return found


# -- Deny by default: nothing without a rule -----------------------------------


def test_every_url_has_a_declared_rule():
    routes, unnamed = url_names()
    names = set(routes)
    ninja = {name for name in names if name.startswith("api:")} - set(rules.PAGES)
    pages = names - ninja

    undeclared = sorted(pages - set(rules.PAGES) - rules.ALLAUTH_NAMES)
    stale = sorted(set(rules.PAGES) - names)

    assert not undeclared, f"URL names without a rule in tests/authorization_rules.py: {undeclared}"
    assert not unnamed, f"Unnamed routes cannot be given a rule; name them: {sorted(unnamed)}"
    assert not stale, f"Rules for URL names that no longer exist: {stale}"


def test_every_api_operation_has_a_declared_rule():
    operations = set(api_operations())

    undeclared = sorted(operations - set(rules.OPERATIONS))
    stale = sorted(set(rules.OPERATIONS) - operations)

    assert not undeclared, f"API operations without a rule: {undeclared}"
    assert not stale, f"Rules for API operations that no longer exist: {stale}"


def test_only_the_territory_reference_answers_the_api_without_a_token():
    schema = api.get_openapi_schema()
    public = {
        operation["operationId"].removeprefix("membrane_api_")
        for operations in schema["paths"].values()
        for operation in operations.values()
        if not operation.get("security")
    }

    assert public == {name for name, rule in rules.OPERATIONS.items() if rule == rules.PUBLIC}


# -- The world: objects of one's own and of others, public and private --------


@pytest.fixture(autouse=True)
def _no_totp_prompt(settings):
    # Two-factor enrolment has its own tests; here staff and moderators are
    # taken as enrolled so that the rule behind the page is what answers.
    settings.MFA_REQUIRED_FOR_MODERATORS = False


@pytest.fixture
def world(
    db,
    supporter,
    member,
    section_animator,
    outsider_animator,
    federation_animator,
    staff,
    charter,
    section,
    federation,
):
    from tests.factories import UserFactory

    private = GroupFactory(slug="prive", visibility=Space.Visibility.PRIVATE)
    public = GroupFactory(slug="ouvert")
    group_moderator = UserFactory(charter_version_accepted=charter.number)
    MembershipFactory(space=private, user=member, role=Role.MEMBER)
    MembershipFactory(space=private, user=group_moderator, role=Role.MODERATOR)
    private_thread = ThreadFactory(space=private, author=member, title="Stratégie interne")
    private_post = PostFactory(thread=private_thread, author=member)
    public_thread = ThreadFactory(space=public, author=supporter)
    public_post = PostFactory(thread=public_thread, author=supporter)
    return {
        "anonymous": None,
        "banned": UserFactory(is_active=False, charter_version_accepted=charter.number),
        "supporter": supporter,
        "member": member,
        "section_animator": section_animator,
        "outsider_animator": outsider_animator,
        "federation_animator": federation_animator,
        "group_moderator": group_moderator,
        "staff": staff,
        "private": private,
        "public": public,
        "private_thread": private_thread,
        "private_post": private_post,
        "public_thread": public_thread,
        "public_post": public_post,
        "section": section,
        "federation": federation,
    }


def client_of(world, persona: str) -> Client:
    client = Client()
    user = world[persona]
    if user is not None:
        client.force_login(user)
    return client


# -- Pages without an object: every class, every persona -----------------------

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def placeholder_url(name: str) -> str:
    """The URL with placeholder arguments: a POST-only action answers a GET
    before looking its object up."""
    route = url_names()[0][name]
    kwargs = {
        parameter: 1 if converter == "int" else "x"
        for converter, parameter in PARAMETER.findall(route)
    }
    return reverse(name, kwargs=kwargs)


WITHOUT_ARGUMENTS = sorted(
    name
    for name, access in rules.PAGES.items()
    if access not in (rules.OBJECT, rules.TOKEN) and not name.startswith("api:")
)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_without_an_object_answers_as_its_rule_says(world, persona):
    client = client_of(world, persona)
    wrong = []
    for name in WITHOUT_ARGUMENTS:
        access = rules.PAGES[name]
        url = placeholder_url(name)
        got = outcome(client.get(url))
        expected = _allowed(persona, access)
        if not matches(expected, got):
            wrong.append(f"{persona} on {name} ({access}): expected {expected}, got {got}")

    assert not wrong, "\n".join(wrong)


# -- Objects of one's own and of others, public and private ---------------------

# Who reads a private group's pages: its members and moderators, and staff.
PRIVATE_READERS = {"member", "group_moderator", "staff"}
SIGNED_IN_PERSONAS = set(PERSONAS) - {"anonymous", "banned"}


def _private(persona: str) -> str:
    if persona in PRIVATE_READERS:
        return OK
    return LOGIN if persona in ("anonymous", "banned") else DENY


def _private_redirect(persona: str) -> str:
    """A reader is sent on to the page it belongs to; others are refused
    (being sent back to the group's presentation is a refusal too)."""
    if persona in PRIVATE_READERS:
        return REDIRECTED
    return LOGIN if persona in ("anonymous", "banned") else DENY


def _public(persona: str) -> str:
    return OK


def _signed_in(persona: str) -> str:
    return OK if persona in SIGNED_IN_PERSONAS else LOGIN


# (URL name, kwargs built from the world, who gets what)
OBJECT_WALKS = [
    # A private group presents itself (name, description, how to join) to
    # everyone; its conversations, members and polls are for its members.
    ("spaces:group", lambda w: {"slug": w["private"].slug}, _public),
    ("spaces:members", lambda w: {"slug": w["private"].slug}, _private),
    ("conversations:thread", lambda w: {"thread_id": w["private_thread"].pk}, _private),
    ("conversations:post", lambda w: {"post_id": w["private_post"].pk}, _private_redirect),
    ("polls:list", lambda w: {"slug": w["private"].slug}, _private),
    # Events of a private group are announced publicly (events:list too).
    ("events:space", lambda w: {"slug": w["private"].slug}, _public),
    ("spaces:group", lambda w: {"slug": w["public"].slug}, _public),
    ("conversations:thread", lambda w: {"thread_id": w["public_thread"].pk}, _public),
    ("territory:section", lambda w: {"slug": w["section"].slug}, _public),
    ("territory:federation", lambda w: {"code": w["federation"].code}, _public),
    ("charter:version", lambda w: {"number": 1}, _public),
    (
        "conversations:post_edit",
        lambda w: {"post_id": w["private_post"].pk},
        # Only its author (member) edits a post; moderators and staff do
        # not rewrite others' words (they hide them).
        lambda p: OK if p == "member" else (LOGIN if p in ("anonymous", "banned") else DENY),
    ),
    (
        "spaces:group_edit",
        lambda w: {"slug": w["private"].slug},
        lambda p: OK if p == "staff" else (LOGIN if p in ("anonymous", "banned") else DENY),
    ),
    (
        "spaces:requests",
        lambda w: {"slug": w["private"].slug},
        lambda p: OK if p == "staff" else (LOGIN if p in ("anonymous", "banned") else DENY),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_object_page_answers_each_persona_as_declared(world, persona):
    client = client_of(world, persona)
    wrong = []
    for name, kwargs, rule in OBJECT_WALKS:
        assert rules.PAGES[name] == rules.OBJECT, name
        got = outcome(client.get(reverse(name, kwargs=kwargs(world))))
        if not matches(rule(persona), got):
            wrong.append(
                f"{persona} on {name} {kwargs(world)}: expected {rule(persona)}, got {got}"
            )

    assert not wrong, "\n".join(wrong)


def test_a_random_secret_in_a_link_is_never_found(world):
    """Links reached by a secret (data export, calendar feed, invitation)
    answer 404 to a guessed one, whoever asks."""
    for persona in ("anonymous", "supporter", "staff"):
        client = client_of(world, persona)
        for _ in range(5):
            guess = secrets.token_urlsafe(32)
            export = client.get(reverse("accounts:data_export_download", args=[guess]))
            feed = client.get(reverse("events:feed", args=[guess]))
            assert outcome(export) in (LOGIN, NOT_FOUND), persona
            assert feed.status_code == 404, persona


# -- A handful of writes on others' objects -------------------------------------


def test_nobody_but_its_author_edits_a_post_by_post(world):
    post = world["private_post"]
    url = reverse("conversations:post_edit", args=[post.pk])
    for persona in ("supporter", "outsider_animator", "group_moderator", "staff"):
        response = client_of(world, persona).post(url, {"body": "Réécrit par un autre."})
        assert outcome(response) in (DENY, NOT_FOUND), persona
    post.refresh_from_db()
    assert "Réécrit" not in post.body


def test_a_supporter_cannot_verify_a_membership_nor_change_a_role(world):
    client = client_of(world, "supporter")
    member = world["member"]

    verify = client.post(reverse("accounts:membership_verify", args=[member.pk]))
    role = client.post(
        reverse("spaces:member_role", args=[world["private"].slug, member.pk]),
        {"role": Role.ANIMATOR},
    )

    assert outcome(verify) in (DENY, NOT_FOUND)
    assert outcome(role) in (DENY, NOT_FOUND)
    assert world["private"].memberships.get(user=member).role == Role.MEMBER


def test_an_outsider_cannot_reply_in_a_private_group(world):
    url = reverse("conversations:reply", args=[world["private_thread"].pk])
    before = world["private_thread"].posts.count()

    response = client_of(world, "outsider_animator").post(url, {"body": "Intrusion"})

    assert outcome(response) in (DENY, NOT_FOUND)
    assert world["private_thread"].posts.count() == before


# -- The API: no token, a token of each persona, objects public and private -----

API_ROOT = "/api/v1"


def api_client(world, persona: str) -> tuple[Client, dict[str, str]]:
    user = world[persona]
    if user is None:
        return Client(), {}
    _token, raw = access_token_create(user=user, name="matrix")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


GET_WITHOUT_PARAMETERS = sorted(
    (name, path)
    for name, (method, path) in api_operations().items()
    if method == "get" and "{" not in path
)


@pytest.mark.parametrize("persona", ["anonymous", "banned", "supporter", "staff"])
def test_each_api_read_without_parameters_answers_as_declared(world, persona):
    client, headers = api_client(world, persona)
    wrong = []
    for name, path in GET_WITHOUT_PARAMETERS:
        response = client.get(path, rules.REQUIRED_QUERY.get(name, {}), **headers)
        rule = rules.OPERATIONS[name]
        if rule == rules.PUBLIC or (persona != "banned" and name in rules.OPTIONAL_OPERATIONS):
            expected = {200}
        elif persona in ("anonymous", "banned"):
            # A deactivated account's token is refused like a wrong one.
            expected = {401}
        elif name in rules.STAFF_OPERATIONS | rules.MODERATOR_OPERATIONS and persona != "staff":
            expected = {403, 404}
        else:
            expected = {200}
        if response.status_code not in expected:
            wrong.append(f"{persona} on {name}: expected {expected}, got {response.status_code}")

    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("persona", PERSONAS)
def test_private_objects_in_the_api_answer_only_their_readers(world, persona):
    client, headers = api_client(world, persona)
    paths = [
        f"{API_ROOT}/spaces/{world['private'].slug}/threads",
        f"{API_ROOT}/threads/{world['private_thread'].pk}",
        f"{API_ROOT}/threads/{world['private_thread'].pk}/posts",
        f"{API_ROOT}/posts/{world['private_post'].pk}/revisions",
    ]
    for path in paths:
        status = client.get(path, **headers).status_code
        if persona in ("anonymous", "banned"):
            assert status in (401, 404), (persona, path, status)
        elif persona in PRIVATE_READERS:
            assert status == 200, (persona, path, status)
        else:
            assert status in (403, 404), (persona, path, status)


def test_no_one_else_changes_a_post_through_the_api(world):
    post = world["private_post"]
    for persona in ("supporter", "outsider_animator", "group_moderator", "staff"):
        client, headers = api_client(world, persona)
        response = client.patch(
            f"{API_ROOT}/posts/{post.pk}",
            data='{"body": "Réécrit"}',
            content_type="application/json",
            **headers,
        )
        assert response.status_code in (403, 404), (persona, response.status_code)
    post.refresh_from_db()
    assert "Réécrit" not in post.body
