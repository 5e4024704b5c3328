"""Uploaded photos: validated from their header before decoding (size, sides and pixel count),
then a JPEG thumbnail decoded at a reduced scale where the format allows (JPEG's draft mode)."""

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 10 * 1024 * 1024
MIN_SIDE, MAX_SIDE = 200, 8000
# 40 megapixels (e.g. 8000 x 5000): a phone camera's photo fits, an 8000 x 8000 bomb does not.
# Decoded, 40 MP of RGB is 120 MB; apps.py also sets it as Pillow's MAX_IMAGE_PIXELS.
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = (480, 480)


class InvalidImage(DomainError):
    code = "invalid_image"
    message = _("图片无效。")


@dataclass
class ProcessedImage:
    original: ContentFile
    thumbnail: ContentFile
    width: int
    height: int

    def model_fields(self) -> dict:
        """The columns ShopPhoto and ServicePhoto share."""
        return {
            "image": self.original,
            "thumbnail": self.thumbnail,
            "width": self.width,
            "height": self.height,
        }


def image_process(upload: UploadedFile) -> ProcessedImage:
    if upload.size > MAX_BYTES:
        raise InvalidImage(fields={"image": [_("图片不能超过 10 MB。")]})
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            image_format, (width, height) = probe.format, probe.size
            if image_format not in ALLOWED_FORMATS:
                raise InvalidImage(fields={"image": [_("只支持 JPEG、PNG 或 WebP 图片。")]})
            # Checked before any pixel is decoded, so a decompression bomb costs nothing.
            if max(width, height) > MAX_SIDE or min(width, height) < MIN_SIDE:
                raise InvalidImage(
                    fields={
                        "image": [
                            _("图片边长须在 %(low)s 到 %(high)s 像素之间。")
                            % {"low": MIN_SIDE, "high": MAX_SIDE}
                        ]
                    }
                )
            if width * height > MAX_PIXELS:
                raise InvalidImage(
                    fields={
                        "image": [
                            _("图片不能超过 %(megapixels)s 百万像素。")
                            % {"megapixels": MAX_PIXELS // 1_000_000}
                        ]
                    }
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            # Lazily: JPEG decodes straight at a fraction of its size (draft), and the small
            # image is turned upright afterwards, so the whole picture is never in memory.
            image.draft("RGB", (THUMBNAIL_SIZE[0] * 2, THUMBNAIL_SIZE[1] * 2))
            image.thumbnail(THUMBNAIL_SIZE)
            image = ImageOps.exif_transpose(image).convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise InvalidImage(fields={"image": [_("无法识别的图片文件。")]}) from error
    extension = ALLOWED_FORMATS[image_format]
    return ProcessedImage(
        original=ContentFile(data, name=f"photo.{extension}"),
        thumbnail=ContentFile(out.getvalue(), name="thumb.jpg"),
        width=width,
        height=height,
    )
