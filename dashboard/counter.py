"""What the counter page shows for a scanned or typed code. The code is read and its kind found
in one place for both fronts (core.codes.code_read and scan_resolve, with each app's finder);
HANDLERS then renders the kind: coupons (C), membership cards (M) and orders (O), each looked
up for this shop through the app's selectors, with a one-tap form that posts to the app's
counter service (dashboard.views.counter).

Every counter action carries an idempotency key made when the form is drawn, so a double tap
or a retried request replays the first answer (core.idempotency.Once, as the API's header does)
instead of acting twice."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from consumers.selectors import order_for_counter
from core.codes import InvalidCode, Scan
from core.errors import NotFound
from core.idempotency import once_of_form
from coupons.benefits import benefit_text
from coupons.selectors import coupon_at_counter
from loyalty.selectors import program_valid_at
from loyalty.services import card_at_counter
from loyalty.services.password import spending_locked
from merchants.models import Shop
from payments.backends import payment_backend, payment_backends

from .forms.counter import (
    CardPurchaseForm,
    CardTopUpForm,
    CouponRedeemForm,
    CouponReverseForm,
    OrderConsumeForm,
)

Handler = Callable[[HttpRequest, Shop, Scan], HttpResponse]


def new_key() -> str:
    return f"dash-{uuid.uuid4().hex}"


def reverse_form_new() -> CouponReverseForm:
    return CouponReverseForm(initial={"idempotency_key": new_key()})


# --- looking up: what the cashier sees -----------------------------------------------------------


def coupon_context(shop: Shop, code: str, form: CouponRedeemForm | None = None) -> dict:
    check = coupon_at_counter(shop=shop, code=code)
    coupon = check.coupon
    form = form or CouponRedeemForm(initial={"code": coupon.code, "idempotency_key": new_key()})
    return {
        "shop": shop,
        "coupon": coupon,
        "campaign": coupon.campaign,
        "benefit": benefit_text(coupon.campaign),
        "problem": check.refusal,  # the amount is asked for below; the redemption checks it
        "form": form,
    }


def coupon_found(request: HttpRequest, shop: Shop, scan: Scan) -> HttpResponse:
    context = {**coupon_context(shop, scan.value), "scan": scan}
    return render(request, "dashboard/counter/_coupon.html", context)


def card_of(shop: Shop, code: str):
    try:
        return card_at_counter(shop=shop, code=code)
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
        "top_up_form": top_up
        or CardTopUpForm(
            initial={**initial, "idempotency_key": new_key()}, code_payments=code_payments()
        ),
    }


def code_payments() -> bool:
    """Whether the counter can take a payment code (付款码): a code backend is in use."""
    return any(payment_backend(name).code_prefixes for name in payment_backends(online=False))


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


def counter_once(request: HttpRequest, *, scope: str, key: str, perform) -> tuple[dict, bool]:
    """Run `perform` once per key (core.idempotency.Once, as the API does); its JSON body and
    whether replayed."""
    _status, body, replayed = once_of_form(request, key).run(scope=scope, perform=perform)
    return body, replayed
