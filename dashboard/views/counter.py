"""The cashier's page and its one-tap actions. Each action parses its form, calls the service
of the app that owns the rule (coupons, loyalty, consumers) once per idempotency key, and
answers a partial: the result, or the same card with the refusal in plain words."""

from functools import wraps

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consumers import services as order_services
from consumers.models import ConsumedVia
from core.errors import DomainError
from core.throttling import CodeFailureThrottle
from coupons import services as coupon_services
from coupons.models import Redemption
from coupons.selectors import redemptions_reversible
from loyalty import services as card_services
from merchants.models import StaffPermission
from payments.errors import PaymentDeclined

from ..access import shop_page
from ..counter import (
    card_context,
    card_of,
    counter_once,
    coupon_context,
    order_context,
    order_here,
    reverse_form_new,
    scan_handle,
    scan_read,
    scan_resolve,
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
    """A decoded QR or a typed code -> a partial: what it is (dashboard.counter.HANDLERS)."""
    form = LookupForm(request.POST)
    if form.is_valid():
        try:
            fields = form.cleaned_data
            scan = scan_read(code=fields["code"])
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

        def perform():
            redemption = coupon_services.coupon_redeem(
                shop=shop,
                staff=request.user,
                code=fields["code"],
                order_amount_fen=fields["order_amount_fen"],
                idempotency_key=fields["idempotency_key"],
            )
            return 201, {"redemption": redemption.pk}

        body, replayed = counter_once(
            request, scope="coupons.redeem", key=fields["idempotency_key"], perform=perform
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
    redemption = get_object_or_404(Redemption.objects.filter(shop=shop), pk=redemption_id)
    form = CouponReverseForm(request.POST)
    if form.is_valid():
        fields = form.cleaned_data
        try:

            def perform():
                coupon_services.redemption_reverse(
                    redemption=redemption, by=request.user, reason=fields["reason"]
                )
                return 200, {"redemption": redemption.pk}

            _body, replayed = counter_once(
                request, scope="coupons.reverse", key=fields["idempotency_key"], perform=perform
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            redemption.refresh_from_db()
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
        card = card_of(shop, fields["code"])
        if fields["points"] or fields["balance_fen"]:
            # Outside the purchase's transaction: a wrong try is counted although it fails.
            card_services.card_password_check(card_id=card.pk, password=fields["password"])

        def perform():
            result = card_services.card_purchase_record(
                card_id=card.pk,
                amount_fen=fields["amount_fen"],
                points_to_use=fields["points"],
                balance_to_use_fen=fields["balance_fen"],
                shop=shop,
                by=request.user,
                idempotency_key=fields["idempotency_key"],
            )
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

        body, replayed = counter_once(
            request, scope="loyalty.purchase", key=fields["idempotency_key"], perform=perform
        )
    except DomainError as error:
        refusal_show(request, form, error)
        return again()
    context = {"shop": shop, "card": card, "result": body, "replayed": replayed}
    return render(request, "dashboard/counter/_card_purchase_done.html", context)


@shop_page(permission=REDEEM)
@require_POST
@code_guesses_throttled
def card_top_up(request, shop):
    form = CardTopUpForm(request.POST)
    template = "dashboard/counter/_card.html"

    def again():
        return lookup_again(request, shop, form, template, card_context, top_up=form)

    if not form.is_valid():
        return again()
    fields = form.cleaned_data
    try:
        card = card_of(shop, fields["code"])

        def perform():
            result = card_services.card_top_up(
                card=card,
                amount_fen=fields["amount_fen"],
                backend="cash",
                by=request.user,
                shop=shop,
                idempotency_key=fields["idempotency_key"],
            )
            if not result.succeeded:
                raise PaymentDeclined()
            bonus = sum(e.balance_delta_fen for e in result.entries if e.kind == "bonus")
            return 201, {
                "amount_fen": fields["amount_fen"],
                "bonus_fen": bonus,
                "balance_after_fen": result.card.balance_fen,
            }

        body, replayed = counter_once(
            request, scope="loyalty.top_up", key=fields["idempotency_key"], perform=perform
        )
    except DomainError as error:
        refusal_show(request, form, error)
        return again()
    context = {"shop": shop, "card": card, "result": body, "replayed": replayed}
    return render(request, "dashboard/counter/_card_top_up_done.html", context)


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
        order = order_here(request, shop, fields["code"])

        def perform():
            order_services.order_consume(order=order, via=ConsumedVia.COUNTER, actor=request.user)
            return 200, {"order": order.pk}

        _body, replayed = counter_once(
            request, scope="orders.consume", key=fields["idempotency_key"], perform=perform
        )
    except DomainError as error:
        refusal_show(request, form, error)
        return lookup_again(request, shop, form, template, order_again)
    order.refresh_from_db()
    context = {"shop": shop, "order": order, "replayed": replayed}
    return render(request, "dashboard/counter/_order_done.html", context)
