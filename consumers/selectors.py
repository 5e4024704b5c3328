from datetime import date, datetime, time, timedelta

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.codes import InvalidCode, qr_payload_read, short_code_normalize
from core.errors import NotFound
from merchants.models import Shop, ShopStatus, StaffPermission
from merchants.selectors import merchant_permission_check, shops_of
from payments.models import PaymentStatus

from .errors import OrderWrongShop
from .models import Order, OrderState, Review, ReviewStatus, TimeSlot

ORDER_RELATED = (
    "shop",
    "shop__order_policy",
    "service",
    "slot",
    "consumer",
    "review",
    "payment",
)


def orders_of_consumer(user: User) -> QuerySet[Order]:
    return Order.objects.filter(consumer=user).select_related(*ORDER_RELATED)


def orders_of_merchant_user(user: User) -> QuerySet[Order]:
    """The orders of the shops a dashboard user can see (staff: their assigned shops). An order
    is the shop's once paid: those awaiting payment, or closed unpaid, are left out."""
    return (
        Order.objects.filter(shop__in=shops_of(user))
        .exclude(state=OrderState.AWAITING_PAYMENT)
        .exclude(payment__status=PaymentStatus.CLOSED)
        .select_related(*ORDER_RELATED)
    )


def order_for_merchant(*, user: User, order_id: int, permission: str) -> Order:
    """One of the user's shops' orders, if the user may act on it; anyone else's is 404."""
    order = orders_of_merchant_user(user).filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    merchant_permission_check(user=user, permission=permission, shop=order.shop)
    return order


def order_code_read(scanned_or_typed: str) -> str:
    """An order code from a scanned QR payload (`O2O:O:<code>:<sig>`) or a typed code."""
    text = scanned_or_typed.strip()
    if text.upper().startswith("O2O:"):
        kind, code = qr_payload_read(text)
        if kind != "O":
            raise InvalidCode()
        return code
    return short_code_normalize(text)


def order_code_held(*, user: User, shop: Shop, value: str) -> bool:
    """The counter's finder for typed codes (core.codes.scan_resolve): an order in the user's
    shops (another shop's is then named by order_for_counter)."""
    return orders_of_merchant_user(user).filter(code=value).exists()


def order_for_counter(*, user: User, code: str, shop_id: int | None = None) -> Order:
    """The order a cashier scanned or typed, in one of the user's shops, if the user may redeem
    there. A forged QR is refused before any lookup; another merchant's order is 404; with the
    cashier's `shop_id`, another shop's order of the same merchant is 403 `wrong_shop`."""
    order = orders_of_merchant_user(user).filter(code=order_code_read(code)).first()
    if order is None:
        raise NotFound()
    if shop_id is not None and order.shop_id != shop_id:
        raise OrderWrongShop(
            _("该订单属于「%(shop)s」，请在该门店核销。") % {"shop": order.shop.name}
        )
    merchant_permission_check(user=user, permission=StaffPermission.REDEEM, shop=order.shop)
    return order


def shop_public(shop_id: int) -> Shop:
    shop = Shop.objects.filter(pk=shop_id, status=ShopStatus.ACTIVE).first()
    if shop is None:
        raise NotFound()
    return shop


def slots_available(
    *, shop: Shop, service_id: int | None, day: date | None, now: datetime
) -> QuerySet[TimeSlot]:
    """Future slots with room left, of one service (with the shop's shared slots) or all."""
    slots = TimeSlot.objects.filter(shop=shop, starts_at__gt=now)
    if service_id is not None:
        slots = slots.filter(Q(service_id=service_id) | Q(service__isnull=True))
    if day is not None:
        start = timezone.make_aware(datetime.combine(day, time()))
        slots = slots.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
    return slots.filter(booked__lt=F("capacity")).order_by("starts_at", "pk")


def reviews_public(shop: Shop) -> QuerySet[Review]:
    """What everyone sees on a shop's page: visible reviews, with photos and replies."""
    return (
        Review.objects.filter(shop=shop, status=ReviewStatus.VISIBLE)
        .select_related("consumer")
        .prefetch_related(Prefetch("photos"))
    )


# --- the merchant dashboard's inbox, day view and reviews ------------------------------------


def no_show_fee_fen(order: Order) -> int:
    """What the shop keeps if this booking is marked a no-show (its policy's percentage,
    rounded down in the consumer's favour); the rest is refunded."""
    from .models import ShopOrderPolicy

    return order.amount_fen * ShopOrderPolicy.for_shop(order.shop).no_show_fee_percent // 100


def orders_to_accept(user: User) -> QuerySet[Order]:
    """Pending orders of the user's shops, the nearest acceptance deadline first."""
    from .models import OrderState

    return (
        orders_of_merchant_user(user).filter(state=OrderState.PENDING).order_by("accept_by", "pk")
    )


def bookings_between(user: User, start: datetime, end: datetime) -> QuerySet[Order]:
    """Live bookings (pending or confirmed) of the user's shops starting in [start, end)."""
    from .models import OrderKind, OrderState

    return (
        orders_of_merchant_user(user)
        .filter(
            kind=OrderKind.BOOKING,
            state__in=[OrderState.PENDING, OrderState.CONFIRMED],
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .order_by("starts_at", "pk")
    )


def bookings_of_day(user: User, day: date) -> QuerySet[Order]:
    """Every booking of the user's shops on a local day, whatever became of it."""
    from .models import OrderKind

    start = timezone.make_aware(datetime.combine(day, time()))
    return (
        orders_of_merchant_user(user)
        .filter(
            kind=OrderKind.BOOKING, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
        )
        .order_by("shop_id", "slot__resource_name", "starts_at", "pk")
    )


def disputes_of_merchant_user(user: User):
    from .models import Dispute

    return (
        Dispute.objects.filter(order__shop__in=shops_of(user))
        .select_related("order", "order__shop", "order__service", "opened_by")
        .order_by("-pk")
    )


def orders_held_by_dispute() -> QuerySet:
    """Order ids under an open dispute: not paid out (settlement asks by "payout_holds")."""
    from .models import Dispute, DisputeStatus

    return Dispute.objects.filter(status=DisputeStatus.OPEN).values("order_id")


def reviews_of_merchant_user(user: User) -> QuerySet[Review]:
    """Every review of the user's shops, hidden ones included, newest first."""
    return (
        Review.objects.filter(shop__in=shops_of(user))
        .select_related("shop", "consumer", "order", "order__service")
        .prefetch_related("photos")
        .order_by("-pk")
    )


def reviews_unanswered(user: User) -> QuerySet[Review]:
    return reviews_of_merchant_user(user).filter(reply_text="", status=ReviewStatus.VISIBLE)
