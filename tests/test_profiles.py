"""Profiles: editing one's own, uploading a photo (re-encoded, metadata
dropped, bad files refused without losing what was typed) and serving the
photo under the profile's visibility rule."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from membrane.accounts.models import ProfileVisibility

pytestmark = pytest.mark.django_db

EDIT_URL = reverse("accounts:profile_edit")


def image_bytes(image_format="PNG", size=(800, 600), *, exif_make="SpyCam 3000"):
    """A real image with an EXIF block naming the camera (and what could be
    a GPS position) that the platform must not keep."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 160), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    exif = Image.Exif()
    exif[0x010F] = exif_make  # Make
    exif[0x0131] = "GeoTagger"  # Software
    output = io.BytesIO()
    image.save(output, format=image_format, exif=exif.tobytes())
    return output.getvalue()


def profile_data(**overrides):
    data = {
        "display_name": "Camille la Rouge",
        "bio": "Militante depuis 2010.\nJ'aime le porte-à-porte.",
        "commune": "Bègles",
        "profile_visibility": ProfileVisibility.PUBLIC,
        "language": "fr",
    }
    data.update(overrides)
    return data


def upload(content, name="photo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def signed_in(client, supporter):
    client.force_login(supporter)
    return client


def test_the_profile_form_shows_the_current_values(signed_in, supporter):
    supporter.display_name = "Camille D."
    supporter.save()

    response = signed_in.get(EDIT_URL)

    assert response.status_code == 200
    assert 'value="Camille D."' in response.content.decode()


def test_the_profile_form_needs_a_sign_in(client):
    response = client.get(EDIT_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_person_saves_display_name_bio_commune_and_visibility(signed_in, supporter):
    response = signed_in.post(
        EDIT_URL, profile_data(profile_visibility=ProfileVisibility.STAFF, language="en")
    )

    assert response.status_code == 302
    assert response.url == EDIT_URL
    supporter.refresh_from_db()
    assert supporter.display_name == "Camille la Rouge"
    assert supporter.public_name == "Camille la Rouge"
    assert supporter.bio == "Militante depuis 2010.\nJ'aime le porte-à-porte."
    assert supporter.commune == "Bègles"
    assert supporter.profile_visibility == ProfileVisibility.STAFF
    assert supporter.language == "en"
    assert not supporter.photo


def test_an_unknown_visibility_is_refused_with_a_message(signed_in, supporter):
    response = signed_in.post(EDIT_URL, profile_data(profile_visibility="friends"))

    assert response.status_code == 400
    assert response.context["form"].errors["profile_visibility"]
    supporter.refresh_from_db()
    assert supporter.profile_visibility == ProfileVisibility.SIGNED_IN


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_photo_is_reencoded_as_a_square_jpeg_without_its_metadata(
    signed_in, supporter, image_format
):
    original = image_bytes(image_format)
    assert Image.open(io.BytesIO(original)).getexif()[0x010F] == "SpyCam 3000"

    response = signed_in.post(
        EDIT_URL, {**profile_data(), "photo_upload": upload(original, f"moi.{image_format}")}
    )

    assert response.status_code == 302
    supporter.refresh_from_db()
    assert supporter.photo.name.endswith(".jpg")
    stored = supporter.photo.read()
    with Image.open(io.BytesIO(stored)) as photo:
        assert photo.format == "JPEG"
        assert photo.size == (512, 512)
        assert len(photo.getexif()) == 0
        assert "exif" not in photo.info
    assert b"SpyCam" not in stored
    assert b"GeoTagger" not in stored
    assert supporter.display_name == "Camille la Rouge"  # the other fields are saved too


def test_a_new_photo_replaces_and_deletes_the_old_one(
    signed_in, supporter, django_capture_on_commit_callbacks
):
    signed_in.post(EDIT_URL, {**profile_data(), "photo_upload": upload(image_bytes())})
    supporter.refresh_from_db()
    old_name = supporter.photo.name
    storage = supporter.photo.storage

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(EDIT_URL, {**profile_data(), "photo_upload": upload(image_bytes())})

    supporter.refresh_from_db()
    assert supporter.photo.name != old_name
    assert storage.exists(supporter.photo.name)
    assert not storage.exists(old_name)


def test_a_person_removes_their_photo(signed_in, supporter, django_capture_on_commit_callbacks):
    signed_in.post(EDIT_URL, {**profile_data(), "photo_upload": upload(image_bytes())})
    supporter.refresh_from_db()
    old_name = supporter.photo.name
    storage = supporter.photo.storage

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(EDIT_URL, {**profile_data(), "remove_photo": "on"})

    assert response.status_code == 302
    supporter.refresh_from_db()
    assert not supporter.photo
    assert not storage.exists(old_name)


def truncated_png():
    data = image_bytes("PNG", size=(600, 600))
    return data[: len(data) // 2]


def truncated_jpeg():
    data = image_bytes("JPEG", size=(600, 600))
    return data[: len(data) // 2]


def bmp_bytes():
    output = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(output, format="BMP")
    return output.getvalue()


@pytest.mark.parametrize(
    ("make_file", "name", "message"),
    [
        pytest.param(
            lambda: b"Ceci n'est pas une photo.\n" * 20,
            "photo.jpg",
            "This file is not an image we can read",
            id="text-renamed-jpg",
        ),
        pytest.param(
            truncated_png, "photo.png", "This file is not an image we can read", id="truncated-png"
        ),
        pytest.param(
            truncated_jpeg,
            "photo.jpg",
            "This file is not an image we can read",
            id="truncated-jpeg",
        ),
        pytest.param(
            lambda: image_bytes("PNG", size=(1200, 1200)),
            "big.png",
            "This photo is too large",
            id="too-large",
        ),
        pytest.param(bmp_bytes, "photo.bmp", "Only JPEG, PNG, WebP or GIF", id="bmp"),
    ],
)
def test_a_bad_photo_is_refused_with_a_message_and_the_typed_fields_are_kept(
    signed_in, supporter, settings, make_file, name, message
):
    content = make_file()
    # Only the oversized file is over the limit.
    settings.PROFILE_PHOTO_MAX_BYTES = 2_000 if "too large" in message else 10_000_000

    response = signed_in.post(
        EDIT_URL,
        {**profile_data(), "photo_upload": upload(content, name, "image/jpeg")},
    )

    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["photo_upload"])
    assert message in errors
    page = response.content.decode()
    assert message in page
    # What was typed comes back in the form, and nothing was saved.
    assert 'value="Camille la Rouge"' in page
    assert "Militante depuis 2010." in page
    assert 'value="Bègles"' in page
    supporter.refresh_from_db()
    assert supporter.display_name == ""
    assert supporter.commune == ""
    assert not supporter.photo


# The photo follows the profile's visibility -------------------------------------

# fmt: off
PHOTO_VISIBILITY = [
    # visibility                  viewer        answer
    (ProfileVisibility.PUBLIC,    "anonymous",  200),
    (ProfileVisibility.PUBLIC,    "member",     200),
    (ProfileVisibility.SIGNED_IN, "anonymous",  404),
    (ProfileVisibility.SIGNED_IN, "member",     200),
    (ProfileVisibility.STAFF,     "anonymous",  404),
    (ProfileVisibility.STAFF,     "member",     404),
    (ProfileVisibility.STAFF,     "staff",      200),
    (ProfileVisibility.STAFF,     "self",       200),
]
# fmt: on


@pytest.mark.parametrize(("visibility", "viewer", "status"), PHOTO_VISIBILITY)
def test_the_photo_follows_the_profile_visibility(
    request, client, supporter, visibility, viewer, status
):
    client.force_login(supporter)
    client.post(
        EDIT_URL,
        {**profile_data(profile_visibility=visibility), "photo_upload": upload(image_bytes())},
    )
    client.logout()
    supporter.refresh_from_db()
    assert supporter.photo
    user = {"anonymous": AnonymousUser(), "self": supporter}.get(viewer) or (
        request.getfixturevalue(viewer)
    )
    if user.is_authenticated:
        client.force_login(user)

    response = client.get(reverse("accounts:photo", args=[supporter.pk]))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert b"".join(response.streaming_content) == supporter.photo.read()


def test_a_person_without_a_photo_has_no_photo_address(client, member, supporter):
    client.force_login(member)

    response = client.get(reverse("accounts:photo", args=[supporter.pk]))

    assert response.status_code == 404


def test_a_verify_form_never_redirects_off_site(client, section_animator, member_to_verify):
    client.force_login(section_animator)
    response = client.post(
        f"/adhesions/{member_to_verify.pk}/verifier/", {"next": "https://evil.example/phish"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/adhesions/"


def test_a_photo_missing_from_storage_is_a_404_not_a_500(client, supporter):
    supporter.photo = "photos/vanished.jpg"
    supporter.save(update_fields=["photo"])
    client.force_login(supporter)
    assert client.get(f"/membres/{supporter.pk}/photo/").status_code == 404
