"""Card programs, designs, cards and the counter: the merchant's own (staff need manage_cards,
or redeem at the counter); a consumer's own cards. Both merchants run a program, so the
program's singular endpoints answer each merchant about its own."""

from tests.factories import PASSWORD
from tests.reliability.world import png_upload

from . import (
    IDEMPOTENT,
    Row,
    consumer_list,
    consumer_object,
    merchant_list,
    merchant_object,
)


def card(world) -> dict:
    return {"pk": world.card_a.pk}


def at_counter(world, **fields) -> dict:
    return {"code": world.card_a.number, "shop": world.shop_a.pk, **fields}


PROGRAM = {
    "name": "金卡计划",
    "levels": [
        {"name": "普通卡", "rank": 0, "points_per_yuan": "1", "price_percent": 100, "threshold": 0}
    ],
}
OWN = merchant_list(200, staff=403)

ROWS = [
    # The program and its design: each merchant's own.
    Row("card-program", "GET", OWN),
    Row("card-program", "PUT", OWN, body=lambda w: PROGRAM),
    Row("card-design", "GET", OWN),
    Row("card-design", "PATCH", OWN, body=lambda w: {"title": "会员专享"}),
    Row(
        "card-design-image",
        "PUT",
        OWN,
        body=lambda w: {"image": png_upload()},
        multipart=True,
    ),
    Row("card-design-image", "DELETE", OWN),
    Row("card-design-preview", "GET", OWN),
    Row("card-design-publish", "POST", OWN),
    # Cards of the program: another merchant's card is not found.
    Row("merchant-cards", "GET", OWN),
    Row(
        "merchant-cards",
        "POST",
        merchant_list(201, staff=403),
        body=lambda w: {"phone": str(w.users["consumer_b"].phone)},
    ),
    Row("merchant-card", "GET", merchant_object(200), kwargs=card),
    Row(
        "merchant-card-status",
        "POST",
        merchant_object(200),
        kwargs=card,
        body=lambda w: {"status": "frozen"},
    ),
    Row("merchant-card-entries", "GET", merchant_object(200), kwargs=card),
    Row(
        "merchant-card-adjustments",
        "POST",
        merchant_object(201),
        kwargs=card,
        body=lambda w: {"points_delta": 10, "note": "补录积分"},
        headers=IDEMPOTENT,
    ),
    Row("merchant-card-print", "GET", merchant_object(200), kwargs=card),
    Row(
        "top-up-refund",
        "POST",
        merchant_object(200),
        kwargs=lambda w: {"payment_id": w.top_up_a.pk},
        body=lambda w: {"reason": "顾客搬家"},
        headers=IDEMPOTENT,
    ),
    # The counter, in shop A: staff need `redeem`; B is told shop A does not exist.
    Row("counter-card", "GET", merchant_object(200), query=at_counter),
    Row(
        "counter-purchase",
        "POST",
        merchant_object(201),
        body=lambda w: at_counter(w, amount_fen=5000),
        headers=IDEMPOTENT,
    ),
    Row(
        "counter-top-up",
        "POST",
        merchant_object(201),
        body=lambda w: at_counter(w, amount_fen=5000, method="cash"),
        headers=IDEMPOTENT,
    ),
    # The consumer's own cards: A already holds A's card (409 card_already_held).
    Row("my-cards", "GET", consumer_list(200)),
    Row(
        "my-cards",
        "POST",
        consumer_list(201, consumer_a=409),
        body=lambda w: {"shop": w.shop_a.pk},
    ),
    Row("my-card", "GET", consumer_object(200), kwargs=card),
    Row("my-card-entries", "GET", consumer_object(200), kwargs=card),
    Row("my-card-image", "GET", consumer_object(200), kwargs=card),
    Row(
        "my-card-password",
        "PUT",
        consumer_object(204),
        kwargs=card,
        body=lambda w: {"password": "246801", "login_password": PASSWORD},
    ),
    # Card invitations to consumer A's phone (from B): B's consumer is told it does not exist.
    Row("my-card-invitations", "GET", consumer_list(200)),
    Row(
        "my-card-invitation-accept",
        "POST",
        consumer_object(201),
        kwargs=lambda w: {"pk": w.invitation_a.pk},
    ),
    Row(
        "my-card-invitation-decline",
        "POST",
        consumer_object(204),
        kwargs=lambda w: {"pk": w.invitation_a.pk},
    ),
    Row(
        "my-card-top-up",
        "POST",
        consumer_object(201),
        kwargs=card,
        body=lambda w: {"amount_fen": 5000, "method": "sandbox"},
        headers=IDEMPOTENT,
    ),
]
