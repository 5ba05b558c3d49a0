"""Photos taken at a site, as a phone sends them: read by Pillow, turned upright, made
smaller (a long side of at most 1600 px, and a 320 px thumbnail), written as JPEG with no
metadata but the time it was taken — no place, no phone model, no owner's name."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

LONG_SIDE = 1600
THUMB_SIDE = 320
MAX_PIXELS = 50_000_000  # a phone's 48 MP photo passes; a decompression bomb does not
EXIF_IFD, DATETIME_ORIGINAL, DATETIME = 0x8769, 0x9003, 0x0132


@dataclass(frozen=True)
class SitePhoto:
    image: bytes  # JPEG, at most LONG_SIDE px
    thumbnail: bytes  # JPEG, at most THUMB_SIDE px
    taken_at: datetime.datetime | None  # from the camera's clock, as it wrote it
    width: int
    height: int


def _taken_at(exif: Image.Exif) -> datetime.datetime | None:
    raw = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    try:
        return datetime.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _jpeg(image: Image.Image, side: int, taken_at: datetime.datetime | None) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    kept = Image.Exif()
    if taken_at is not None:
        kept[DATETIME] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=82, optimize=True, exif=kept.tobytes())
    return out.getvalue()


def site_photo(upload) -> SitePhoto:
    """The photo of ``upload`` made ready to keep, or a ValidationError naming the file."""
    name = getattr(upload, "name", "")
    try:
        with Image.open(upload) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise ValidationError(
                    _("“%(name)s” is too large a picture.") % {"name": name}, code="photo"
                )
            taken_at = _taken_at(opened.getexif())
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError(
            _("“%(name)s” is not a photo: send a JPEG, PNG or WebP picture.") % {"name": name},
            code="photo",
        ) from exc
    full = _jpeg(image, LONG_SIDE, taken_at)
    with Image.open(io.BytesIO(full)) as written:
        width, height = written.size
    return SitePhoto(full, _jpeg(image, THUMB_SIDE, taken_at), taken_at, width, height)
