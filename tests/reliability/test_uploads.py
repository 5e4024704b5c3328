"""Shop and service photos: a wrong type, an oversized file or a decompression bomb is refused
with 400 in the error shape before any pixel is decoded, and nothing is stored."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from merchants.images import MAX_BYTES
from merchants.models import ServicePhoto, ShopPhoto
from tests.conftest import client_for
from tests.factories import ServiceFactory, ShopFactory

pytestmark = pytest.mark.django_db


def encoded(fmt: str, size=(400, 300), mode="RGB") -> bytes:
    data = io.BytesIO()
    Image.new(mode, size, "orange").save(data, fmt)
    return data.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height: a pixel flood (a few hundred bytes that
    would decode to gigabytes). The IHDR checksum is recomputed so decoders believe it."""
    png = bytearray(encoded("PNG", size=(200, 200), mode="L"))
    ihdr = 8 + 8  # signature, then the IHDR chunk's length and type
    png[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(png[ihdr - 4 : ihdr + 13]))
    png[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(png)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) claims width x height."""
    jpeg = bytearray(encoded("JPEG", size=(200, 200)))
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(jpeg)


BAD_FILES = {
    "gif": ("photo.gif", "image/gif", lambda: encoded("GIF")),
    "pdf named .jpg": ("photo.jpg", "image/jpeg", lambda: b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF"),
    "svg": ("photo.svg", "image/svg+xml", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
    "oversized": (
        "photo.png",
        "image/png",
        lambda: encoded("PNG") + b"\0" * (MAX_BYTES + 1),  # valid image, padded past 10 MB
    ),
    "png pixel flood": ("photo.png", "image/png", lambda: png_claiming(60_000, 60_000)),
    "png past the side limit": ("photo.png", "image/png", lambda: png_claiming(12_000, 300)),
    "jpeg pixel flood": ("photo.jpg", "image/jpeg", lambda: jpeg_claiming(65_000, 65_000)),
    "truncated png": ("photo.png", "image/png", lambda: encoded("PNG")[:60]),
}


@pytest.fixture(params=["shop", "service"])
def upload(request, merchant):
    """(post a file, count stored photos) for one of the two photo endpoints."""
    client = client_for(merchant.owner)
    if request.param == "shop":
        shop = ShopFactory(merchant=merchant)
        url, extra, stored = (
            f"/api/v1/merchant/shops/{shop.pk}/photos/",
            {"kind": "storefront"},
            ShopPhoto,
        )
    else:
        service = ServiceFactory(shop=ShopFactory(merchant=merchant))
        url, extra, stored = f"/api/v1/merchant/services/{service.pk}/photos/", {}, ServicePhoto

    def post(name, content_type, content):
        file = SimpleUploadedFile(name, content, content_type=content_type)
        return client.post(url, {**extra, "image": file}, format="multipart")

    return post, stored.objects.count


@pytest.mark.parametrize("bad", BAD_FILES, ids=str)
def test_bad_uploads_are_refused_with_400_in_the_error_shape(upload, bad):
    post, stored = upload
    name, content_type, make = BAD_FILES[bad]
    response = post(name, content_type, make())
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] in ("invalid_image", "invalid")
    assert list(body["fields"]) == ["image"]
    assert stored() == 0


def test_a_good_photo_is_still_accepted(upload):
    post, stored = upload
    assert post("photo.webp", "image/webp", encoded("WEBP")).status_code == 201
    assert stored() == 1
