"""Codes people type and QR codes the counter scans.

A short code uses an alphabet without look-alikes (no 0/O, 1/I/L), shown in groups of four:
`K7QM-3XHD-PA`. A QR payload names what it identifies and carries an HMAC, so the counter
rejects a forged or altered code before any database lookup:

    O2O:<kind>:<value>:<signature>      e.g. O2O:C:K7QM3XHDPA:3yH5...

Kinds: C = coupon, M = membership card, O = order. The value is what the cashier could also
type (a coupon's short code, a card number, an order code).
"""

import io
import re
import secrets

import qrcode
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _
from qrcode.image.pil import PilImage

from .errors import DomainError

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: no 0, 1, I, L, O
PREFIX = "O2O"
KINDS = {"C": "coupon", "M": "card", "O": "order"}
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class InvalidCode(DomainError):
    code = "invalid_code"
    message = _("无法识别的券码或二维码，请核对后重试。")


def short_code_new(length: int = 10) -> str:
    """A random code of `length` symbols: 31**10 ≈ 8e14, so guessing one is hopeless."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def short_code_format(code: str) -> str:
    """K7QM3XHDPA -> K7QM-3XHD-PA, for printing and reading aloud."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def short_code_normalize(typed: str) -> str:
    """What a cashier typed -> the stored form: case, spaces and dashes do not matter.

    A typed look-alike (O, I, L) is not in the alphabet, so it cannot match any code; it is
    mapped to a digit that is not in the alphabet either, and the code is rejected as invalid.
    """
    code = re.sub(r"[\s-]", "", typed).upper().translate(LOOKALIKES)
    if not code or any(c not in ALPHABET for c in code):
        raise InvalidCode()
    return code


def signer(kind: str) -> signing.Signer:
    """QR_SIGNING_KEY, not SECRET_KEY: rotating one leaves the other's signatures valid;
    QR_SIGNING_KEY_FALLBACKS keeps printed codes scanning while a rotation rolls out."""
    return signing.Signer(
        key=settings.QR_SIGNING_KEY,
        fallback_keys=settings.QR_SIGNING_KEY_FALLBACKS,
        salt=f"core.codes.qr.{kind}",
        sep=":",
    )


def qr_payload(kind: str, value: str) -> str:
    """The signed text a QR code carries for a coupon (C), a card (M) or an order (O)."""
    if kind not in KINDS:
        raise ValueError(f"unknown QR kind {kind!r}")
    return f"{PREFIX}:{kind}:{signer(kind).sign(value)}"


def qr_payload_read(payload: str) -> tuple[str, str]:
    """(kind, value) of a scanned payload; InvalidCode if it is malformed, forged or altered."""
    parts = payload.strip().split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX or parts[1] not in KINDS:
        raise InvalidCode()
    kind = parts[1]
    try:
        return kind, signer(kind).unsign(parts[2])
    except signing.BadSignature as error:
        raise InvalidCode() from error


def qr_image(payload: str, *, box_size: int = 8, border: int = 4) -> PilImage:
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border
    )
    qr.add_data(payload)
    qr.make(fit=True)
    return qr.make_image(image_factory=PilImage)


def qr_png(payload: str, **options) -> bytes:
    buffer = io.BytesIO()
    qr_image(payload, **options).save(buffer, format="PNG")
    return buffer.getvalue()
