"""What the counter does with a scanned or typed code: read it, then hand it to the handler
of its kind. HANDLERS is the one place where coupons (C), membership cards (M) and orders (O)
are wired in; until their back ends land, each kind shows what was read."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.codes import KINDS, PREFIX, InvalidCode, qr_payload_read, short_code_normalize
from merchants.models import Shop


@dataclass(frozen=True)
class Scan:
    kind: str  # a core.codes.KINDS key: "C" coupon, "M" membership card, "O" order
    value: str  # the coupon's short code, the card number or the order code
    from_qr: bool  # True when a QR's signature was checked; False when typed


def scan_read(*, code: str, typed_kind: str) -> Scan:
    """A QR payload is trusted only with a valid signature (core.codes.qr_payload_read);
    a typed code is normalized (case, spaces and dashes do not matter). InvalidCode if
    neither reads."""
    text = code.strip()
    if text.startswith(f"{PREFIX}:"):
        kind, value = qr_payload_read(text)
        return Scan(kind=kind, value=value, from_qr=True)
    if typed_kind not in KINDS:
        raise InvalidCode()
    if typed_kind == "C":
        return Scan(kind="C", value=short_code_normalize(text), from_qr=False)
    value = re.sub(r"[\s-]", "", text).upper()
    if not value.isalnum():
        raise InvalidCode()
    return Scan(kind=typed_kind, value=value, from_qr=False)


Handler = Callable[[HttpRequest, Shop, Scan], HttpResponse]


def scan_shown(request: HttpRequest, shop: Shop, scan: Scan) -> HttpResponse:
    """Until a kind's back end is wired: what was read, and that it cannot be used yet."""
    return render(request, "dashboard/counter/_scanned.html", {"shop": shop, "scan": scan})


# Wire a back end by replacing its entry with a view-like function that looks the code up
# for this shop and renders a partial (the found coupon or card, the amount form, errors).
HANDLERS: dict[str, Handler] = {
    "C": scan_shown,
    "M": scan_shown,
    "O": scan_shown,
}


def scan_handle(request: HttpRequest, shop: Shop, scan: Scan) -> HttpResponse:
    return HANDLERS[scan.kind](request, shop, scan)
