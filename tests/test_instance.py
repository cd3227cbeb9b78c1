"""Any party runs its own instance: name, logo, colours and contact are data
that staff change in the admin, not code."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from membrane.core.instance import get_instance_settings
from membrane.core.models import InstanceSettings

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#8a1538").save(buffer, format="PNG")
    return buffer.getvalue()


def test_staff_rename_the_instance_in_the_admin_and_every_page_shows_it(
    admin_client, client, charter
):
    instance = get_instance_settings()
    response = admin_client.post(
        f"/admin/core/instancesettings/{instance.pk}/change/",
        {
            "name": "La Ruche citoyenne",
            "tagline": "Agir ensemble",
            "primary_colour": "#00582a",
            "contact_email": "contact@ruche.example",
            "logo": SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302

    page = client.get("/").content.decode()
    assert "La Ruche citoyenne" in page
    assert 'href="/theme.css?v=%2300582a"' in page
    assert "--primary: #00582a" in client.get("/theme.css?v=%2300582a").content.decode()
    assert "mailto:contact@ruche.example" in page
    logo = client.get("/logo/")
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")


def test_without_a_logo_the_logo_address_is_a_404(client):
    assert client.get("/logo/").status_code == 404


def test_the_settings_row_is_created_once():
    get_instance_settings()
    get_instance_settings()
    assert InstanceSettings.objects.count() == 1


def test_the_base_page_has_landmarks_skip_link_and_language_switch(client, charter, settings):
    settings.LANGUAGE_CODE = "fr"  # the product's default
    page = client.get("/").content.decode()
    assert 'href="#main"' in page
    assert "<main" in page and "<header" in page and "<footer" in page and "<nav" in page
    assert 'href="/langue/en/?next=/"' in page
    assert 'lang="fr"' in page
    english = client.get("/langue/en/", {"next": "/"})
    assert english.status_code == 302 and english["Location"] == "/"
    assert 'lang="en"' in client.get("/").content.decode()
