"""The audit log: staff and animators' access to personal data, moderation
decisions and role changes are recorded (who, what, when, from where), shown
to staff only, and never changed nor deleted."""

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.imports import membership_import
from membrane.moderation.models import Appeal
from membrane.moderation.services import appeal_create, appeal_decide
from membrane.security.models import AuditAction, AuditEntry
from membrane.security.services import audit_record
from membrane.spaces.models import Role
from membrane.territory.models import Animator
from tests.export_helpers import export_downloaded
from tests.factories import UserFactory
from tests.moderation_factories import group_with, hide, reply_in
from tests.spaces_factories import MembershipFactory

LOG_URL = reverse("security:audit_log")
IP = "192.0.2.77"


def browser_of(user) -> Client:
    browser = Client(REMOTE_ADDR=IP)
    browser.force_login(user)
    return browser


def only_entry() -> AuditEntry:
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, entries
    return entries[0]


# -- What is logged ----------------------------------------------------------


def test_an_animator_viewing_a_groups_members_is_logged(charter, section_animator):
    group = group_with(animator=section_animator)

    response = browser_of(section_animator).get(reverse("spaces:members", args=[group.slug]))

    assert response.status_code == 200
    entry = only_entry()
    assert entry.actor == section_animator
    assert entry.action == AuditAction.MEMBER_LIST_VIEW
    assert (entry.target_type, entry.target_id) == ("spaces.space", str(group.pk))
    assert entry.ip_prefix == "192.0.2.0/24"
    assert entry.path == reverse("spaces:members", args=[group.slug])
    assert (timezone.now() - entry.at).total_seconds() < 60


def test_a_plain_member_viewing_the_members_is_not_logged(member):
    group = group_with()
    MembershipFactory(space=group, user=member)

    assert browser_of(member).get(reverse("spaces:members", args=[group.slug])).status_code == 200
    assert not AuditEntry.objects.exists()


def test_the_membership_queue_seen_by_staff_is_logged(staff, member_to_verify):
    assert browser_of(staff).get(reverse("accounts:membership_queue")).status_code == 200

    entry = only_entry()
    assert (entry.actor, entry.action) == (staff, AuditAction.MEMBERSHIP_QUEUE_VIEW)


def test_a_data_export_is_logged_when_downloaded(supporter):
    assert export_downloaded(Client(), supporter).status_code == 200

    entry = only_entry()
    assert (entry.actor, entry.action) == (supporter, AuditAction.DATA_EXPORT)
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(supporter.pk))


def test_a_membership_import_is_logged_but_not_a_dry_run(db):
    UserFactory(email="camille@example.org")
    rows = "membership_number,email\nA-1042,camille@example.org\n"

    membership_import(rows=rows, dry_run=True)
    assert not AuditEntry.objects.exists()
    membership_import(rows=rows)

    entry = only_entry()
    assert entry.action == AuditAction.MEMBERSHIP_IMPORT
    assert entry.actor is None  # a command: no person, no address
    assert entry.summary == "1 verified, 0 unmatched"
    assert (entry.ip_prefix, entry.path) == ("", "")


def test_an_insights_export_is_logged(charter, section_animator):
    group = group_with(animator=section_animator)

    response = browser_of(section_animator).get(reverse("insights:export", args=[group.slug]))

    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = only_entry()
    assert (entry.actor, entry.action) == (section_animator, AuditAction.INSIGHTS_EXPORT)
    assert entry.target_id == str(group.pk)


def test_a_moderation_decision_and_an_appeal_decision_are_logged(charter, staff, member):
    moderator = UserFactory(charter_version_accepted=charter.number)
    group = group_with(moderator=moderator)
    reply = reply_in(group, author=member)

    decision = hide(moderator, reply)
    entry = only_entry()
    assert (entry.actor, entry.action) == (moderator, AuditAction.MODERATION_DECISION)
    assert (entry.target_type, entry.target_id) == ("moderation.decision", str(decision.pk))
    assert entry.summary.startswith("hide (article 1)")

    appeal = appeal_create(author=member, decision=decision, text="Je conteste.")
    appeal_decide(moderator=staff, appeal=appeal, overturn=False, answer="Maintenu.")

    latest = AuditEntry.objects.filter(action=AuditAction.APPEAL_DECISION).get()
    assert latest.actor == staff
    assert (latest.target_type, latest.target_id) == ("moderation.appeal", str(appeal.pk))
    assert latest.summary == f"{Appeal.Status.UPHELD} (decision {decision.pk})"


def test_a_role_change_in_a_group_is_logged(charter, section_animator, member):
    group = group_with(animator=section_animator)
    membership = MembershipFactory(space=group, user=member)

    response = browser_of(section_animator).post(
        reverse("spaces:member_role", args=[group.slug, member.pk]), {"role": Role.MODERATOR}
    )

    assert response.status_code == 302
    entry = only_entry()
    assert (entry.actor, entry.action) == (section_animator, AuditAction.SPACE_ROLE_CHANGE)
    assert (entry.target_type, entry.target_id) == ("spaces.membership", str(membership.pk))
    assert entry.summary == f"{group.slug}: person {member.pk} -> role {Role.MODERATOR}"


def test_a_refused_role_change_is_not_logged(charter, member):
    group = group_with()
    MembershipFactory(space=group, user=member)

    response = browser_of(member).post(
        reverse("spaces:member_role", args=[group.slug, member.pk]), {"role": Role.ANIMATOR}
    )

    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


def test_appointing_and_removing_a_section_animator_are_logged(section_animator, member, section):
    browser = browser_of(section_animator)

    browser.post(f"/sections/{section.slug}/animateurs/", {"person": member.pk})
    assert Animator.objects.filter(unit=section, user=member).exists()
    browser.post(f"/sections/{section.slug}/animateurs/{member.pk}/retirer/")

    entries = list(AuditEntry.objects.order_by("pk"))
    assert [(e.actor, e.action, e.target_id, e.summary) for e in entries] == [
        (section_animator, AuditAction.ANIMATOR_APPOINT, str(section.pk), f"person {member.pk}"),
        (section_animator, AuditAction.ANIMATOR_REMOVE, str(section.pk), f"person {member.pk}"),
    ]


# -- Append-only -------------------------------------------------------------


def test_an_entry_cannot_be_changed_nor_deleted(staff):
    entry = audit_record(actor=staff, action=AuditAction.DATA_EXPORT, summary="original")

    entry.summary = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "original"


def test_the_admin_shows_entries_read_only(db):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    entry = audit_record(actor=superuser, action=AuditAction.DATA_EXPORT, summary="original")
    browser = browser_of(superuser)
    admin = site._registry[AuditEntry]

    change_url = reverse("admin:security_auditentry_change", args=[entry.pk])
    delete_url = reverse("admin:security_auditentry_delete", args=[entry.pk])
    assert browser.get(change_url).status_code == 200
    browser.post(change_url, {"summary": "rewritten"})
    assert browser.post(delete_url, {"post": "yes"}).status_code == 403
    assert browser.get(reverse("admin:security_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).summary == "original"
    request = browser.get(change_url).wsgi_request
    assert not admin.has_delete_permission(request, entry)
    assert not admin.has_change_permission(request, entry)


# -- The staff page ----------------------------------------------------------


@pytest.mark.parametrize("persona", ["supporter", "member", "section_animator"])
def test_the_log_is_refused_to_non_staff(request, persona):
    person = request.getfixturevalue(persona)
    assert browser_of(person).get(LOG_URL).status_code == 403


def test_the_log_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(LOG_URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_staff_see_and_filter_the_log(staff, member, section_animator):
    audit_record(actor=section_animator, action=AuditAction.MEMBER_LIST_VIEW, summary="liste")
    audit_record(actor=member, action=AuditAction.DATA_EXPORT, summary="export")

    browser = browser_of(staff)
    everything = browser.get(LOG_URL)
    by_action = browser.get(LOG_URL, {"action": AuditAction.DATA_EXPORT})
    by_actor = browser.get(LOG_URL, {"actor": section_animator.email})
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    by_date = browser.get(LOG_URL, {"since": tomorrow})

    assert everything.status_code == 200
    assert everything["Cache-Control"] == "no-store"
    assert [e.summary for e in everything.context["page"]] == ["export", "liste"]
    assert [e.summary for e in by_action.context["page"]] == ["export"]
    assert [e.summary for e in by_actor.context["page"]] == ["liste"]
    assert list(by_date.context["page"]) == []


def test_the_log_page_costs_no_query_per_entry(staff, member):
    browser = browser_of(staff)
    browser.get(LOG_URL)  # the session's first request records it: not counted
    for index in range(3):
        audit_record(actor=member, action=AuditAction.DATA_EXPORT, summary=f"n{index}")

    with CaptureQueriesContext(connection) as few:
        browser.get(LOG_URL)
    for index in range(30):
        audit_record(actor=UserFactory(), action=AuditAction.DATA_EXPORT, summary=f"m{index}")
    with CaptureQueriesContext(connection) as many:
        response = browser.get(LOG_URL)

    assert len(response.context["page"]) == 33
    assert len(many) == len(few)
