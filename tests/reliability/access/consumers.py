"""Orders, bookings, slots, reviews and disputes. A consumer's orders are theirs alone; the
merchant's side needs `redeem` for orders and the counter, `manage_shops` for slots and
policies (`redeem` also reads slots), `view_customers` or `manage_customers` to read reviews and
`manage_customers` to reply; another merchant's are not found."""

from datetime import timedelta

from tests.reliability.world import png_upload

from . import (
    IDEMPOTENT,
    Row,
    consumer_list,
    consumer_object,
    everyone,
    merchant_list,
    merchant_object,
    signed_in,
)


def shop(world) -> dict:
    return {"shop_id": world.shop_a.pk}


def order(world) -> dict:
    return {"pk": world.order_a.pk}


def visit(world) -> dict:
    return {"pk": world.visit_a.pk}


def review(world) -> dict:
    return {"pk": world.review_a.pk}


def new_slots(world) -> dict:
    start = world.slot_a.starts_at + timedelta(hours=2)
    return {
        "shop": world.shop_a.pk,
        "service": world.bookable_a.pk,
        "starts": [start.isoformat()],
        "duration_minutes": 45,
        "capacity": 2,
    }


POLICY = {"requires_acceptance": False, "cancel_cutoff_minutes": 60}
DISPUTE = {"reason": "服务与描述不符"}

ROWS = [
    # A shop's public side.
    Row("shop-slots", "GET", everyone(200), kwargs=shop),
    Row("shop-order-policy", "GET", everyone(200), kwargs=shop),
    Row("shop-reviews", "GET", everyone(200), kwargs=shop),
    Row("shop-reviews", "POST", consumer_list(201), kwargs=shop, body=lambda w: {"rating": 4}),
    Row(
        "review-report",
        "POST",
        signed_in(201),
        kwargs=lambda w: {"review_id": w.review_a.pk},
        body=lambda w: {"reason": "spam"},
    ),
    # The consumer's orders and reviews.
    Row("my-order-list", "GET", consumer_list(200)),
    Row(
        "my-order-list",
        "POST",
        consumer_list(201),
        body=lambda w: {"service": w.bookable_a.pk, "slot": w.slot_a.pk},
        headers=IDEMPOTENT,
    ),
    Row("my-order-detail", "GET", consumer_object(200), kwargs=order),
    Row("my-order-cancel", "POST", consumer_object(200), kwargs=order, headers=IDEMPOTENT),
    Row("my-order-done", "POST", consumer_object(200), kwargs=order, headers=IDEMPOTENT),
    Row(
        "my-order-dispute",
        "POST",
        consumer_object(201),
        kwargs=visit,
        body=lambda w: DISPUTE,
    ),
    Row(
        "my-order-review",
        "POST",
        consumer_object(201),
        kwargs=visit,
        body=lambda w: {"rating": 5, "text": "理发师很耐心"},
    ),
    Row("my-review-list", "GET", consumer_list(200)),
    Row(
        "my-review-photos",
        "POST",
        consumer_object(201),
        kwargs=review,
        body=lambda w: {"image": png_upload()},
        multipart=True,
    ),
    # The merchant's orders and the counter.
    Row("merchant-order-list", "GET", merchant_list(200, staff=403)),
    Row("merchant-order-detail", "GET", merchant_object(200), kwargs=order),
    Row(
        "merchant-order-accept",
        "POST",
        merchant_object(200),
        kwargs=lambda w: {"pk": w.pending_order_a.pk},
    ),
    Row(
        "merchant-order-cancel",
        "POST",
        merchant_object(200),
        kwargs=order,
        body=lambda w: {"reason": "师傅请假"},
        headers=IDEMPOTENT,
    ),
    Row(
        "merchant-order-no-show",
        "POST",
        merchant_object(200),
        kwargs=lambda w: {"pk": w.started_order_a.pk},
        headers=IDEMPOTENT,
    ),
    Row(
        "merchant-order-dispute",
        "POST",
        merchant_object(201),
        kwargs=visit,
        body=lambda w: DISPUTE,
    ),
    Row(
        "merchant-order-lookup",
        "GET",
        merchant_object(200),
        query=lambda w: {"code": w.order_a.code, "shop": w.order_a.shop_id},
    ),
    Row(
        "merchant-order-consume",
        "POST",
        merchant_object(200),
        body=lambda w: {"code": w.order_a.code, "shop": w.order_a.shop_id},
        headers=IDEMPOTENT,
    ),
    # Slots and order policies: staff with manage_shops or redeem see their shops' slots,
    # changing them takes manage_shops.
    Row("merchant-slot-list", "GET", merchant_list(200, staff=403)),
    Row("merchant-slot-list", "POST", merchant_object(201), body=new_slots),
    Row(
        "merchant-slot-detail",
        "GET",
        merchant_object(200),
        kwargs=lambda w: {"pk": w.slot_a.pk},
    ),
    Row(
        "merchant-slot-detail",
        "PATCH",
        merchant_object(200),
        kwargs=lambda w: {"pk": w.slot_a.pk},
        body=lambda w: {"capacity": 8},
    ),
    Row(
        "merchant-slot-detail",
        "DELETE",
        merchant_object(204),
        kwargs=lambda w: {"pk": w.free_slot_a.pk},
    ),
    Row("merchant-order-policy", "GET", merchant_object(200), kwargs=shop),
    Row("merchant-order-policy", "PUT", merchant_object(200), kwargs=shop, body=lambda w: POLICY),
    # Reviews of the merchant's shops: staff read them with view_customers or
    # manage_customers, replying takes manage_customers.
    Row("merchant-review-list", "GET", merchant_list(200, staff=403)),
    Row(
        "merchant-review-reply",
        "POST",
        merchant_object(200),
        kwargs=review,
        body=lambda w: {"text": "感谢您的光临"},
    ),
]
