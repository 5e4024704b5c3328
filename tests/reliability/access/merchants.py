from tests.factories import PASSWORD
from tests.reliability.world import HOLIDAY, png_upload

from . import Row, everyone, merchant_list, merchant_object, owner_list, owner_object


def shop(world) -> dict:
    return {"pk": world.shop_a.pk}


def service(world) -> dict:
    return {"pk": world.service_a.pk}


NEW_SHOP = {
    "name": "新店",
    "categories": ["hair"],
    "address": "上海市静安区长乐路 1 号",
    "lat": 31.2286,
    "lng": 121.4481,
}
WEEK = {"hours": [{"weekday": d, "opens": "09:00", "closes": "21:00"} for d in range(7)]}

ROWS = [
    Row("category-list", "GET", everyone(200)),
    Row("shop-detail", "GET", everyone(200), kwargs=shop),
    # Staff accounts: the owner's alone. B may not put A's shop on its staff (400, as for
    # a shop that does not exist).
    Row("merchant-staff-list", "GET", owner_list(200)),
    Row(
        "merchant-staff-list",
        "POST",
        owner_list(201, owner_b=400),
        body=lambda w: {
            "phone": "13700005555",
            "password": PASSWORD,
            "name": "新店员",
            "shops": [w.shop_a.pk],
        },
    ),
    Row("merchant-staff-detail", "GET", owner_object(200), kwargs=lambda w: {"pk": w.cashier_a.pk}),
    Row(
        "merchant-staff-detail",
        "PATCH",
        owner_object(200),
        kwargs=lambda w: {"pk": w.cashier_a.pk},
        body=lambda w: {"permissions": ["redeem", "view_customers"]},
    ),
    # Shops: staff see the shops they work in; changing one takes `manage_shops`.
    Row("merchant-shop-list", "GET", merchant_list(200)),
    Row("merchant-shop-list", "POST", owner_list(201), body=lambda w: NEW_SHOP),
    Row("merchant-shop-detail", "GET", merchant_object(200, staff=200), kwargs=shop),
    Row(
        "merchant-shop-detail",
        "PATCH",
        merchant_object(200),
        kwargs=shop,
        body=lambda w: {"name": "改名"},
    ),
    Row("merchant-shop-hours", "PUT", merchant_object(200), kwargs=shop, body=lambda w: WEEK),
    Row(
        "merchant-shop-hours-exceptions",
        "POST",
        merchant_object(201),
        kwargs=shop,
        body=lambda w: {"date": "2099-10-01", "is_closed": True},
    ),
    Row(
        "merchant-shop-hours-exception-delete",
        "DELETE",
        merchant_object(204),
        kwargs=lambda w: {"pk": w.shop_a.pk, "day": HOLIDAY.isoformat()},
    ),
    Row(
        "merchant-shop-photos",
        "POST",
        merchant_object(201),
        kwargs=shop,
        body=lambda w: {"kind": "environment", "image": png_upload()},
        multipart=True,
    ),
    Row(
        "merchant-shop-photo-delete",
        "DELETE",
        merchant_object(204),
        kwargs=lambda w: {"pk": w.shop_a.pk, "photo_id": w.photo_a.pk},
    ),
    # Services: B may not add one to A's shop (400 "no such shop", as for a missing one).
    Row("merchant-service-list", "GET", merchant_list(200)),
    Row(
        "merchant-service-list",
        "POST",
        merchant_list(201, staff=403, owner_b=400),
        body=lambda w: {"shop": w.shop_a.pk, "name": "烫发", "price_fen": 26800},
    ),
    Row("merchant-service-detail", "GET", merchant_object(200, staff=200), kwargs=service),
    Row(
        "merchant-service-detail",
        "PATCH",
        merchant_object(200),
        kwargs=service,
        body=lambda w: {"price_fen": 9900},
    ),
    Row("merchant-service-detail", "DELETE", merchant_object(204), kwargs=service),
    Row(
        "merchant-service-photos",
        "POST",
        merchant_object(201),
        kwargs=service,
        body=lambda w: {"image": png_upload()},
        multipart=True,
    ),
]
