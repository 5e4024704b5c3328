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
from collections.abc import Callable
from dataclasses import dataclass

import qrcode
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _
from qrcode.image.pil import PilImage

from .errors import DomainError, NotFound

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


@dataclass(frozen=True)
class Scan:
    """What the counter read: a QR's kind is in its payload (signature checked); a typed code
    has no kind (`None`) until the code is found (all kinds share one alphabet and length)."""

    kind: str | None  # a KINDS key: "C" coupon, "M" membership card, "O" order
    value: str  # the coupon's short code, the card number or the order code
    from_qr: bool


def code_read(text: str, *, kind: str | None = None) -> Scan:
    """The one reader of whatever a cashier scanned or typed. A QR payload (`O2O:...`, its
    prefix in any case) must carry a valid signature; a typed code may be in any case, with or
    without dashes and spaces. `kind` is what a typed code is said to be, if known (a QR
    names its own). InvalidCode when neither reads, before any lookup."""
    text = text.strip()
    if text[: len(PREFIX) + 1].upper() == f"{PREFIX}:":
        found, value = qr_payload_read(PREFIX + text[len(PREFIX) :])
        return Scan(kind=found, value=value, from_qr=True)  # a QR names its own kind
    if kind is not None and kind not in KINDS:
        raise InvalidCode()
    return Scan(kind=kind, value=short_code_normalize(text), from_qr=False)


# --- what kind a typed code is: one registry, an entry per kind ----------------------------------

#: kind -> finds(user=, shop=, value=) -> bool: whether the acting user's merchant has a thing of
#: that kind with this code. Each app registers its own in its AppConfig.ready (core imports no
#: app); a kind added later is a KINDS entry and one registration.
CODE_FINDERS: dict[str, Callable[..., bool]] = {}


def code_kind_register(kind: str, finds: Callable[..., bool]) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown code kind {kind!r}")
    CODE_FINDERS[kind] = finds


def scan_resolve(*, user, shop, scan: Scan) -> Scan:
    """The kind of a typed code: the first kind (in KINDS order) whose finder has it for this
    shop's merchant (codes of all kinds share one alphabet and length; a collision is one in
    10^14). A QR names its own kind. NotFound when none has it. Both counter fronts (the page
    and `POST merchant/counter/scan/`) call this."""
    if scan.kind is not None:
        return scan
    for kind in KINDS:
        if CODE_FINDERS[kind](user=user, shop=shop, value=scan.value):
            return Scan(kind=kind, value=scan.value, from_qr=False)
    raise NotFound(_("未找到该券码、会员卡或订单，请核对后重试。"))


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
