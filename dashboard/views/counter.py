"""The cashier's page and its one-tap actions. Each action parses its form, calls the service
of the app that owns the rule (coupons, loyalty, consumers) once per idempotency key, and
answers a partial: the result, or the same card with the refusal in plain words."""

from datetime import datetime
from functools import wraps

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consumers import services as order_services
from core.codes import code_read, scan_resolve
from core.errors import DomainError, NotFound
from core.idempotency import once_of_form
from core.throttling import CodeFailureThrottle
from coupons import services as coupon_services
from coupons.models import Redemption
from coupons.selectors import redemptions_reversible
from loyalty import services as card_services
from loyalty.selectors import top_up_card
from merchants.models import StaffPermission
from payments.backends import payment_backend
from payments.models import PaymentStatus
from payments.selectors import counter_payment, payment_steps

from ..access import shop_page
from ..counter import (
    card_context,
    code_payments,
    coupon_context,
    order_context,
    order_here,
    reverse_form_new,
    scan_handle,
)
from ..forms.counter import (
    CardPurchaseForm,
    CardTopUpForm,
    CouponRedeemForm,
    CouponReverseForm,
    LookupForm,
    OrderConsumeForm,
)

REDEEM = StaffPermission.REDEEM
INVALID = 422
REVERSIBLE_SHOWN = 10  # on the counter page
PAYMENT_POLL_SECONDS = 2  # the page asks; the worker asks the gateway (payments.services)


def refused(request, template: str, context: dict):
    return render(request, template, context, status=INVALID)


def error_partial(request, shop, form):
    return refused(request, "dashboard/counter/_error.html", {"shop": shop, "form": form})


def code_guesses_throttled(view):
    """The API's counter rule on the page too: a device that has sent too many codes that do
    not read or are not found this window is refused until it ends (core.throttling)."""

    @wraps(view)
    def wrapper(request, shop):
        guesses = CodeFailureThrottle()
        if guesses.allow_request(request, None):
            return view(request, shop)
        form = LookupForm(request.POST)
        form.is_valid()  # the errors are for showing
        wait = {"seconds": guesses.wait()}
        form.add_error(None, _("无效的码输入过多，请 %(seconds)s 秒后再试。") % wait)
        return error_partial(request, shop, form)

    return wrapper


def refusal_show(request, form, error: DomainError) -> None:
    """A service's refusal on the form; a code that does not read or is not found is also a
    failure of this device (code_guesses_throttled)."""
    CodeFailureThrottle().failure_note(request, None, error)
    form.add_domain_error(error)


@shop_page(permission=REDEEM)
def counter(request, shop):
    """The cashier's page: the camera (jsQR in the browser), a photo, or a typed code; below,
    this shop's redemptions that can still be undone."""
    context = {
        "shop": shop,
        "form": LookupForm(),
        "window": settings.COUPON_REVERSAL_WINDOW_MINUTES,
        "reversible": [
            (redemption, reverse_form_new())
            for redemption in redemptions_reversible(shop=shop)[:REVERSIBLE_SHOWN]
        ],
    }
    return render(request, "dashboard/counter/page.html", context)


@shop_page(permission=REDEEM)
@require_POST
@code_guesses_throttled
def counter_lookup(request, shop):
    """A decoded QR or a typed code -> a partial: what it is (core.codes.scan_resolve, then
    dashboard.counter.HANDLERS)."""
    form = LookupForm(request.POST)
    if form.is_valid():
        try:
            scan = code_read(form.cleaned_data["code"])
            scan = scan_resolve(user=request.user, shop=shop, scan=scan)
            return scan_handle(request, shop, scan)
        except DomainError as error:
            refusal_show(request, form, error)
    return error_partial(request, shop, form)


@shop_page(permission=REDEEM)
@require_POST
@code_guesses_throttled
def coupon_redeem(request, shop):
    form = CouponRedeemForm(request.POST)
    template = "dashboard/counter/_coupon.html"
    if not form.is_valid():
        return lookup_again(request, shop, form, template, coupon_context)
    fields = form.cleaned_data
    try:
        _status, body, replayed = coupon_services.coupon_counter_redeem(
            user=request.user,
            shop=shop,
            code=fields["code"],
            order_amount_fen=fields["order_amount_fen"],
            once=once_of_form(request, fields["idempotency_key"]),
            render=lambda redemption: (201, {"redemption": redemption.pk}),
        )
    except DomainError as error:
        refusal_show(request, form, error)
        return lookup_again(request, shop, form, template, coupon_context)
    redemption = Redemption.objects.select_related("coupon", "campaign").get(
        pk=body["redemption"], shop=shop
    )
    context = {
        "shop": shop,
        "redemption": redemption,
        "replayed": replayed,
        "reverse_form": reverse_form_new(),
    }
    return render(request, "dashboard/counter/_coupon_done.html", context)


@shop_page(permission=REDEEM)
@require_POST
def coupon_reverse(request, shop, redemption_id: int):
    """Undo a redemption made by mistake here, within the reversal window: the coupon can be
    used again; the record stays, marked reversed (coupons.services.redemption_reverse)."""
    form = CouponReverseForm(request.POST)
    if form.is_valid():
        fields = form.cleaned_data
        try:
            _status, body, replayed = coupon_services.redemption_counter_reverse(
                user=request.user,
                redemption_id=redemption_id,
                shop=shop,
                reason=fields["reason"],
                once=once_of_form(request, fields["idempotency_key"]),
                render=lambda redemption: (200, {"redemption": redemption.pk}),
            )
        except NotFound as error:
            raise Http404 from error
        except DomainError as error:
            form.add_domain_error(error)
        else:
            redemption = Redemption.objects.get(pk=body["redemption"], shop=shop)
            context = {"shop": shop, "redemption": redemption, "replayed": replayed}
            return render(request, "dashboard/counter/_coupon_reversed.html", context)
    return error_partial(request, shop, form)


def lookup_again(request, shop, form, template, context_of, **extra):
    """The found coupon, card or order again with the form's errors; if the code itself no
    longer reads (a tampered form), just the errors."""
    try:
        code = form.data.get("code", "")
        context = context_of(shop, code, form) if not extra else context_of(shop, code, **extra)
    except DomainError as error:
        refusal_show(request, form, error)
        return error_partial(request, shop, form)
    return refused(request, template, context)


def purchase_body(result) -> tuple[int, dict]:
    quote = result.quote
    return 201, {
        "amount_fen": quote.amount_fen,
        "discount_fen": quote.discount_fen,
        "points_used": quote.points_used,
        "points_value_fen": quote.points_value_fen,
        "balance_used_fen": result.balance_used_fen,
        "cash_due_fen": result.cash_due_fen,
        "points_earned": sum(e.points_delta for e in result.entries if e.kind == "earn"),
        "points_after": result.card.points,
        "balance_after_fen": result.card.balance_fen,
    }


@shop_page(permission=REDEEM)
@require_POST
@code_guesses_throttled
def card_purchase(request, shop):
    form = CardPurchaseForm(request.POST)
    template = "dashboard/counter/_card.html"

    def again():
        return lookup_again(request, shop, form, template, card_context, purchase=form)

    if not form.is_valid():
        return again()
    fields = form.cleaned_data
    try:
        card, (_status, body, replayed) = card_services.card_counter_purchase(
            user=request.user,
            shop=shop,
            code=fields["code"],
            amount_fen=fields["amount_fen"],
            points=fields["points"],
            balance_fen=fields["balance_fen"],
            password=fields["password"],
            once=once_of_form(request, fields["idempotency_key"]),
            render=purchase_body,
        )
    except DomainError as error:
        refusal_show(request, form, error)
        return again()
    context = {"shop": shop, "card": card, "result": body, "replayed": replayed}
    return render(request, "dashboard/counter/_card_purchase_done.html", context)


def top_up_body(result) -> tuple[int, dict]:
    """What the page keeps of a top-up: paid (201) with the card's figures, or a payment code
    still waiting for the customer (202) or declined (402), followed on the payment."""
    payment = result.payment
    status = {PaymentStatus.SUCCEEDED: 201, PaymentStatus.PENDING: 202}.get(payment.status, 402)
    return status, {
        "payment": payment.pk,
        "amount_fen": payment.amount_fen,
        "bonus_fen": sum(e.balance_delta_fen for e in result.entries if e.kind == "bonus"),
        "balance_after_fen": result.card.balance_fen,
    }


@shop_page(permission=REDEEM)
@require_POST
@code_guesses_throttled
def card_top_up(request, shop):
    form = CardTopUpForm(request.POST, code_payments=code_payments())
    template = "dashboard/counter/_card.html"

    def again():
        return lookup_again(request, shop, form, template, card_context, top_up=form)

    if not form.is_valid():
        return again()
    fields = form.cleaned_data
    try:
        card, (status, body, replayed) = card_services.card_counter_top_up(
            user=request.user,
            shop=shop,
            code=fields["code"],
            amount_fen=fields["amount_fen"],
            method=fields["method"],
            auth_code=fields["auth_code"],
            once=once_of_form(request, fields["idempotency_key"]),
            render=top_up_body,
        )
    except DomainError as error:
        refusal_show(request, form, error)
        return again()
    if status != 201:  # a payment code: the customer's steps, followed until final
        return payment_partial(request, shop, body["payment"])
    context = {"shop": shop, "card": card, "result": body, "replayed": replayed}
    return render(request, "dashboard/counter/_card_top_up_done.html", context)


def payment_partial(request, shop, payment_id: int):
    try:
        payment = counter_payment(payment_id=payment_id, shop_ids=[shop.pk])
    except NotFound as error:
        raise Http404 from error
    steps: list[dict] = []
    for step in payment_steps(payment):
        if steps and steps[-1]["text"] == step["text"]:
            steps.pop()  # "still waiting" once, at its latest time: one line per step
        steps.append({"at": datetime.fromisoformat(step["at"]), "text": step["text"]})
    context = {
        "shop": shop,
        "payment": payment,
        "method": payment_backend(payment.backend).label,
        "steps": steps,
        "card": top_up_card(payment),
        "poll_seconds": PAYMENT_POLL_SECONDS,
        "wait": settings.PAYMENT_CODE_WAIT_SECONDS,
    }
    return render(request, "dashboard/counter/_payment.html", context)


@shop_page(permission=REDEEM)
def counter_payment_progress(request, shop, payment_id: int):
    """A payment taken at this counter, step by step: the page asks again every few seconds
    while the payment code waits for the customer, and stops once it is final."""
    return payment_partial(request, shop, payment_id)


@shop_page(permission=REDEEM)
@require_POST
@code_guesses_throttled
def order_consume(request, shop):
    form = OrderConsumeForm(request.POST)
    template = "dashboard/counter/_order.html"

    def order_again(shop_, code, form_):
        return order_context(request, shop_, code, form_)

    if not form.is_valid():
        return lookup_again(request, shop, form, template, order_again)
    fields = form.cleaned_data
    try:
        _status, _body, replayed = order_services.order_counter_consume(
            user=request.user,
            shop=shop,
            code=fields["code"],
            once=once_of_form(request, fields["idempotency_key"]),
            render=lambda order: (200, {"order": order.pk}),
        )
    except DomainError as error:
        refusal_show(request, form, error)
        return lookup_again(request, shop, form, template, order_again)
    order = order_here(request, shop, fields["code"])
    context = {"shop": shop, "order": order, "replayed": replayed}
    return render(request, "dashboard/counter/_order_done.html", context)
