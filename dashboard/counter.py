"""What the counter does with a scanned or typed code: read it, then hand it to the handler
of its kind. HANDLERS wires coupons (C), membership cards (M) and orders (O) to their apps:
each handler looks the code up for this shop through the app's selectors and renders what the
cashier must see, with a one-tap form that posts to the app's service (dashboard.views.counter).

Every counter action carries an idempotency key made when the form is drawn, so a double tap
or a retried request replays the first answer (core.idempotency.idempotent_run) instead of
acting twice."""

import hashlib
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from consumers.selectors import order_for_counter, orders_of_merchant_user
from core.codes import InvalidCode, Scan, code_read
from core.errors import NotFound
from core.idempotency import idempotent_run
from coupons.benefits import benefit_text
from coupons.models import Coupon
from coupons.selectors import coupon_check, coupon_for_counter
from loyalty.models import MembershipCard
from loyalty.selectors import merchant_card_by_code, program_valid_at
from loyalty.services.password import spending_locked
from merchants.models import Shop

from .forms.counter import (
    CardPurchaseForm,
    CardTopUpForm,
    CouponRedeemForm,
    CouponReverseForm,
    OrderConsumeForm,
)


def scan_read(*, code: str) -> Scan:
    """core.codes.code_read: a QR is trusted only with a valid signature; a typed code is
    normalized (case, spaces and dashes do not matter), its kind found by scan_resolve."""
    return code_read(code)


def scan_resolve(*, user, shop: Shop, scan: Scan) -> Scan:
    """The kind of a typed code: the coupon, card or order of this merchant that has it (codes
    of the three kinds share one alphabet and length; a collision is one in 10^14). NotFound
    when none has it."""
    if scan.kind is not None:
        return scan
    if Coupon.objects.filter(code=scan.value, campaign__merchant_id=shop.merchant_id).exists():
        return Scan(kind="C", value=scan.value, from_qr=False)
    if MembershipCard.objects.filter(
        number=scan.value, program__merchant_id=shop.merchant_id
    ).exists():
        return Scan(kind="M", value=scan.value, from_qr=False)
    if orders_of_merchant_user(user).filter(code=scan.value).exists():
        return Scan(kind="O", value=scan.value, from_qr=False)
    raise NotFound(_("未找到该券码、会员卡或订单，请核对后重试。"))


Handler = Callable[[HttpRequest, Shop, Scan], HttpResponse]


def new_key() -> str:
    return f"dash-{uuid.uuid4().hex}"


def reverse_form_new() -> CouponReverseForm:
    return CouponReverseForm(initial={"idempotency_key": new_key()})


# --- looking up: what the cashier sees -----------------------------------------------------------


def coupon_context(shop: Shop, code: str, form: CouponRedeemForm | None = None) -> dict:
    coupon = coupon_for_counter(merchant_id=shop.merchant_id, code=code)
    check = coupon_check(coupon=coupon, shop=shop, now=timezone.now(), order_amount_fen=None)
    problem = check.problem
    if problem is not None and problem.code in ("order_amount_required", "below_minimum_spend"):
        problem = None  # the amount is asked for below; the redemption will check it
    form = form or CouponRedeemForm(initial={"code": coupon.code, "idempotency_key": new_key()})
    return {
        "shop": shop,
        "coupon": coupon,
        "campaign": coupon.campaign,
        "benefit": benefit_text(coupon.campaign),
        "problem": problem,
        "form": form,
    }


def coupon_found(request: HttpRequest, shop: Shop, scan: Scan) -> HttpResponse:
    context = {**coupon_context(shop, scan.value), "scan": scan}
    return render(request, "dashboard/counter/_coupon.html", context)


def card_of(shop: Shop, code: str):
    try:
        return merchant_card_by_code(merchant=shop.merchant, code=code)
    except (NotFound, InvalidCode) as error:
        raise NotFound(_("未找到该会员卡，请核对卡号。")) from error


def card_context(shop: Shop, code: str, purchase=None, top_up=None) -> dict:
    card = card_of(shop, code)
    initial = {"code": card.number}
    return {
        "shop": shop,
        "card": card,
        "valid_here": program_valid_at(card.program, shop),
        "locked": spending_locked(card),
        "purchase_form": purchase
        or CardPurchaseForm(initial={**initial, "idempotency_key": new_key()}),
        "top_up_form": top_up or CardTopUpForm(initial={**initial, "idempotency_key": new_key()}),
    }


def card_found(request: HttpRequest, shop: Shop, scan: Scan) -> HttpResponse:
    context = {**card_context(shop, scan.value), "scan": scan}
    return render(request, "dashboard/counter/_card.html", context)


def order_here(request: HttpRequest, shop: Shop, code: str):
    """The order, if it is this shop's: another shop's is named (consumers.selectors), another
    merchant's not found."""
    try:
        return order_for_counter(user=request.user, code=code, shop_id=shop.pk)
    except (NotFound, InvalidCode) as error:
        raise NotFound(_("未找到该订单，请核对订单码。")) from error


def order_context(request, shop: Shop, code: str, form=None) -> dict:
    order = order_here(request, shop, code)
    form = form or OrderConsumeForm(initial={"code": order.code, "idempotency_key": new_key()})
    return {"shop": shop, "order": order, "form": form}


def order_found(request: HttpRequest, shop: Shop, scan: Scan) -> HttpResponse:
    context = {**order_context(request, shop, scan.value), "scan": scan}
    return render(request, "dashboard/counter/_order.html", context)


HANDLERS: dict[str, Handler] = {
    "C": coupon_found,
    "M": card_found,
    "O": order_found,
}


def scan_handle(request: HttpRequest, shop: Shop, scan: Scan) -> HttpResponse:
    return HANDLERS[scan.kind](request, shop, scan)


# --- acting: one tap, once ---------------------------------------------------------------------

UNHASHED = {"csrfmiddlewaretoken", "idempotency_key", "password"}


def counter_fingerprint(request: HttpRequest) -> str:
    """What the form asked for (not its password): a key reused for another request is refused."""
    items = sorted((k, v) for k, v in request.POST.items() if k not in UNHASHED)
    text = request.path + "\n" + "\n".join(f"{k}={v}" for k, v in items)
    return hashlib.sha256(text.encode()).hexdigest()


def counter_once(request: HttpRequest, *, scope: str, key: str, perform) -> tuple[dict, bool]:
    """Run `perform` once per key (see core.idempotency); its JSON body and whether replayed."""
    _status, body, replayed = idempotent_run(
        user=request.user,
        scope=scope,
        key=key,
        fingerprint=counter_fingerprint(request),
        perform=perform,
    )
    return body, replayed
