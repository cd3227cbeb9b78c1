"""Who may report, decide, appeal, decide appeals and read what in
moderation: each rule over the matrix of personas, through the predicates of
moderation/permissions.py and then through the pages.

Personas: the territorial ones of conftest.py (all in the Section de Bègles
but the outsider animator, who animates a section of another federation),
staff, and three people of a public thematic group: a member, a moderator and
an animator. The reported content is written by `author`, who is in the
group and in the section and is no persona of the matrix."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from membrane.moderation.models import Action, ModerationState, Report, SpacePolicy
from membrane.moderation.permissions import (
    can_appeal,
    can_decide_appeal,
    can_moderate,
    can_moderate_in,
    can_report,
    can_see_audit,
    can_take,
    is_moderator_somewhere,
)
from membrane.moderation.selectors import queue
from membrane.moderation.services import appeal_create, decide
from membrane.spaces.models import Role
from membrane.spaces.services import territorial_space_ensure
from tests.moderation_factories import REASON, group_with, hide, person, reply_in, report
from tests.spaces_factories import MembershipFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "supporter",
    "member",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
    "group_member",
    "group_moderator",
    "group_animator",
]
SIGNED_IN = set(PERSONAS) - {"anonymous"}
GROUP_MODERATORS = {"group_moderator", "group_animator", "staff"}
SECTION_MODERATORS = {"section_animator", "federation_animator", "staff"}
# Who may read the section's (private, territorial) space.
SECTION_READERS = {"supporter", "member"} | SECTION_MODERATORS
MODERATORS = GROUP_MODERATORS | SECTION_MODERATORS | {"outsider_animator"}

GROUP_TEXT = "Réponse du groupe gq1"
SECTION_TEXT = "Réponse de section sq2"
BIO_TEXT = "Biographie signalée pq3"
GROUP_DESCRIPTION = "Groupe signalé dq4"


def row(allowed: set[str]) -> list[tuple[str, bool]]:
    return [(name, name in allowed) for name in PERSONAS]


@pytest.fixture
def group_people(charter):
    return {name: person(charter) for name in ("group_member", "group_moderator", "group_animator")}


@pytest.fixture
def persona(request, group_people):
    """The persona of this row of the matrix (None for anonymous)."""

    def get(name):
        if name == "anonymous":
            return None
        if name in group_people:
            return group_people[name]
        return request.getfixturevalue(name)

    return get


@pytest.fixture
def author(section, charter):
    return person(charter, section=section, display_name="Autrice Signalée", bio=BIO_TEXT)


@pytest.fixture
def group(group_people, author):
    group = group_with(
        moderator=group_people["group_moderator"],
        animator=group_people["group_animator"],
        name="Services publics",
        description=GROUP_DESCRIPTION,
    )
    MembershipFactory(space=group, user=group_people["group_member"], role=Role.MEMBER)
    MembershipFactory(space=group, user=author)
    return group


@pytest.fixture
def group_reply(group, author):
    return reply_in(group, author=author, body=GROUP_TEXT)


@pytest.fixture
def section_reply(section, author):
    return reply_in(territorial_space_ensure(section), author=author, body=SECTION_TEXT)


def as_user(someone):
    return AnonymousUser() if someone is None else someone


def client_for(client, someone):
    if someone is not None:
        client.force_login(someone)
    return client


def report_url(kind, content):
    return reverse("moderation:report", args=[kind, content.pk])


def decide_url(kind, content):
    return reverse("moderation:decide", args=[kind, content.pk])


def assert_login_asked(response):
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# Reporting


@pytest.mark.parametrize(("name", "allowed"), row(SIGNED_IN))
def test_everyone_signed_in_may_report_a_public_groups_reply(
    name, allowed, persona, group_reply, client
):
    someone = persona(name)

    assert can_report(as_user(someone), group_reply) is allowed
    response = client_for(client, someone).post(
        report_url("post", group_reply), {"article": "1", "comment": "Insulte."}
    )
    if someone is None:
        assert_login_asked(response)
    else:
        assert response.status_code == 302
    assert Report.objects.filter(reporter=someone, object_id=group_reply.pk).exists() is allowed


@pytest.mark.parametrize(("name", "allowed"), row(SECTION_READERS))
def test_only_who_reads_a_section_may_report_there(name, allowed, persona, section_reply, client):
    someone = persona(name)

    assert can_report(as_user(someone), section_reply) is allowed
    response = client_for(client, someone).get(report_url("post", section_reply))
    if someone is None:
        assert_login_asked(response)
    else:
        # The others do not learn that the reply exists.
        assert response.status_code == (200 if allowed else 404)


def test_nobody_reports_their_own_content(author, group_reply, client):
    assert can_report(author, group_reply) is False
    assert can_report(author, author) is False  # their profile

    response = client_for(client, author).post(
        report_url("post", group_reply), {"article": "1", "comment": "Moi-même."}
    )

    assert response.status_code == 403
    assert "what you wrote yourself" in response.text
    assert "Moi-même." in response.text  # kept
    assert not Report.objects.exists()


def test_hidden_content_is_no_longer_reportable(supporter, group_people, group_reply, client):
    hide(group_people["group_moderator"], group_reply)

    assert can_report(supporter, group_reply) is False
    response = client_for(client, supporter).get(report_url("post", group_reply))
    assert response.status_code == 403
    assert "already hidden" in response.text


@pytest.mark.parametrize(("name", "allowed"), row(SIGNED_IN))
def test_everyone_signed_in_may_report_a_profile_and_a_group(name, allowed, persona, author, group):
    someone = persona(name)

    assert can_report(as_user(someone), author) is allowed
    assert can_report(as_user(someone), group) is allowed


# Deciding


@pytest.mark.parametrize(("name", "allowed"), row(GROUP_MODERATORS))
def test_only_the_groups_moderators_and_staff_decide_on_its_content(
    name, allowed, persona, group_reply, client
):
    someone = persona(name)

    assert can_moderate(as_user(someone), group_reply) is allowed
    assert can_take(as_user(someone), group_reply, Action.HIDE) is allowed
    page = client_for(client, someone).get(decide_url("post", group_reply))
    response = client.post(
        decide_url("post", group_reply), {"action": "hide", "article": "1", "reason": REASON}
    )
    group_reply.refresh_from_db()
    if someone is None:
        assert_login_asked(page)
        assert_login_asked(response)
    else:
        assert page.status_code == (200 if allowed else 403)
        assert response.status_code == (302 if allowed else 403)
    hidden = group_reply.moderation_state == ModerationState.HIDDEN
    assert hidden is allowed


@pytest.mark.parametrize(("name", "allowed"), row(SECTION_MODERATORS))
def test_the_animators_of_a_section_and_above_decide_on_its_content(
    name, allowed, persona, section_reply, client
):
    someone = persona(name)

    assert can_moderate(as_user(someone), section_reply) is allowed
    response = client_for(client, someone).get(decide_url("post", section_reply))
    if someone is None:
        assert_login_asked(response)
    elif allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == (403 if name in SECTION_READERS else 404)


@pytest.mark.parametrize(("name", "allowed"), row({"staff"}))
def test_only_staff_decide_on_profiles_and_groups(name, allowed, persona, author, group, client):
    someone = persona(name)

    assert can_moderate(as_user(someone), author) is allowed
    assert can_moderate(as_user(someone), group) is allowed
    for kind, content in (("profile", author), ("group", group)):
        response = client_for(client, someone).get(decide_url(kind, content))
        if someone is None:
            assert_login_asked(response)
        else:
            assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize(("name", "allowed"), row({"staff"}))
def test_only_staff_ban(name, allowed, persona, group_reply, client):
    someone = persona(name)

    assert can_take(as_user(someone), group_reply, Action.BAN) is allowed
    if someone is None or name not in GROUP_MODERATORS:
        return
    page = client_for(client, someone).get(decide_url("post", group_reply))
    assert ("Ban the author from the platform" in page.text) is allowed
    response = client.post(
        decide_url("post", group_reply), {"action": "ban", "article": "1", "reason": REASON}
    )
    assert response.status_code == (302 if allowed else 400)
    group_reply.author.refresh_from_db()
    assert group_reply.author.is_active is not allowed


@pytest.mark.parametrize("action", [Action.DISMISS, Action.HIDE, Action.WARN, Action.MUTE])
@pytest.mark.parametrize(("name", "allowed"), row(GROUP_MODERATORS))
def test_the_groups_moderators_take_every_decision_but_a_ban(
    name, allowed, persona, group_reply, action
):
    assert can_take(as_user(persona(name)), group_reply, action) is allowed


@pytest.mark.parametrize(
    ("name", "offered"),
    [
        ("group_moderator", {"dismiss", "hide", "warn", "mute"}),
        ("group_animator", {"dismiss", "hide", "warn", "mute"}),
        ("staff", {"dismiss", "hide", "warn", "mute", "ban"}),
    ],
)
def test_the_decision_page_offers_the_decisions_one_may_take(
    name, offered, persona, group_reply, client
):
    response = client_for(client, persona(name)).get(decide_url("post", group_reply))

    choices = response.context["form"].fields["action"].choices
    assert {value for value, _label in choices} == offered


@pytest.mark.parametrize(("name", "allowed"), row(GROUP_MODERATORS))
def test_a_mute_needs_a_space_to_mute_in(name, allowed, persona, group_reply, author):
    someone = as_user(persona(name))

    assert can_take(someone, group_reply, Action.MUTE) is allowed
    assert can_take(someone, author, Action.MUTE) is False  # a profile has no space


def test_a_moderator_never_decides_on_their_own_content(group_people, group, client):
    moderator = group_people["group_moderator"]
    own = reply_in(group, author=moderator)

    assert can_moderate(moderator, own) is False
    response = client_for(client, moderator).post(
        decide_url("post", own), {"action": "hide", "article": "1", "reason": "Auto."}
    )
    assert response.status_code == 403
    assert "another moderator will" in response.text


# Appeals


@pytest.fixture
def hidden_by_group_moderator(group_people, group_reply):
    return hide(group_people["group_moderator"], group_reply)


@pytest.mark.parametrize(("name", "allowed"), row(set()))
def test_only_the_author_appeals(name, allowed, persona, author, hidden_by_group_moderator, client):
    someone = persona(name)
    url = reverse("moderation:appeal", args=[hidden_by_group_moderator.pk])

    assert can_appeal(as_user(someone), hidden_by_group_moderator) is allowed
    assert can_appeal(author, hidden_by_group_moderator) is True
    response = client_for(client, someone).post(url, {"text": "Je conteste."})
    if someone is None:
        assert_login_asked(response)
    else:
        assert response.status_code == 403
        assert "Only the author" in response.text
        assert "Je conteste." in response.text  # kept


# Not the group moderator: they took the first decision.
@pytest.mark.parametrize(("name", "allowed"), row({"group_animator", "staff"}))
def test_another_moderator_of_the_space_decides_the_appeal(
    name, allowed, persona, author, hidden_by_group_moderator, client
):
    appeal = appeal_create(author=author, decision=hidden_by_group_moderator, text="Ironie.")
    someone = persona(name)

    assert can_decide_appeal(as_user(someone), appeal) is allowed
    assert can_decide_appeal(author, appeal) is False
    response = client_for(client, someone).post(
        reverse("moderation:appeal_decide", args=[appeal.pk]),
        {"outcome": "overturn", "answer": "Ironie manifeste."},
    )
    appeal.refresh_from_db()
    if someone is None:
        assert_login_asked(response)
    else:
        assert response.status_code == (302 if allowed else 403)
    assert (appeal.status == "overturned") is allowed


def test_the_author_never_decides_their_own_appeal_even_as_a_moderator(group_people, group, staff):
    animator = group_people["group_animator"]
    own = reply_in(group, author=animator)
    decision = hide(staff, own)
    appeal = appeal_create(author=animator, decision=decision, text="Mon propre recours.")

    assert can_moderate_in(animator, group) is True
    assert can_decide_appeal(animator, appeal) is False


@pytest.mark.parametrize(("name", "allowed"), row({"staff"}))
def test_an_appeal_against_a_ban_goes_to_another_staff_member(
    name, allowed, persona, author, group_reply, charter
):
    banner = person(charter, is_staff=True)
    ban = decide(moderator=banner, content=group_reply, action=Action.BAN, article=1, reason=REASON)
    appeal = appeal_create(author=author, decision=ban, text="Erreur.")

    assert can_decide_appeal(as_user(persona(name)), appeal) is allowed
    assert can_decide_appeal(banner, appeal) is False


# Reading the queue, the log and the audit


@pytest.fixture
def everything_reported(supporter, member, author, group, group_reply, section_reply):
    """A group reply, a section reply, a profile and a group, each reported."""
    report(supporter, group_reply)
    report(member, section_reply)
    report(supporter, author)
    report(member, group)


SCOPES = {
    "group_moderator": {GROUP_TEXT},
    "group_animator": {GROUP_TEXT},
    "section_animator": {SECTION_TEXT},
    "federation_animator": {SECTION_TEXT},
    "outsider_animator": set(),
    "staff": {GROUP_TEXT, SECTION_TEXT, BIO_TEXT, GROUP_DESCRIPTION},
}


@pytest.mark.parametrize(("name", "allowed"), row(MODERATORS))
def test_each_moderator_reads_the_queue_of_their_own_spaces(
    name, allowed, persona, everything_reported, client
):
    someone = persona(name)

    assert is_moderator_somewhere(as_user(someone)) is allowed
    response = client_for(client, someone).get(reverse("moderation:queue"))
    if someone is None:
        assert_login_asked(response)
        return
    if not allowed:
        assert response.status_code == 403
        assert "for the moderators" in response.text
        return
    assert response.status_code == 200
    expected = SCOPES[name]
    excerpts = {item.excerpt for item in queue(someone)}
    for text in (GROUP_TEXT, SECTION_TEXT, BIO_TEXT, GROUP_DESCRIPTION):
        assert any(text in excerpt for excerpt in excerpts) is (text in expected)
        assert (text in response.text) is (text in expected)


@pytest.mark.parametrize(("name", "allowed"), row(MODERATORS))
def test_the_header_links_to_moderation_for_moderators_only(name, allowed, persona, group, client):
    someone = persona(name)

    response = client_for(client, someone).get(reverse("moderation:log"))

    assert response.status_code == 200
    assert (f'href="{reverse("moderation:queue")}"' in response.text) is allowed


@pytest.mark.parametrize(("name", "allowed"), row(set(PERSONAS)))
def test_everyone_reads_the_public_log(name, allowed, persona, hidden_by_group_moderator, client):
    response = client_for(client, persona(name)).get(reverse("moderation:log"))

    assert response.status_code == 200
    assert REASON in response.text
    assert GROUP_TEXT not in response.text


@pytest.mark.parametrize(("name", "allowed"), row({"staff"}))
def test_only_staff_read_the_audit(name, allowed, persona, hidden_by_group_moderator, client):
    someone = persona(name)

    assert can_see_audit(as_user(someone)) is allowed
    response = client_for(client, someone).get(reverse("moderation:audit"))
    if someone is None:
        assert_login_asked(response)
    else:
        assert response.status_code == (200 if allowed else 403)
        assert ("decision:hide" in response.text) is allowed


# Space rules


@pytest.mark.parametrize(("name", "allowed"), row(GROUP_MODERATORS))
def test_the_moderators_of_a_group_set_its_rules(name, allowed, persona, group, client):
    someone = persona(name)
    url = reverse("moderation:policy", args=[group.slug])

    assert can_moderate_in(as_user(someone), group) is allowed
    response = client_for(client, someone).post(
        url, {"premoderation": "on", "posts_per_hour": "5", "link_guard": "on"}
    )
    if someone is None:
        assert_login_asked(response)
    else:
        assert response.status_code == (302 if allowed else 403)
    assert SpacePolicy.objects.filter(space=group, premoderation=True).exists() is allowed


@pytest.mark.parametrize(("name", "allowed"), row(SECTION_MODERATORS))
def test_the_animators_of_a_section_and_above_set_its_rules(
    name, allowed, persona, section, client
):
    space = territorial_space_ensure(section)
    someone = persona(name)

    assert can_moderate_in(as_user(someone), space) is allowed
    response = client_for(client, someone).get(reverse("moderation:policy", args=[space.slug]))
    if someone is None:
        assert_login_asked(response)
    else:
        assert response.status_code == (200 if allowed else 403)
