"""The one counter entry point: staff with `redeem` in the shop named; another merchant's shop
is 404."""

from . import Row, merchant_object


def scan_coupon(world) -> dict:
    return {"shop": world.shop_a.pk, "code": world.coupon_a.code}


ROWS = [
    Row("merchant-counter-scan", "POST", merchant_object(200), body=scan_coupon),
]
