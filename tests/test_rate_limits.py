"""Rate limits: sign-in, sign-up and password reset per address and per
email (allauth, settings.ACCOUNT_RATE_LIMITS), posting per account across the
whole platform (accounts/ratelimits.py); all kept in the cache, each refusal
saying what happened and when to try again."""

import pytest
from django.conf import settings
from django.urls import reverse

from membrane.accounts import ratelimits
from membrane.conversations.models import Post, Thread
from membrane.conversations.services import post_create, thread_create
from membrane.moderation.services import ModerationError
from membrane.spaces.models import Membership, Role
from membrane.spaces.services import group_create
from tests.api_helpers import send
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")
SIGNUP_URL = reverse("account_signup")
RESET_URL = reverse("account_reset_password")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies.load({"django_language": "en"})


def from_address(address):
    return {"REMOTE_ADDR": address}


# Sign-in, sign-up, reset ---------------------------------------------------------------


def test_every_limit_is_explicit_and_no_window_is_longer_than_the_429_page_says():
    limits = settings.ACCOUNT_RATE_LIMITS
    assert {"login", "login_failed", "signup", "reset_password"} <= set(limits)
    assert "/ip" in limits["signup"]
    assert "/key" in limits["login_failed"] and "/ip" in limits["login_failed"]
    assert "/key" in limits["reset_password"] and "/ip" in limits["reset_password"]
    for rates in limits.values():
        for rate in rates.split(","):
            _, window, _ = rate.split("/")
            seconds = {"s": 1, "m": 60, "h": 3600}[window[-1]] * int(window[:-1] or 1)
            assert seconds <= 10 * 60, rate


def test_failed_sign_ins_are_limited_per_email_even_with_the_right_password(client, supporter):
    for _ in range(5):
        client.post(LOGIN_URL, {"login": supporter.email, "password": "pas-le-bon-mot"})

    response = client.post(LOGIN_URL, {"login": supporter.email, "password": TEST_PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302


def test_the_failures_on_one_email_do_not_lock_another_person_out(client, supporter, member):
    for _ in range(5):
        client.post(LOGIN_URL, {"login": supporter.email, "password": "pas-le-bon-mot"})

    response = client.post(LOGIN_URL, {"login": member.email, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200


def test_sign_ups_are_limited_per_address_with_a_clear_page(client, charter):
    for _ in range(20):
        assert client.post(SIGNUP_URL, {}, **from_address("203.0.113.7")).status_code == 200

    refused = client.post(SIGNUP_URL, {}, **from_address("203.0.113.7"))
    elsewhere = client.post(SIGNUP_URL, {}, **from_address("198.51.100.9"))

    assert refused.status_code == 429
    content = refused.content.decode()
    assert "Too many attempts" in content
    assert "Wait 10 minutes at most, then try again." in content
    assert elsewhere.status_code == 200


def test_password_resets_are_limited_per_email(client, supporter, member):
    statuses = [client.post(RESET_URL, {"email": supporter.email}).status_code for _ in range(4)]
    other = client.post(RESET_URL, {"email": member.email})

    assert statuses == [302, 302, 302, 429]
    assert other.status_code == 302


def test_the_limits_live_in_the_cache(client, supporter):
    """Clearing the cache (a new window) lets the person try again."""
    from django.core.cache import cache

    for _ in range(4):
        client.post(RESET_URL, {"email": supporter.email})
    cache.clear()

    assert client.post(RESET_URL, {"email": supporter.email}).status_code == 302


# Posting -------------------------------------------------------------------------------


@pytest.fixture
def posting_limit(settings):
    settings.POSTING_RATE_LIMIT = 3
    settings.POSTING_RATE_WINDOW = 600


@pytest.fixture
def clock(monkeypatch):
    """The posting limit's clock, at the start of a window, moved by hand."""

    class Clock:
        now = 1_800_000_000.0  # a multiple of 600: a window starts here

        def time(self):
            return self.now

    fake = Clock()
    monkeypatch.setattr(ratelimits.time, "time", fake.time)
    return fake


@pytest.fixture
def groups(member, supporter):
    first = group_create(creator=member, name="Services publics")
    second = group_create(creator=member, name="Transports")
    for group in (first, second):
        Membership.objects.create(space=group, user=supporter, role=Role.MEMBER)
    return first, second


@pytest.fixture
def thread(groups, member):
    return thread_create(author=member, space=groups[0], title="La Poste", body="Qui vient ?")


def test_posting_is_limited_per_account_across_every_space(
    posting_limit, clock, groups, thread, supporter
):
    post_create(author=supporter, thread=thread, body="Un")
    thread_create(author=supporter, space=groups[1], title="Bus", body="Deux")
    post_create(author=supporter, thread=thread, body="Trois")

    with pytest.raises(ModerationError) as refusal:
        thread_create(author=supporter, space=groups[1], title="Tram", body="Quatre")

    assert refusal.value.status == 429
    assert "Try again in 10 minutes" in refusal.value.message
    assert not Thread.objects.filter(title="Tram").exists()


def test_the_limit_is_per_account(posting_limit, clock, thread, supporter, member):
    for number in range(3):
        post_create(author=supporter, thread=thread, body=f"Message {number}")

    post = post_create(author=member, thread=thread, body="Moi, je peux encore")

    assert post.pk is not None


def test_the_next_window_accepts_posts_again_and_refusals_do_not_count(
    posting_limit, clock, thread, supporter
):
    for number in range(3):
        post_create(author=supporter, thread=thread, body=f"Message {number}")
    clock.now += 9 * 60
    for _ in range(5):
        with pytest.raises(ModerationError) as refusal:
            post_create(author=supporter, thread=thread, body="Refusé")
    assert "Try again in 1 minute." in refusal.value.message

    clock.now += 60
    post_create(author=supporter, thread=thread, body="Nouvelle fenêtre")

    assert Post.objects.filter(body="Nouvelle fenêtre").exists()
    assert not Post.objects.filter(body="Refusé").exists()


def test_over_the_limit_the_reply_page_answers_429_and_keeps_the_text(
    client, posting_limit, clock, thread, supporter
):
    for number in range(3):
        post_create(author=supporter, thread=thread, body=f"Message {number}")
    client.force_login(supporter)

    response = client.post(
        reverse("conversations:reply", args=[thread.pk]), {"body": "Mon texte gardé"}
    )

    assert response.status_code == 429
    content = response.content.decode()
    assert "You have written 3 messages in a short time" in content
    assert "Mon texte gardé" in content
    assert not Post.objects.filter(body="Mon texte gardé").exists()


def test_over_the_limit_the_new_thread_page_keeps_title_and_text(
    client, posting_limit, clock, groups, thread, supporter
):
    for number in range(3):
        post_create(author=supporter, thread=thread, body=f"Message {number}")
    client.force_login(supporter)

    response = client.post(
        reverse("conversations:thread_create", args=[groups[1].slug]),
        {"title": "Titre gardé", "body": "Corps gardé"},
    )

    assert response.status_code == 429
    content = response.content.decode()
    assert "Titre gardé" in content and "Corps gardé" in content


def test_over_the_limit_the_api_answers_429(client, posting_limit, clock, thread, supporter):
    for number in range(3):
        post_create(author=supporter, thread=thread, body=f"Message {number}")
    client.force_login(supporter)

    response = send(client, "post", f"/threads/{thread.pk}/posts", {"body": "Encore"})

    assert response.status_code == 429
    assert "Try again in 10 minutes" in response.json()["detail"]


def test_a_limit_of_zero_turns_the_posting_limit_off(settings, clock, thread, supporter):
    settings.POSTING_RATE_LIMIT = 0
    for number in range(12):
        post_create(author=supporter, thread=thread, body=f"Message {number}")

    assert Post.objects.filter(author=supporter).count() == 12
