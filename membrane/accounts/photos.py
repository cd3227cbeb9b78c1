"""Profile photos: accept only real images, re-encode them (dropping EXIF
metadata such as GPS position) and resize them to a square thumbnail."""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def photo_process(upload: UploadedFile) -> ContentFile[bytes]:
    """Return the re-encoded JPEG of an uploaded photo, or raise ValidationError
    with a message the person can act on."""
    max_bytes = settings.PROFILE_PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("This photo is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in ACCEPTED_FORMATS:
            raise ValidationError(
                _("Only JPEG, PNG, WebP or GIF images are accepted."), code="format"
            )
        if width * height > MAX_PIXELS:
            raise ValidationError(_("This image has too many pixels."), code="too_many_pixels")
        upload.seek(0)
        with Image.open(upload) as image:
            image.seek(0)
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(
            _("This file is not an image we can read. Please choose a JPEG, PNG or WebP photo."),
            code="not_an_image",
        ) from None
    size = settings.PROFILE_PHOTO_SIZE
    picture = ImageOps.fit(picture, (size, size), method=Image.Resampling.LANCZOS)
    output = io.BytesIO()
    picture.save(output, format="JPEG", quality=85, optimize=True)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
