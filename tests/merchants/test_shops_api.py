import io

import pytest
from PIL import Image

from merchants.models import Category, StaffPermission
from tests.conftest import client_for
from tests.factories import MerchantFactory, ServiceFactory, ShopFactory, StaffFactory

pytestmark = pytest.mark.django_db
SHOPS = "/api/v1/merchant/shops/"
SERVICES = "/api/v1/merchant/services/"
NEW_SHOP = {
    "name": "鑫悦火锅（静安店）",
    "categories": ["hotpot"],
    "address": "上海市静安区长乐路 1 号",
    "lat": 31.2286,
    "lng": 121.4481,
    "phone": "021-62345678",
    "price_level": 3,
}


def image_file(fmt="PNG", size=(800, 600), mode="RGB", name="photo.png"):
    data = io.BytesIO()
    Image.new(mode, size, "orange").save(data, fmt)
    data.seek(0)
    data.name = name
    return data


def test_owner_publishes_a_shop_that_consumers_then_find(merchant, api):
    owner = client_for(merchant.owner)
    response = owner.post(SHOPS, NEW_SHOP)
    assert response.status_code == 201, response.json()
    shop = response.json()
    assert {c["slug"] for c in shop["categories"]} == {"hotpot", "dining"}
    assert shop["location"] == {"lat": 31.2286, "lng": 121.4481}
    hours = [{"weekday": d, "opens": "11:00", "closes": "02:00"} for d in range(7)]
    assert owner.put(f"{SHOPS}{shop['id']}/hours/", {"hours": hours}).status_code == 200
    detail = api.get(f"/api/v1/shops/{shop['id']}/").json()
    assert len(detail["hours"]) == 7
    assert detail["merchant"] == merchant.pk  # whose membership card counts here (the app)
    found = api.get("/api/v1/discover/", {"lat": 31.2286, "lng": 121.4481, "q": "hg"}).json()
    assert [s["id"] for s in found["results"]] == [shop["id"]]


def test_moving_a_shop_moves_it_in_category_discovery_too(merchant, api):
    shop = ShopFactory(merchant=merchant, categories=[Category.objects.get(slug="hotpot")])
    near_new = {"lat": 31.30, "lng": 121.51, "radius_m": 500, "category": "hotpot"}
    assert api.get("/api/v1/discover/", near_new).json()["results"] == []
    response = client_for(merchant.owner).patch(f"{SHOPS}{shop.pk}/", {"lat": 31.30, "lng": 121.51})
    assert response.status_code == 200
    assert [s["id"] for s in api.get("/api/v1/discover/", near_new).json()["results"]] == [shop.pk]


def test_hours_are_validated(merchant):
    shop = ShopFactory(merchant=merchant)
    overlapping = [
        {"weekday": 0, "opens": "10:00", "closes": "15:00"},
        {"weekday": 0, "opens": "14:00", "closes": "20:00"},
    ]
    response = client_for(merchant.owner).put(f"{SHOPS}{shop.pk}/hours/", {"hours": overlapping})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_hours"


def test_holiday_closure_shows_on_the_shop_page(merchant, api):
    shop = ShopFactory(merchant=merchant)
    owner = client_for(merchant.owner)
    response = owner.post(
        f"{SHOPS}{shop.pk}/hours-exceptions/",
        {"date": "2099-01-01", "is_closed": True, "note": "元旦休息"},
    )
    assert response.status_code == 201
    detail = api.get(f"/api/v1/shops/{shop.pk}/").json()
    assert detail["hours_exceptions"][0]["note"] == "元旦休息"
    assert owner.delete(f"{SHOPS}{shop.pk}/hours-exceptions/2099-01-01/").status_code == 204


def test_photo_upload_makes_a_thumbnail(merchant, api):
    shop = ShopFactory(merchant=merchant)
    response = client_for(merchant.owner).post(
        f"{SHOPS}{shop.pk}/photos/",
        {"kind": "storefront", "image": image_file(size=(2000, 1500))},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    photo = response.json()
    assert (photo["width"], photo["height"]) == (2000, 1500)
    with Image.open(shop.photos.get().thumbnail.path) as thumb:
        assert max(thumb.size) == 480
    found = api.get("/api/v1/discover/", {"lat": 31.2286, "lng": 121.4481}).json()
    assert found["results"][0]["cover_url"].endswith(".jpg")


@pytest.mark.parametrize(
    ("upload", "why"),
    [
        (lambda: image_file("GIF", name="a.gif"), "type"),
        (lambda: io.BytesIO(b"not an image at all"), "garbage"),
        (lambda: image_file(size=(100, 100)), "too small"),
        (lambda: image_file(size=(20000, 20000), mode="1"), "decompression bomb"),
    ],
)
def test_bad_images_are_rejected_with_400(merchant, upload, why):
    shop = ShopFactory(merchant=merchant)
    file = upload()
    file.name = getattr(file, "name", "x.png")
    response = client_for(merchant.owner).post(
        f"{SHOPS}{shop.pk}/photos/", {"kind": "storefront", "image": file}, format="multipart"
    )
    assert response.status_code == 400, why
    assert response.json()["code"] in ("invalid_image", "invalid")
    assert not shop.photos.exists()


def test_services_prices_and_public_service_shops(merchant, api):
    owner = client_for(merchant.owner)
    shop = ShopFactory(merchant=merchant)
    bank = ShopFactory(merchant=merchant, categories=[Category.objects.get(slug="bank")])
    created = owner.post(
        SERVICES,
        {
            "shop": shop.pk,
            "name": "洗剪吹",
            "price_fen": 8800,
            "duration_minutes": 45,
            "bookable": True,
        },
    )
    assert created.status_code == 201, created.json()
    assert owner.post(SERVICES, {"shop": shop.pk, "name": "x", "price_fen": -1}).status_code == 400
    refused = owner.post(
        SERVICES, {"shop": bank.pk, "name": "开户", "price_fen": 0, "bookable": True}
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "public_service_not_bookable"
    assert owner.delete(f"{SERVICES}{created.json()['id']}/").status_code == 204
    assert api.get(f"/api/v1/shops/{shop.pk}/").json()["services"] == []


def test_other_merchants_and_consumers_cannot_touch_a_shop(merchant, consumer):
    shop = ShopFactory(merchant=merchant)
    service = ServiceFactory(shop=shop)
    stranger = client_for(MerchantFactory().owner)
    assert stranger.get(f"{SHOPS}{shop.pk}/").status_code == 404
    assert stranger.patch(f"{SHOPS}{shop.pk}/", {"name": "抢店"}).status_code == 404
    assert stranger.patch(f"{SERVICES}{service.pk}/", {"price_fen": 1}).status_code == 404
    assert (
        stranger.post(SERVICES, {"shop": shop.pk, "name": "x", "price_fen": 1}).status_code == 400
    )
    assert stranger.get(SHOPS).json()["results"] == []
    assert client_for(consumer).post(SHOPS, NEW_SHOP).status_code == 403


def test_staff_edit_only_assigned_shops_and_only_when_permitted(merchant):
    assigned, other = ShopFactory(merchant=merchant), ShopFactory(merchant=merchant)
    editor = StaffFactory(merchant=merchant, permissions=[StaffPermission.MANAGE_SHOPS])
    editor.shops.set([assigned])
    cashier = StaffFactory(merchant=merchant, permissions=[StaffPermission.REDEEM])
    cashier.shops.set([assigned])
    editor_client, cashier_client = client_for(editor.user), client_for(cashier.user)
    assert editor_client.patch(f"{SHOPS}{assigned.pk}/", {"name": "新店名"}).status_code == 200
    assert editor_client.patch(f"{SHOPS}{other.pk}/", {"name": "x"}).status_code == 404
    assert [s["id"] for s in editor_client.get(SHOPS).json()["results"]] == [assigned.pk]
    denied = cashier_client.patch(f"{SHOPS}{assigned.pk}/", {"name": "x"})
    assert denied.status_code == 403
    assert editor_client.post(SHOPS, NEW_SHOP).status_code == 403  # only owners open shops
