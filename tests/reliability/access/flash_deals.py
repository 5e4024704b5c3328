"""Flash deals (merchant; live ones near a point for anyone), subscriptions, places and push
devices (consumer), the inbox (everyone)."""

from . import Row, everyone, merchant_list, merchant_object, signed_in


def consumers(ok: int) -> dict[str, int]:
    """A consumer's own collection: every consumer has one; merchants and admins do not."""
    return {
        "anonymous": 401,
        "consumer_a": ok,
        "consumer_b": ok,
        "owner_a": 403,
        "staff_a": 403,
        "owner_b": 403,
        "admin": 403,
    }


def consumer_a_only(ok: int) -> dict[str, int]:
    return {**consumers(404), "consumer_a": ok}


def users_a_only(ok: int) -> dict[str, int]:
    """A's own message: to every other signed-in user it does not exist."""
    return {**signed_in(404), "consumer_a": ok}


def device(world) -> dict:
    return {"pk": world.device_a.pk}


def deal(world) -> dict:
    return {"pk": world.deal_a.pk}


def private_deal(world) -> dict:
    return {"pk": world.private_deal_a.pk}


def message(world) -> dict:
    return {"pk": world.inbox_a.pk}


def place(world) -> dict:
    return {"pk": world.place_a.pk}


def subscription(world) -> dict:
    return {"pk": world.subscription_a.pk}


NEW_DEAL = {
    "title": "下午茶买一送一",
    "benefit_kind": "amount_off",
    "amount_off_fen": 1000,
    "total_quantity": 50,
    "duration_minutes": 90,
    "target": "radius",
    "radius_m": 2000,
}

ROWS = [
    # Live deals near a point: anyone; A's customer-list deal exists for consumer A only.
    Row("flash-deal-list", "GET", everyone(200), query={"lat": 31.2286, "lng": 121.4481}),
    Row("flash-deal-detail", "GET", {**everyone(404), "consumer_a": 200}, kwargs=private_deal),
    # The merchant's flash deals: manage_coupons (staff_a has no permission).
    Row("merchant-flash-deal-list", "GET", merchant_list(200, staff=403)),
    Row(
        "merchant-flash-deal-list",
        "POST",
        merchant_list(201, staff=403, owner_b=400),
        body=lambda w: {**NEW_DEAL, "shop": w.shop_a.pk},
    ),
    Row("merchant-flash-deal-detail", "GET", merchant_object(200), kwargs=deal),
    Row(
        "merchant-flash-deal-detail",
        "PUT",
        merchant_object(200),
        kwargs=deal,
        body=lambda w: {**NEW_DEAL, "shop": w.shop_a.pk},
    ),
    Row("merchant-flash-deal-publish", "POST", merchant_object(200), kwargs=deal),
    # deal_a is a draft: pausing, resuming or ending it is refused in words (409).
    Row("merchant-flash-deal-pause", "POST", merchant_object(409), kwargs=deal),
    Row("merchant-flash-deal-resume", "POST", merchant_object(409), kwargs=deal),
    Row("merchant-flash-deal-end", "POST", merchant_object(409), kwargs=deal),
    Row("merchant-flash-deal-stats", "GET", merchant_object(200), kwargs=deal),
    # The inbox and preferences: every signed-in user has their own.
    Row("inbox-list", "GET", signed_in(200)),
    Row("inbox-detail", "GET", users_a_only(200), kwargs=message),
    Row("inbox-read", "POST", users_a_only(200), kwargs=message),
    Row("inbox-unread-count", "GET", signed_in(200)),
    Row("inbox-read-all", "POST", signed_in(200)),
    Row("notification-preferences", "GET", signed_in(200)),
    Row(
        "notification-preferences",
        "PATCH",
        signed_in(200),
        body=lambda w: {"push": False, "quiet_start": "22:00", "quiet_end": "08:00"},
    ),
    # Consumers' phones registered for push.
    Row("my-device-list", "GET", consumers(200)),
    Row(
        "my-device-list",
        "POST",
        consumers(201),
        body=lambda w: {"platform": "android", "token": "fcm:APA91b" + "x" * 140},
    ),
    Row("my-device-detail", "DELETE", consumer_a_only(204), kwargs=device),
    Row("my-device-web-push-key", "GET", consumers(200)),
    # Consumers' places, subscriptions, check-ins and activity area.
    Row("my-place-list", "GET", consumers(200)),
    Row(
        "my-place-list",
        "POST",
        consumers(201),
        body=lambda w: {"kind": "pin", "name": "健身房", "lat": 31.2, "lng": 121.4},
    ),
    Row("my-place-detail", "GET", consumer_a_only(200), kwargs=place),
    Row(
        "my-place-detail",
        "PATCH",
        consumer_a_only(200),
        kwargs=place,
        body=lambda w: {"lat": 31.21},
    ),
    Row("my-place-detail", "DELETE", consumer_a_only(204), kwargs=place),
    Row("my-subscription-list", "GET", consumers(200)),
    Row(
        "my-subscription-list",
        "POST",
        {**consumers(201), "consumer_b": 403},  # around the area: B gave no location consent
        body=lambda w: {"category": "hotpot", "radius_m": 3000},
    ),
    Row("my-subscription-detail", "GET", consumer_a_only(200), kwargs=subscription),
    Row(
        "my-subscription-detail",
        "PATCH",
        consumer_a_only(200),
        kwargs=subscription,
        body=lambda w: {"radius_m": 1500},
    ),
    Row("my-subscription-detail", "DELETE", consumer_a_only(204), kwargs=subscription),
    Row("my-check-in-list", "GET", consumers(200)),
    Row(
        "my-check-in-list",
        "POST",
        {**consumers(201), "consumer_b": 403},  # B gave no location consent
        body=lambda w: {"lat": 31.2, "lng": 121.4},
    ),
    Row("my-activity-area", "GET", consumers(200)),
    Row("my-activity-area", "PATCH", consumers(200), body=lambda w: {"enabled": False}),
    Row("my-activity-area-refresh", "POST", consumers(200)),
]
