"""Placing an order and every step after it. Each step locks the order row, asks the state
machine (consumers.models.orders) for the transition, then does what the step means for
capacity, money, points and settlement, in the same transaction."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from consumers import billing
from consumers.errors import (
    AddressRequired,
    CancelTooLate,
    DisputeOpen,
    FulfilmentNotOffered,
    NotStartedYet,
    OutsideServiceArea,
    ServiceNotBookable,
    ServiceNotOrderable,
    SlotRequired,
    SlotUnavailable,
    VoucherExpired,
)
from consumers.locks import order_lock
from consumers.models import (
    ActorRole,
    ConsumedVia,
    Dispute,
    DisputeStatus,
    Fulfilment,
    Order,
    OrderEvent,
    OrderKind,
    OrderState,
    ServiceMode,
    ShopOrderPolicy,
    TimeSlot,
)
from consumers.selectors import no_show_fee_fen
from core import events
from core.codes import short_code_new
from merchants.errors import PublicServiceNotBookable
from merchants.models import Service, Shop, ShopStatus
from payments.backends import PayRequest
from payments.models import Payment
from payments.services import payment_abandon_on_commit
from settlement.models import EntryKind
from settlement.services import settlement_entry_record, settlement_reverse

from .slots import slot_release, slot_reserve
from .transitions import illegal, transit, transition_check

# --- placing an order ------------------------------------------------------------------------


def orderable_check(service: Service) -> None:
    shop = service.shop
    if not service.is_active or shop.status != ShopStatus.ACTIVE:
        raise ServiceNotOrderable()
    if shop.is_public_service:
        raise PublicServiceNotBookable()


def slot_check(*, slot: TimeSlot, service: Service, now: datetime) -> None:
    if not service.bookable:
        raise ServiceNotBookable(fields={"slot": [str(ServiceNotBookable.message)]})
    belongs = slot.shop_id == service.shop_id and slot.service_id in (None, service.pk)
    if not belongs or slot.starts_at <= now:
        raise SlotUnavailable(fields={"slot": [str(SlotUnavailable.message)]})


def fulfilment_check(
    *, policy: ShopOrderPolicy, fulfilment: str, slot: TimeSlot | None, home: dict
) -> Point | None:
    """Which way the service is delivered, as the shop offers it; the home location if any."""
    offered = {
        ServiceMode.IN_SHOP: {Fulfilment.IN_SHOP},
        ServiceMode.AT_HOME: {Fulfilment.AT_HOME},
        ServiceMode.EITHER: {Fulfilment.IN_SHOP, Fulfilment.AT_HOME},
    }[policy.service_mode]
    if fulfilment not in offered:
        raise FulfilmentNotOffered(fields={"fulfilment": [str(FulfilmentNotOffered.message)]})
    if fulfilment != Fulfilment.AT_HOME:
        return None
    if slot is None:
        raise SlotRequired(fields={"slot": [str(SlotRequired.message)]})
    if not home.get("address") or home.get("lat") is None or not home.get("contact_phone"):
        raise AddressRequired(fields={"address": [str(AddressRequired.message)]})
    location = Point(home["lng"], home["lat"], srid=4326)
    radius = policy.home_service_radius_m
    if radius is not None:
        within = Shop.objects.filter(
            pk=policy.shop_id, location__dwithin=(location, D(m=radius))
        ).exists()
        if not within:
            raise OutsideServiceArea(fields={"address": [str(OutsideServiceArea.message)]})
    return location


@transaction.atomic
def order_create(
    *,
    consumer: User,
    service: Service,
    quantity: int = 1,
    slot: TimeSlot | None = None,
    fulfilment: str = Fulfilment.IN_SHOP,
    address: str = "",
    lat: float | None = None,
    lng: float | None = None,
    contact_phone: str = "",
    note: str = "",
    points: int = 0,
    payment_method: str | None = None,
    payment_token: str = "",
    pay: PayRequest | None = None,
) -> Order:
    """Buy a service (no slot: a voucher used any time before it expires) or book a slot.

    The slot's places are taken first, by one conditional UPDATE that cannot oversell. Then
    the points are spent and the rest is charged (`consumers.billing.order_charge`); a declined
    payment raises and rolls everything back. The order awaits payment until the gateway's
    verified notification (`order_payment_paid`; the sandbox answers at once), then is
    confirmed at once, or waits for the merchant if the shop asks to accept orders; unpaid in
    PAYMENT_TIMEOUT_MINUTES, it closes and gives back its places and points
    (`order_payment_closed`). Spending points needs the card's
    consumption password: the caller checks it first (`loyalty.services.card_password_check`),
    outside this transaction, as for a purchase at the counter.
    """
    now = timezone.now()
    orderable_check(service)
    shop = service.shop
    policy = ShopOrderPolicy.for_shop(shop)
    home = {"address": address, "lat": lat, "lng": lng, "contact_phone": contact_phone}
    location = fulfilment_check(policy=policy, fulfilment=fulfilment, slot=slot, home=home)
    if slot is not None:
        slot_check(slot=slot, service=service, now=now)
        slot_reserve(slot=slot, quantity=quantity)
    list_amount = service.price_fen * quantity
    quote = billing.member_quote(
        consumer=consumer, shop=shop, amount_fen=list_amount, points=points
    )
    order = order_new(
        consumer=consumer,
        service=service,
        slot=slot,
        quantity=quantity,
        quote=quote,
        voucher_valid_days=policy.voucher_valid_days,
        now=now,
        fulfilment=fulfilment,
        location=location,
        home=home,
        note=note,
    )
    payment = billing.order_charge(order=order, method=payment_method, token=payment_token, pay=pay)
    if payment is None:  # nothing left to pay
        order_placed(order_lock(order), note="无需支付")
    return Order.objects.get(pk=order.pk)


def order_new(
    *,
    consumer: User,
    service: Service,
    slot: TimeSlot | None,
    quantity: int,
    quote: billing.MemberQuote,
    voucher_valid_days: int,
    now: datetime,
    fulfilment: str,
    location: Point | None,
    home: dict,
    note: str,
) -> Order:
    """The order row awaiting payment, and its "create" event (order_create's)."""
    list_amount = service.price_fen * quantity
    order = Order.objects.create(
        code=short_code_new(10),
        consumer=consumer,
        merchant_id=service.shop.merchant_id,
        shop=service.shop,
        service=service,
        slot=slot,
        kind=OrderKind.BOOKING if slot else OrderKind.PURCHASE,
        quantity=quantity,
        unit_price_fen=service.price_fen,
        list_amount_fen=list_amount,
        member_discount_fen=quote.member_discount_fen,
        points_used=quote.points_used,
        points_discount_fen=quote.points_discount_fen,
        amount_fen=list_amount - quote.member_discount_fen - quote.points_discount_fen,
        card=quote.card,
        fulfilment=fulfilment,
        address=home["address"] if location else "",
        location=location,
        contact_phone=home["contact_phone"],
        note=note,
        starts_at=slot.starts_at if slot else None,
        ends_at=slot.ends_at if slot else None,
        valid_until=None if slot else now + timedelta(days=voucher_valid_days),
        state=OrderState.AWAITING_PAYMENT,
    )
    OrderEvent.objects.create(
        order=order,
        event="create",
        from_state=OrderState.AWAITING_PAYMENT,
        to_state=OrderState.AWAITING_PAYMENT,
        actor=consumer,
        actor_role=ActorRole.CONSUMER,
    )
    return order


def order_placed(order: Order, *, note: str = "") -> None:
    """A locked order just paid: confirmed at once, or waiting for the merchant to accept."""
    transit(order, "pay", actor=None, role=ActorRole.SYSTEM, note=note)
    policy = ShopOrderPolicy.for_shop(order.shop)
    if policy.requires_acceptance:
        deadline = timezone.now() + timedelta(minutes=policy.acceptance_minutes)
        order.accept_by = min(deadline, order.starts_at) if order.slot_id else deadline
        order.save(update_fields=["accept_by"])
    else:
        transit(order, "accept", actor=None, role=ActorRole.SYSTEM, note="无需商家接单")


# --- the payment's outcome (payments.purposes) -----------------------------------------------


def order_payment_paid(payment: Payment) -> bool:
    """The gateway says the order is paid. False when it closed unpaid meanwhile: the payment
    app then gives the money back."""
    order = order_lock(int(payment.reference.split(":")[1]))
    if order.state != OrderState.AWAITING_PAYMENT:
        return False
    order.payment = payment
    order_placed(order, note=f"{payment.backend} 已支付")
    return True


def order_payment_closed(payment: Payment) -> None:
    """Not paid in time (or declined): the order closes and gives back its places and points."""
    order = order_lock(int(payment.reference.split(":")[1]))
    if order.state != OrderState.AWAITING_PAYMENT:
        return
    transit(order, "expire_unpaid", actor=None, role=ActorRole.SYSTEM)
    places_release(order)
    billing.order_points_release(order)


# --- the merchant's steps --------------------------------------------------------------------


@transaction.atomic
def order_accept(*, order: Order, actor: User) -> Order:
    return transit(order_lock(order), "accept", actor=actor, role=ActorRole.MERCHANT)


@transaction.atomic
def order_cancel_by_merchant(*, order: Order, actor: User, reason: str = "") -> Order:
    """The merchant declines a pending order or cancels a confirmed one: a full refund."""
    order = order_lock(order)
    transit(order, "cancel_by_merchant", actor=actor, role=ActorRole.MERCHANT, note=reason)
    places_release(order)
    money_return(order, fee=0, by=actor)
    return order


@transaction.atomic
def order_mark_no_show(*, order: Order, actor: User) -> Order:
    """The consumer did not come: the shop keeps its no-show fee, the rest is refunded."""
    order = order_lock(order)
    transition_check(order, "mark_no_show")
    if order.starts_at > timezone.now():
        raise NotStartedYet()
    transit(order, "mark_no_show", actor=actor, role=ActorRole.MERCHANT)
    fee = no_show_fee_fen(order)  # the fee the dashboard shows before the click
    money_return(order, fee=fee, by=actor)
    return order


# --- the consumer's steps --------------------------------------------------------------------


def cancellation_fee(order: Order, now: datetime) -> int:
    """Free while pending, for vouchers, and for bookings before the shop's cut-off; after it,
    the shop's late-cancellation fee (rounded down, in the consumer's favour)."""
    if order.state in (OrderState.AWAITING_PAYMENT, OrderState.PENDING):
        return 0
    if order.kind == OrderKind.PURCHASE:
        return 0
    policy = ShopOrderPolicy.for_shop(order.shop)
    cutoff = order.starts_at - timedelta(minutes=policy.cancel_cutoff_minutes)
    return 0 if now < cutoff else percent_of(order.amount_fen, policy.late_cancel_fee_percent)


@transaction.atomic
def order_cancel_by_consumer(*, order: Order, actor: User) -> Order:
    order = order_lock(order)
    now = timezone.now()
    transition_check(order, "cancel_by_consumer")
    if order.kind == OrderKind.BOOKING and order.starts_at <= now:
        raise CancelTooLate()
    unpaid = order.state == OrderState.AWAITING_PAYMENT
    fee = cancellation_fee(order, now)
    transit(order, "cancel_by_consumer", actor=actor, role=ActorRole.CONSUMER)
    places_release(order)
    if unpaid:  # nothing was paid: close the payment at the gateway; points come back
        billing.order_points_release(order)
        payment_abandon_on_commit(payment_id=order.payment_id)
    else:
        money_return(order, fee=fee, by=actor)
    return order


# --- consumption: counter scan, the consumer's "done", or automatically ------------------------


@transaction.atomic
def order_consume(*, order: Order | int, via: str, actor: User | None) -> Order:
    """The service was delivered: the merchant earns the order (a settlement entry) and the
    consumer earns points. An order under dispute waits for the platform's decision."""
    order = order_lock(order)
    transition_check(order, "consume")
    if via != ConsumedVia.PLATFORM and dispute_is_open(order):
        raise DisputeOpen()
    if order.valid_until is not None and order.valid_until <= timezone.now():
        raise VoucherExpired()  # the expiry task refunds it
    role = {
        ConsumedVia.COUNTER: ActorRole.MERCHANT,
        ConsumedVia.CONSUMER: ActorRole.CONSUMER,
        ConsumedVia.AUTO: ActorRole.SYSTEM,
        ConsumedVia.PLATFORM: ActorRole.PLATFORM,
    }[via]
    transit(order, "consume", actor=actor, role=role, via=via)
    settlement_entry_record(order=order, kind=EntryKind.SALE, amount_fen=order.amount_fen)
    billing.order_points_earn(order=order)
    events.publish(
        "customer_touched",
        merchant_id=order.merchant_id,
        consumer_id=order.consumer_id,
        kind="purchase",
        reference=f"order:{order.code}",
        at=order.consumed_at,
        amount_fen=order.amount_fen,
        service_name=order.service.name if order.service_id else "",
        summary=f"订单 {order.code} 已消费",
    )
    return order


def auto_consume_due(now: datetime):
    """Confirmed bookings whose slot ended ORDER_AUTO_CONFIRM_HOURS ago, nobody disputing."""
    cutoff = now - timedelta(hours=settings.ORDER_AUTO_CONFIRM_HOURS)
    return Order.objects.filter(
        state=OrderState.CONFIRMED, kind=OrderKind.BOOKING, ends_at__lte=cutoff
    ).exclude(disputes__status=DisputeStatus.OPEN)


# --- expiry and refunds ----------------------------------------------------------------------


@transaction.atomic
def order_expire(*, order: Order | int) -> Order:
    """A pending order the merchant never accepted, or a voucher past its validity: closed
    with a full refund (过期退)."""
    order = order_lock(order)
    now = timezone.now()
    if order.state == OrderState.PENDING:
        event, deadline = "expire_unaccepted", order.accept_by
    else:
        event, deadline = "expire_voucher", order.valid_until
    if deadline is None or deadline > now:  # accepted, or its time not yet come
        raise illegal(order, event)
    transit(order, event, actor=None, role=ActorRole.SYSTEM)
    places_release(order)
    money_return(order, fee=0, by=None)
    return order


@transaction.atomic
def order_refund(*, order: Order, actor: User, note: str = "") -> Order:
    """The platform gives the consumer everything back (a dispute decided for them): what was
    refunded already stays refunded, the rest follows; settlement and points are reversed."""
    order = order_lock(order)
    was_confirmed = order.state == OrderState.CONFIRMED
    transit(order, "refund", actor=actor, role=ActorRole.PLATFORM, note=note)
    if was_confirmed:
        places_release(order)
    order.fee_fen, order.refunded_fen = 0, order.amount_fen
    order.save(update_fields=["fee_fen", "refunded_fen"])
    billing.order_refund(order=order, by=actor, reason=note)
    settlement_reverse(order=order)
    return order


def dispute_is_open(order: Order) -> bool:
    return Dispute.objects.filter(order=order, status=DisputeStatus.OPEN).exists()


# --- helpers ---------------------------------------------------------------------------------


def percent_of(amount_fen: int, percent: int) -> int:
    return amount_fen * percent // 100


def places_release(order: Order) -> None:
    """Give a future slot's places back when a booking ends before it is used."""
    if order.slot_id is not None and order.starts_at > timezone.now():
        slot_release(slot_id=order.slot_id, quantity=order.quantity)


def money_return(order: Order, *, fee: int, by: User | None) -> None:
    """Refund all but `fee`, which the merchant keeps and is settled like a sale; the points
    spent come back whole."""
    order.fee_fen, order.refunded_fen = fee, order.amount_fen - fee
    order.save(update_fields=["fee_fen", "refunded_fen"])
    billing.order_refund(order=order, by=by)
    if fee:
        settlement_entry_record(order=order, kind=EntryKind.FEE, amount_fen=fee)
