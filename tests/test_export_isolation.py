"""The personal data export reaches its owner and no one else: built by the
worker, linked by a random single-use token, valid 24 hours, usable only by
its owner signed in; erasure removes pending exports. Many rounds with random
people, ids and tokens prove that no export ever reaches another person."""

import json
import random
import re
import secrets
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.exports import (
    data_export_build,
    data_export_request,
    data_exports_purge,
    export_token_hash,
)
from membrane.accounts.models import DataExport
from membrane.accounts.services import account_delete
from membrane.accounts.tasks import build_data_export, purge_data_exports
from tests.export_helpers import export_downloaded, export_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def download(client, raw):
    return client.get(reverse("accounts:data_export_download", args=[raw]))


def test_asking_for_an_export_builds_nothing_in_the_request(client, supporter):
    """The page only records the request; the file is the worker's job."""
    client.force_login(supporter)

    response = client.post(reverse("accounts:data_export"))

    assert response.status_code == 302
    export = DataExport.objects.get(user=supporter)
    assert (export.ready_at, export.payload, export.token_hash) == (None, "", "")


def test_the_page_says_an_export_is_being_prepared(client, supporter):
    client.force_login(supporter)
    client.post(reverse("accounts:data_export"))

    page = client.get(reverse("accounts:data_export")).content.decode()

    assert "An export is being prepared" in page
    assert "Prepare my export" in page


def test_asking_twice_while_building_makes_one_export(supporter):
    first = data_export_request(user=supporter)
    second = data_export_request(user=supporter)

    assert first.pk == second.pk
    assert DataExport.objects.filter(user=supporter).count() == 1


def test_the_worker_task_builds_the_export_and_stores_only_the_tokens_hash(supporter):
    export = data_export_request(user=supporter)

    assert build_data_export.call(export.pk) == "built"

    export.refresh_from_db()
    assert json.loads(export.payload)["accounts"]["email"] == supporter.email
    assert len(export.token_hash) == 64
    assert export.expires_at - export.ready_at == timedelta(hours=24)
    assert build_data_export.call(export.pk) == "skipped"  # built once, never twice


def test_the_owner_downloads_the_export_once(client, supporter):
    raw = export_token(client, supporter)

    first = download(client, raw)
    second = download(client, raw)

    assert first.status_code == 200
    assert json.loads(first.content)["accounts"]["email"] == supporter.email
    assert first["Cache-Control"].count("no-store") == 1
    assert second.status_code == 404
    assert DataExport.objects.get(user=supporter).payload == ""


def test_the_link_needs_its_owner_signed_in(client, supporter, member):
    raw = export_token(client, supporter)

    client.logout()
    anonymous = download(client, raw)
    client.force_login(member)
    other = download(client, raw)

    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("account_login"))
    assert other.status_code == 404
    # Neither attempt used up the owner's link.
    client.force_login(supporter)
    assert download(client, raw).status_code == 200


def test_an_expired_link_is_dead(client, supporter):
    raw = export_token(client, supporter)
    DataExport.objects.filter(user=supporter).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert download(client, raw).status_code == 404


def test_expired_exports_are_purged(client, supporter, member):
    export_token(client, supporter)
    export_token(Client(), member)
    DataExport.objects.filter(user=supporter).update(expires_at=timezone.now())

    assert data_exports_purge() == 1
    assert list(DataExport.objects.values_list("user", flat=True)) == [member.pk]


def test_the_daily_command_deletes_expired_exports_and_keeps_the_others(
    client, supporter, member, member_to_verify, staff
):
    """Expired ones go, downloaded or not; one within its 24 hours and one
    still being built stay."""
    export_downloaded(client, supporter)
    export_token(Client(), member)
    export_token(Client(), member_to_verify)
    pending = data_export_request(user=staff)
    DataExport.objects.filter(user__in=[supporter, member]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    out = StringIO()

    call_command("purge_data_exports", stdout=out)

    assert "Deleted 2 expired data export(s)." in out.getvalue()
    kept = DataExport.objects.values_list("user", flat=True)
    assert sorted(kept) == sorted([member_to_verify.pk, staff.pk])
    assert DataExport.objects.filter(pk=pending.pk).exists()


def test_the_worker_task_runs_the_same_purge(client, supporter):
    export_token(client, supporter)
    DataExport.objects.filter(user=supporter).update(expires_at=timezone.now())

    assert purge_data_exports.call() == "deleted 1"
    assert not DataExport.objects.exists()


def test_the_documented_daily_crontab_runs_the_purge():
    """Django's tasks have no scheduler: the crontab of docs/configuration.md
    is how a deployment runs the daily jobs. It runs this purge, and every
    command it names exists."""
    docs = (settings.BASE_DIR / "docs" / "configuration.md").read_text()
    crontab = docs.split("```cron", 1)[1].split("```", 1)[0]
    commands = re.findall(r"manage\.py (\w+)", crontab)

    assert "purge_data_exports" in commands
    assert set(commands) <= set(get_commands())


@pytest.mark.parametrize("keep", [True, False], ids=["keeping", "removing"])
def test_erasure_removes_pending_and_ready_exports(client, supporter, keep):
    raw = export_token(client, supporter)
    pending = data_export_request(user=supporter)

    account_delete(user=supporter, keep_contributions=keep)

    assert not DataExport.objects.filter(user_id=supporter.pk).exists()
    assert data_export_build(export_id=pending.pk) is None
    assert not DataExport.objects.filter(token_hash=export_token_hash(raw)).exists()


def test_random_people_ids_and_tokens_never_reach_another_persons_export(section):
    """Forty people each get a ready export; then, many times, a random person
    follows a random person's link, a guessed token or a token of a used or
    expired export: only the owner's own live link ever answers, and what it
    answers is the owner's own data."""
    rng = random.Random(9)
    people = [UserFactory(section=section) for _ in range(40)]
    clients = {person.pk: Client() for person in people}
    tokens = {person.pk: export_token(clients[person.pk], person) for person in people}
    used: set[int] = set()

    for _ in range(300):
        visitor = rng.choice(people)
        owner = rng.choice(people)
        kind = rng.choice(["owner", "guess", "guess_hash"])
        if kind == "owner":
            raw = tokens[owner.pk]
        elif kind == "guess":
            raw = secrets.token_urlsafe(32)
        else:  # the stored hash itself, as if read from a leaked backup
            raw = DataExport.objects.filter(user=owner).values_list("token_hash", flat=True)[0]
        response = download(clients[visitor.pk], raw)
        live = kind == "owner" and visitor.pk == owner.pk and owner.pk not in used
        if live:
            assert response.status_code == 200
            data = json.loads(response.content)
            assert (data["accounts"]["id"], data["accounts"]["email"]) == (owner.pk, owner.email)
            used.add(owner.pk)
        else:
            assert response.status_code == 404, (visitor.pk, owner.pk, kind)
            assert owner.email.encode() not in response.content

    # Random export ids given to the worker never mail one person's data to another.
    for export in DataExport.objects.filter(downloaded_at__isnull=True)[:5]:
        assert data_export_build(export_id=export.pk) is None  # already built
    assert data_export_build(export_id=10**9 + rng.randrange(10**6)) is None


def test_a_fresh_request_after_a_download_gives_a_new_link(client, supporter):
    first = export_token(client, supporter)
    assert download(client, first).status_code == 200

    second = export_token(client, supporter)

    assert second != first
    assert download(client, first).status_code == 404
    assert download(client, second).status_code == 200


def test_overlong_or_malformed_tokens_answer_not_found(client, supporter):
    client.force_login(supporter)

    assert download(client, "x" * 500).status_code == 404
    assert client.get("/compte/donnees/..%2F..%2Fetc/").status_code == 404
