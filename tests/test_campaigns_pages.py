"""The pages of campaigns: who sees, edits and reports (a matrix of
personas), the report form's explained refusals that keep what was typed,
deleting a report, the kit and its uploads, the share links (with the
person's invitation), and pinned numbers of queries."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.campaigns.models import ActionKind, Campaign, FieldReport, KitDocument
from membrane.campaigns.services import backdate_report
from membrane.engagement.services import invite_url
from membrane.territory.models import Unit
from tests.factories import SectionFactory, UserFactory
from tests.test_campaigns_support import (
    EDIT_GIRONDE,
    PERSONAS,
    REPORT_GIRONDE,
    SEE_GIRONDE,
    login,
    national_campaign,
    report,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# -- The matrix of pages ----------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_federation_campaign_page(client, people, trains, persona):
    login(client, people, persona)

    response = client.get(reverse("campaigns:campaign", args=[trains.slug]))

    if persona == "anonymous":
        assert response.status_code == 302
        assert "/login" in response["Location"] or "login" in response["Location"]
    else:
        assert response.status_code == (200 if persona in SEE_GIRONDE else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_opens_the_edit_form(client, people, trains, persona):
    login(client, people, persona)

    response = client.get(reverse("campaigns:edit", args=[trains.slug]))

    if persona == "anonymous":
        assert response.status_code == 302
    elif persona not in SEE_GIRONDE:
        assert response.status_code == 404
    else:
        assert response.status_code == (200 if persona in EDIT_GIRONDE else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reports_through_the_page(client, people, trains, persona):
    login(client, people, persona)
    data = {
        "kind": ActionKind.LEAFLETING,
        "count": "120",
        "done_on": timezone.localdate().isoformat(),
    }

    response = client.post(reverse("campaigns:report", args=[trains.slug]), data)

    if persona == "anonymous":
        assert response.status_code == 302
        assert not FieldReport.objects.exists()
    elif persona in REPORT_GIRONDE:
        assert response.status_code == 302
        assert FieldReport.objects.get().user == people[persona]
    elif persona in SEE_GIRONDE:
        assert response.status_code == 403
        assert "sections may report" in response.content.decode()
        assert "120" in response.content.decode()  # what was typed is not lost
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_create_a_campaign(client, people, persona):
    login(client, people, persona)

    response = client.get(reverse("campaigns:create"))

    if persona == "anonymous":
        assert response.status_code == 302
    else:
        expected = 200 if persona in EDIT_GIRONDE else 403
        assert response.status_code == expected


# -- The campaign page ------------------------------------------------------


def test_the_page_shows_goals_totals_rankings_kit_and_share_links(client, poste, member):
    report(member, poste, ActionKind.DOOR_TO_DOOR, 250)
    KitDocument.objects.create(campaign=poste, title="Tract", url="https://example.org/t.pdf")
    client.force_login(member)

    page = client.get(reverse("campaigns:campaign", args=[poste.slug])).content.decode()

    assert '<progress id="goal-door_to_door" max="1000" value="250">' in page
    assert "250 of 1,000 (25 %)" in page
    assert "Section de Bègles" in page
    assert "https://example.org/t.pdf" in page
    assert "https://wa.me/?text=" in page
    assert "mailto:?subject=" in page
    # The link shared is the member's invitation, leading to this page.
    shared = invite_url(member, reverse("campaigns:campaign", args=[poste.slug]))
    assert f'value="http://testserver{shared}"' in page
    assert "<strong>guichets</strong>" in page and "<script>alert" not in page
    assert 'id="my-reports"' in page


def test_rankings_can_be_shown_for_one_kind(client, poste, member, supporter):
    report(member, poste, ActionKind.SIGNATURES, 7)
    client.force_login(member)

    page = client.get(
        reverse("campaigns:campaign", args=[poste.slug]), {"kind": "signatures"}
    ).content.decode()
    forged = client.get(reverse("campaigns:campaign", args=[poste.slug]), {"kind": "x" * 500})

    assert '<option value="signatures" selected>' in page
    assert forged.status_code == 200


def send_report(client, campaign, *, follow=False, **fields):
    """Send the report form: 5 doors knocked today, unless `fields` say otherwise."""
    data = {"kind": "door_to_door", "count": "5", "done_on": timezone.localdate().isoformat()}
    return client.post(
        reverse("campaigns:report", args=[campaign.slug]), {**data, **fields}, follow=follow
    )


def test_a_report_through_the_form_counts_and_says_thanks(client, poste, supporter, section):
    client.force_login(supporter)

    response = send_report(client, poste, count="40", follow=True)

    made = FieldReport.objects.get()
    assert (made.user, made.section, made.count) == (supporter, section, 40)
    assert "your action is counted" in response.content.decode()


@pytest.mark.parametrize(
    ("count", "done_on", "message"),
    [
        ("-3", 0, "Report at least one"),
        ("2001", 0, "At most 2 000"),
        ("beaucoup", 0, "Enter a whole number"),
        ("40", -2, "in the future"),
        ("40", 30, "during the campaign"),
    ],
)
def test_bad_reports_are_a_400_that_says_why_and_keeps_the_input(
    client, poste, supporter, count, done_on, message
):
    client.force_login(supporter)
    day = timezone.localdate() - timedelta(days=done_on)

    response = client.post(
        reverse("campaigns:report", args=[poste.slug]),
        {"kind": "door_to_door", "count": count, "done_on": day.isoformat()},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'value="{count}"' in page
    assert not FieldReport.objects.exists()


def test_a_report_for_someone_else_is_not_possible_through_the_form(
    client, poste, supporter, member
):
    client.force_login(supporter)

    send_report(client, poste, user=member.pk)

    assert FieldReport.objects.get().user == supporter


def test_a_forged_section_is_refused(client, poste, supporter, other_section):
    client.force_login(supporter)

    send_report(client, poste, section=other_section.pk)

    # The person has one section: the field is not offered and never read.
    assert FieldReport.objects.get().section == supporter.section


def test_the_author_deletes_a_report_within_24_hours_not_after(client, poste, supporter):
    fresh, old = report(supporter, poste), report(supporter, poste)
    backdate_report(old, timezone.now() - timedelta(hours=25))
    client.force_login(supporter)

    ok = client.post(reverse("campaigns:report_delete", args=[fresh.pk]))
    late = client.post(reverse("campaigns:report_delete", args=[old.pk]))

    assert ok.status_code == 302
    assert late.status_code == 403
    assert "24 hours" in late.content.decode()
    assert list(FieldReport.objects.all()) == [old]


def test_someone_elses_report_or_a_forged_id_is_a_404(client, poste, supporter, member):
    theirs = report(member, poste)
    client.force_login(supporter)

    assert client.post(reverse("campaigns:report_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("campaigns:report_delete", args=[99999])).status_code == 404
    assert client.get(reverse("campaigns:campaign", args=["nope"])).status_code == 404
    assert FieldReport.objects.count() == 1


# -- Creating and editing ---------------------------------------------------


def create_national_campaign(client, *, title, description="x", lasts_days=0, **fields):
    """Send the creation form for the national space, starting today."""
    national = Unit.objects.get(kind=Unit.Kind.NATIONAL)
    today = timezone.localdate()
    return client.post(
        reverse("campaigns:create"),
        {
            "unit": national.pk,
            "title": title,
            "description": description,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=lasts_days)).isoformat(),
            **fields,
        },
    )


def test_staff_creates_a_national_campaign_with_goals(client, people, staff):
    client.force_login(staff)

    response = create_national_campaign(
        client,
        title="Services publics partout",
        description="Une campagne.",
        lasts_days=30,
        goal_door_to_door="5000",
        goal_phoning="",
    )

    campaign = Campaign.objects.get(title="Services publics partout")
    assert response.status_code == 302
    assert campaign.created_by == staff
    assert dict(campaign.goals.values_list("kind", "target")) == {"door_to_door": 5000}


def test_a_federation_animator_cannot_pick_the_national_space(client, people, federation_animator):
    client.force_login(federation_animator)

    response = create_national_campaign(client, title="Pas la mienne")

    assert response.status_code == 400
    assert "Pas la mienne" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_campaign_ending_before_it_starts_is_a_400_keeping_the_input(client, people, staff):
    client.force_login(staff)

    response = create_national_campaign(
        client, title="À l'envers", description="Texte gardé", lasts_days=-1, goal_signatures="-4"
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "must end on or after" in page
    assert "Texte gardé" in page
    assert not Campaign.objects.exists()


def test_an_editor_edits_the_campaign(client, trains, federation_animator):
    client.force_login(federation_animator)

    response = client.post(
        reverse("campaigns:edit", args=[trains.slug]),
        {
            "title": "Des trains, enfin",
            "description": "Nouveau texte",
            "starts_on": trains.starts_on.isoformat(),
            "ends_on": trains.ends_on.isoformat(),
            "goal_leafleting": "8000",
        },
    )

    trains.refresh_from_db()
    assert response.status_code == 302
    assert trains.title == "Des trains, enfin"
    assert trains.goals.get().target == 8000


# -- The kit ----------------------------------------------------------------


def test_an_editor_uploads_a_pdf_and_people_download_it(client, poste, staff, member):
    client.force_login(staff)
    upload = SimpleUploadedFile("tract.pdf", PDF, content_type="application/pdf")

    response = client.post(
        reverse("campaigns:kit_add", args=[poste.slug]), {"title": "Tract", "file": upload}
    )

    document = KitDocument.objects.get()
    assert response.status_code == 302
    client.force_login(member)
    download = client.get(reverse("campaigns:kit_file", args=[poste.slug, document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tract.exe", b"MZ", "Only PDF files and images"),
        ("tract.pdf", b"<html>", "not the PDF its name says"),
        ("image.png", b"%PDF-1.4", "not the PNG its name says"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(client, poste, staff, name, content, message):
    client.force_login(staff)

    response = client.post(
        reverse("campaigns:kit_add", args=[poste.slug]),
        {"title": "Mon tract", "file": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Mon tract" in response.content.decode()
    assert not KitDocument.objects.exists()


def test_a_too_large_file_is_refused(client, poste, staff):
    client.force_login(staff)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))

    response = client.post(
        reverse("campaigns:kit_add", args=[poste.slug]), {"title": "Gros", "file": big}
    )

    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_a_document_needs_a_link_or_a_file(client, poste, staff):
    client.force_login(staff)

    response = client.post(reverse("campaigns:kit_add", args=[poste.slug]), {"title": "Rien"})

    assert response.status_code == 400
    assert "either a link or a file" in response.content.decode()


def test_a_member_cannot_add_to_the_kit(client, poste, member):
    client.force_login(member)

    response = client.post(
        reverse("campaigns:kit_add", args=[poste.slug]),
        {"title": "Lien", "url": "https://example.org"},
    )

    assert response.status_code == 403
    assert not KitDocument.objects.exists()


def test_an_editor_removes_a_document(client, poste, staff):
    document = KitDocument.objects.create(campaign=poste, title="T", url="https://example.org")
    client.force_login(staff)

    response = client.post(reverse("campaigns:kit_remove", args=[poste.slug, document.pk]))

    assert response.status_code == 302
    assert not KitDocument.objects.exists()


# -- Pinned numbers of queries ----------------------------------------------


def _queries(client, url, **params):
    client.get(url, params)  # caches warmed (instance settings, session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_campaign_page_does_not_grow_with_sections_or_reports(
    client, poste, member, federation
):
    client.force_login(member)
    url = reverse("campaigns:campaign", args=[poste.slug])
    for _n in range(3):
        report(UserFactory(section=SectionFactory(parent=federation)), poste)
        report(member, poste)
    few = _queries(client, url)
    for _n in range(27):
        report(UserFactory(section=SectionFactory(parent=federation)), poste)
        report(member, poste)

    assert _queries(client, url) == few


def test_the_list_does_not_grow_with_campaigns(client, people, member):
    client.force_login(member)
    url = reverse("campaigns:list")
    for n in range(3):
        report(member, national_campaign(title=f"C{n}"))
    few = _queries(client, url)
    for n in range(3, 30):
        report(member, national_campaign(title=f"C{n}"))

    page = client.get(url).content.decode()
    assert _queries(client, url) == few
    assert "C29" in page
