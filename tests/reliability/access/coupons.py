"""Campaigns are the merchant's (owner, or staff with manage_coupons; stats also with
view_analytics); the counter needs `redeem` in the shop named; coupons are their holder's."""

from tests.reliability.world import png_upload

from . import (
    IDEMPOTENT,
    Row,
    consumer_list,
    consumer_object,
    everyone,
    merchant_list,
    merchant_object,
)


def campaign(world) -> dict:
    return {"pk": world.campaign_a.pk}


def draft(world) -> dict:
    return {"pk": world.draft_campaign_a.pk}


def redemption(world) -> dict:
    return {"pk": world.redemption_a.pk}


def coupon(world) -> dict:
    return {"pk": world.coupon_a.pk}


def at_counter(world) -> dict:
    return {"shop": world.shop_a.pk, "code": world.coupon_a.code, "order_amount_fen": 20_000}


NEW_CAMPAIGN = {
    "title": "周末立减",
    "benefit_kind": "amount_off",
    "amount_off_fen": 1000,
    "min_spend_fen": 5000,
    "valid_days_after_issue": 30,
    "total_quantity": 100,
}

ROWS = [
    # Consumers: claimable campaigns are public; claiming takes a consumer.
    Row("shop-campaigns", "GET", everyone(200), kwargs=lambda w: {"pk": w.shop_a.pk}),
    Row("campaign-claim", "POST", consumer_list(201), kwargs=campaign),
    Row("my-coupon-list", "GET", consumer_list(200)),
    Row("my-coupon-detail", "GET", consumer_object(200), kwargs=coupon),
    Row("my-coupon-qr", "GET", consumer_object(200), kwargs=coupon),
    # The merchant's campaigns.
    Row("merchant-campaign-list", "GET", merchant_list(200, staff=403)),
    Row(
        "merchant-campaign-list",
        "POST",
        merchant_list(201, staff=403),
        body=lambda w: NEW_CAMPAIGN,
    ),
    Row("merchant-campaign-detail", "GET", merchant_object(200), kwargs=campaign),
    Row(
        "merchant-campaign-detail",
        "PATCH",
        merchant_object(200),
        kwargs=campaign,
        body=lambda w: {"title": "新客立减（加码）"},
    ),
    Row("merchant-campaign-detail", "DELETE", merchant_object(204), kwargs=draft),
    Row("merchant-campaign-publish", "POST", merchant_object(200), kwargs=draft),
    Row("merchant-campaign-pause", "POST", merchant_object(200), kwargs=campaign),
    Row("merchant-campaign-end", "POST", merchant_object(200), kwargs=campaign),
    Row(
        "merchant-campaign-image",
        "POST",
        merchant_object(200),
        kwargs=campaign,
        body=lambda w: {"image": png_upload()},
        multipart=True,
    ),
    Row(
        "merchant-campaign-issue",
        "POST",
        merchant_object(201),
        kwargs=campaign,
        body=lambda w: {"phones": [str(w.users["consumer_b"].phone)]},
        headers=IDEMPOTENT,
    ),
    Row("merchant-campaign-coupons", "GET", merchant_object(200), kwargs=campaign),
    Row("merchant-campaign-stats", "GET", merchant_object(200), kwargs=campaign),
    Row("merchant-campaign-stats-csv", "GET", merchant_object(200), kwargs=campaign),
    Row(
        "merchant-campaign-paper-batches",
        "POST",
        merchant_object(201),
        kwargs=campaign,
        body=lambda w: {"count": 1},
        headers=IDEMPOTENT,
    ),
    Row(
        "merchant-campaign-paper-batch-pdf",
        "GET",
        merchant_object(200),
        kwargs=lambda w: {"pk": w.campaign_a.pk, "batch_id": w.paper_batch_a.pk},
    ),
    # The counter in shop A: B is told the shop does not exist.
    # The record of redemptions, like the orders: for those who work the counter (`redeem`).
    Row("redemption-list", "GET", merchant_list(200, staff=403)),
    Row(
        "redemption-list",
        "POST",
        merchant_object(201),
        body=at_counter,
        headers=IDEMPOTENT,
    ),
    Row("redemption-lookup", "POST", merchant_object(200), body=at_counter),
    Row("redemption-detail", "GET", merchant_object(200), kwargs=redemption),
    Row(
        "redemption-reverse",
        "POST",
        merchant_object(200),
        kwargs=redemption,
        body=lambda w: {"reason": "收银员误操作"},
        headers=IDEMPOTENT,
    ),
]
