"""The charter: versioned, published at a stable address, accepted again by
each person at their next visit after a new version."""

import pytest
from django.urls import reverse

from membrane.charter.models import CharterAcceptance
from membrane.charter.services import charter_create, charter_publish, current_charter_number

pytestmark = pytest.mark.django_db


def test_the_current_charter_is_published_at_a_stable_address(client, charter):
    response = client.get("/charte/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Respect" in content and "Pluralisme" in content


def test_an_unknown_version_is_a_404(client, charter):
    assert client.get("/charte/v99/").status_code == 404


def test_a_draft_is_not_published(client, charter):
    draft = charter_create(title="Charte v2", preamble="", articles=[("Nouveau", "Texte")])

    assert client.get(f"/charte/v{draft.number}/").status_code == 404
    assert current_charter_number() == charter.number


def test_a_new_version_is_accepted_at_the_next_visit(client, supporter, charter):
    client.force_login(supporter)
    assert client.get(reverse("accounts:home")).status_code == 200

    new = charter_create(
        title="Charte v2",
        preamble="",
        articles=[("Respect", "Toujours.")],
        summary_of_changes="Un article plus court.",
    )
    charter_publish(version=new)

    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("charter:accept"))

    page = client.get(response["Location"])
    assert "Un article plus court." in page.content.decode()

    refused = client.post(reverse("charter:accept"), {"next": "/compte/"})
    assert refused.status_code == 400
    assert not CharterAcceptance.objects.filter(user=supporter, version=new).exists()

    accepted = client.post(reverse("charter:accept"), {"accept": "yes", "next": "/compte/"})
    assert accepted.status_code == 302
    assert accepted["Location"] == "/compte/"
    supporter.refresh_from_db()
    assert supporter.charter_version_accepted == new.number
    assert client.get(reverse("accounts:home")).status_code == 200


def test_the_accept_page_never_redirects_elsewhere(client, supporter, charter):
    client.force_login(supporter)
    response = client.post(
        reverse("charter:accept"), {"accept": "yes", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_reading_the_charter_and_logging_out_stay_possible_before_accepting(
    client, supporter, charter
):
    new = charter_create(title="v2", preamble="", articles=[("A", "B")])
    charter_publish(version=new)
    client.force_login(supporter)

    assert client.get("/charte/").status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
