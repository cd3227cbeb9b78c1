"""Sessions: the list of one's sessions and devices, ending one or all the
others, idle and absolute timeouts, and the sessions a new password or an
account deletion ends."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.services import account_delete
from membrane.security import services
from membrane.security.devices import summarise_user_agent, truncate_ip
from membrane.security.models import UserSession
from tests.api_helpers import bearer
from tests.factories import TEST_PASSWORD

SESSIONS_URL = reverse("security:sessions")
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


class Clock:
    """The timeouts' clock, moved by hand."""

    def __init__(self) -> None:
        self.moment = timezone.now()

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(services, "now", clock)
    return clock


def signed_in(user, *, user_agent: str = FIREFOX_LINUX, ip: str = "203.0.113.57") -> Client:
    """A browser of its own that signed in with the password form."""
    browser = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    response = browser.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return browser


def is_signed_in(browser: Client) -> bool:
    return SESSION_KEY in browser.session and (
        browser.get(reverse("accounts:home")).status_code == 200
    )


# -- Devices -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (FIREFOX_LINUX, ("Firefox", "Linux")),
        (SAFARI_IPHONE, ("Safari", "iOS")),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/130.0 Safari/537.36 Edg/130.0",
            ("Edge", "Windows"),
        ),
        ("curl/8.5", ("", "")),
    ],
)
def test_a_user_agent_is_summarised_to_a_browser_and_a_system(user_agent, expected):
    assert summarise_user_agent(user_agent) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("203.0.113.57", "203.0.113.0/24"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"),
        ("not an ip", ""),
    ],
)
def test_an_ip_is_cut_to_its_network(raw, expected):
    assert truncate_ip(raw) == expected


# -- The sessions page -------------------------------------------------------


def test_signing_in_records_the_session_with_a_coarse_device(supporter):
    browser = signed_in(supporter, user_agent=SAFARI_IPHONE)

    row = UserSession.objects.get(user=supporter)
    assert row.session_key == browser.session.session_key
    assert (row.browser, row.system, row.ip_prefix) == ("Safari", "iOS", "203.0.113.0/24")


def test_the_page_lists_only_my_sessions_and_marks_this_one(supporter, member):
    mine = signed_in(supporter)
    signed_in(supporter, user_agent=SAFARI_IPHONE)
    signed_in(member, user_agent=SAFARI_IPHONE, ip="198.51.100.9")

    response = mine.get(SESSIONS_URL)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    sessions = response.context["sessions"]
    assert {s.user_id for s in sessions} == {supporter.pk}
    assert len(sessions) == 2
    assert [s.is_current for s in sessions].count(True) == 1
    content = response.content.decode()
    assert "198.51.100.0/24" not in content
    assert "this session" in content


def test_the_sessions_page_needs_to_be_signed_in(client):
    response = client.get(SESSIONS_URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_logging_out_everywhere_else_really_ends_the_other_browsers_sessions(supporter):
    laptop = signed_in(supporter)
    phone = signed_in(supporter, user_agent=SAFARI_IPHONE)
    phone_key = phone.session.session_key
    assert is_signed_in(phone)

    response = laptop.post(reverse("security:sessions_end_others"), follow=True)

    assert "1 other session has been ended." in response.content.decode()
    assert not is_signed_in(phone)
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert is_signed_in(laptop)
    assert list(
        UserSession.objects.filter(user=supporter).values_list("session_key", flat=True)
    ) == [laptop.session.session_key]


def test_ending_one_session_ends_that_one_only(supporter):
    laptop = signed_in(supporter)
    phone = signed_in(supporter, user_agent=SAFARI_IPHONE)
    tablet = signed_in(supporter, user_agent=SAFARI_IPHONE)
    row = UserSession.objects.get(session_key=phone.session.session_key)

    response = laptop.post(reverse("security:session_end", args=[row.pk]))

    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert is_signed_in(tablet)
    assert is_signed_in(laptop)


def test_another_persons_session_is_not_found(supporter, member):
    mine = signed_in(supporter)
    theirs = signed_in(member)
    row = UserSession.objects.get(user=member)

    response = mine.post(reverse("security:session_end", args=[row.pk]))

    assert response.status_code == 404
    assert is_signed_in(theirs)


def test_ending_this_very_session_logs_out(supporter):
    browser = signed_in(supporter)
    row = UserSession.objects.get(session_key=browser.session.session_key)

    browser.post(reverse("security:session_end", args=[row.pk]))

    assert not is_signed_in(browser)
    assert not UserSession.objects.filter(pk=row.pk).exists()


def test_logging_out_forgets_the_session(supporter):
    browser = signed_in(supporter)
    browser.post(reverse("account_logout"))
    assert not UserSession.objects.filter(user=supporter).exists()


# -- Timeouts ----------------------------------------------------------------


def test_an_idle_session_is_ended_with_a_message(supporter, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 3600
    browser = signed_in(supporter)
    clock.advance(minutes=59)
    assert is_signed_in(browser)

    clock.advance(minutes=61)
    response = browser.get(reverse("accounts:home"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert "Your session has expired: please sign in again." in response.content.decode()
    assert SESSION_KEY not in browser.session
    assert not UserSession.objects.filter(user=supporter).exists()


def test_an_active_session_still_ends_at_the_absolute_timeout(supporter, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 3600
    settings.SESSION_ABSOLUTE_TIMEOUT = 3 * 3600
    browser = signed_in(supporter)
    for _step in range(3):
        # Seen every 50 minutes: never idle.
        clock.advance(minutes=50)
        assert is_signed_in(browser)
    clock.advance(minutes=40)  # 3 h 10 min after signing in

    assert not is_signed_in(browser)


def test_last_seen_is_written_at_most_once_a_minute(supporter, clock):
    browser = signed_in(supporter)
    row = UserSession.objects.get(user=supporter)
    clock.advance(seconds=30)
    browser.get(reverse("accounts:home"))
    assert UserSession.objects.get(pk=row.pk).last_seen_at == row.last_seen_at

    clock.advance(seconds=40)
    browser.get(reverse("accounts:home"))
    assert UserSession.objects.get(pk=row.pk).last_seen_at == clock.moment


# -- Password change and deletion --------------------------------------------


def test_a_password_change_ends_the_other_sessions_but_not_this_one(supporter):
    laptop = signed_in(supporter)
    phone = signed_in(supporter, user_agent=SAFARI_IPHONE)

    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "encore-une-autre-phrase-99",
            "password2": "encore-une-autre-phrase-99",
        },
    )

    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert list(
        UserSession.objects.filter(user=supporter).values_list("session_key", flat=True)
    ) == [laptop.session.session_key]


@pytest.mark.parametrize("keep_contributions", [True, False])
def test_deleting_the_account_ends_all_its_sessions(supporter, keep_contributions):
    laptop = signed_in(supporter)
    phone = signed_in(supporter, user_agent=SAFARI_IPHONE)
    keys = [laptop.session.session_key, phone.session.session_key]

    account_delete(user=supporter, keep_contributions=keep_contributions)

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(session_key__in=keys).exists()
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)


def test_the_export_lists_the_sessions(supporter):
    from membrane.core.privacy import export_personal_data

    signed_in(supporter, user_agent=SAFARI_IPHONE)
    sessions = export_personal_data(supporter)["security"]["sessions"]
    assert [(s["browser"], s["system"], s["ip_network"]) for s in sessions] == [
        ("Safari", "iOS", "203.0.113.0/24")
    ]


# -- API ---------------------------------------------------------------------


def test_the_api_lists_my_sessions_and_ends_one(supporter, member):
    from membrane.accounts.tokens import access_token_create

    phone = signed_in(supporter, user_agent=SAFARI_IPHONE)
    signed_in(member)
    _token, raw = access_token_create(user=supporter, name="script")
    api = Client(headers=bearer(raw))

    listed = api.get("/api/v1/me/sessions").json()

    assert [(s["browser"], s["current"]) for s in listed] == [("Safari", False)]
    assert api.delete(f"/api/v1/me/sessions/{listed[0]['id']}").status_code == 204
    assert not is_signed_in(phone)


def test_the_api_refuses_to_end_another_persons_session(supporter, member):
    from membrane.accounts.tokens import access_token_create

    theirs = signed_in(member)
    row = UserSession.objects.get(user=member)
    _token, raw = access_token_create(user=supporter, name="script")

    response = Client(headers=bearer(raw)).delete(f"/api/v1/me/sessions/{row.pk}")

    assert response.status_code == 404
    assert is_signed_in(theirs)


def test_an_anonymous_api_call_is_refused(db):
    assert Client().get("/api/v1/me/sessions").status_code == 401
