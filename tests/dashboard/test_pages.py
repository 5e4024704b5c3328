"""The pages' forms reach the merchants services and show their refusals beside the fields."""

import io
import re
from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from merchants.models import Category, OpeningHours, StaffMember, StaffPermission
from tests.factories import PASSWORD, MerchantFactory, ShopFactory, UserFactory

from .conftest import browser_for

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"dashboard:{name}", args=args)


def profile_data(**override):
    return {
        "name": "鑫悦火锅（静安店）",
        "description": "",
        "categories": [Category.objects.get(slug="hotpot").pk],
        "address": "上海市静安区长乐路 1 号",
        "lat": "31.2301",
        "lng": "121.4502",
        "phone": "021-62345678",
        "price_level": "3",
        **override,
    }


def png(size=(800, 600)) -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", size, "orange").save(data, "PNG")
    return SimpleUploadedFile("photo.png", data.getvalue(), content_type="image/png")


def test_profile_saves_through_shop_update(owner, shop):
    response = owner.post(url("shop-profile", shop.pk), profile_data())
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.name, shop.name_initials, shop.price_level) == ("鑫悦火锅（静安店）", "xyhgjad", 3)
    assert (shop.location.y, shop.location.x) == (31.2301, 121.4502)
    assert str(shop.phone) == "+862162345678"
    assert set(shop.categories.values_list("slug", flat=True)) == {"hotpot", "dining"}


def test_profile_errors_are_shown_beside_their_fields_in_chinese(owner, shop):
    data = profile_data(name="", lat="95", phone="12", categories=[])
    response = owner.post(url("shop-profile", shop.pk), data)
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["name"] == ["该字段是必填项。"]
    assert form.errors["lat"] == ["确保该值小于或等于90。"]
    assert form.errors["categories"] == ["该字段是必填项。"]
    assert "phone" in form.errors
    assert 'aria-invalid="true"' in response.content.decode()
    shop.refresh_from_db()
    assert shop.name != ""


def test_photos_upload_by_kind_and_delete(owner, shop, tmp_path):
    response = owner.post(url("shop-photos", shop.pk), {"kind": "storefront", "image": png()})
    assert response.status_code == 302
    photo = shop.photos.get()
    assert photo.kind == "storefront"
    page = owner.get(url("shop-photos", shop.pk)).content.decode()
    assert photo.thumbnail.url in page
    too_small = owner.post(
        url("shop-photos", shop.pk), {"kind": "storefront", "image": png((100, 100))}
    )
    assert too_small.status_code == 422
    assert too_small.context["form"].errors["image"] == ["图片边长须在 200 到 8000 像素之间。"]
    owner.post(url("shop-photo-delete", shop.pk, photo.pk))
    assert not shop.photos.exists()
    other_shop = ShopFactory(merchant=shop.merchant)
    assert owner.post(url("shop-photo-delete", other_shop.pk, photo.pk)).status_code == 404


def test_services_are_typed_in_yuan_and_stored_in_fen(owner, shop):
    data = {"name": "烫发", "price_fen": "268.80", "duration_minutes": "150", "bookable": "on"}
    assert owner.post(url("service-new", shop.pk), data).status_code == 302
    service = shop.services.get()
    assert (service.price_fen, service.duration_minutes, service.bookable) == (26880, 150, True)
    assert "¥268.80" in owner.get(url("services", shop.pk)).content.decode()
    edit = owner.get(url("service-edit", shop.pk, service.pk)).content.decode()
    assert 'value="268.80"' in edit
    wrong = owner.post(url("service-new", shop.pk), {"name": "x", "price_fen": "1.234"})
    assert wrong.context["form"].errors["price_fen"][0].startswith("确认小数不超过 2 位")
    negative = owner.post(url("service-new", shop.pk), {"name": "x", "price_fen": "-1"})
    assert negative.status_code == 422


def test_a_public_service_cannot_be_made_bookable(merchant):
    bank = ShopFactory(merchant=merchant, categories=[Category.objects.get(slug="bank")])
    client = browser_for(merchant.owner)
    data = {"name": "开户", "price_fen": "0", "bookable": "on"}
    response = client.post(url("service-new", bank.pk), data)
    assert response.status_code == 422
    assert response.context["form"].errors["bookable"] == ["公共服务类门店不能预约或售卖服务。"]


def test_a_service_of_another_shop_is_not_found(owner, shop, merchant):
    other = ShopFactory(merchant=merchant).services.create(name="洗车", price_fen=3000)
    assert owner.get(url("service-edit", shop.pk, other.pk)).status_code == 404


def test_week_hours_with_overnight_spans_and_refusals(owner, shop):
    data = {
        "d0s0_opens": "10:00",
        "d0s0_closes": "14:00",
        "d0s1_opens": "17:00",
        "d0s1_closes": "02:00",
        "d6s0_opens": "00:00",
        "d6s0_closes": "00:00",
    }
    assert owner.post(url("hours", shop.pk), data).status_code == 302
    spans = set(OpeningHours.objects.filter(shop=shop).values_list("weekday", "opens", "closes"))
    assert spans == {(0, time(10), time(14)), (0, time(17), time(2)), (6, time(0), time(0))}
    page = owner.get(url("hours", shop.pk)).content.decode()
    assert 'value="17:00"' in page and 'name="d0s2_opens"' in page  # room for one more

    overlapping = {**data, "d0s2_opens": "13:00", "d0s2_closes": "15:00"}
    response = owner.post(url("hours", shop.pk), overlapping)
    assert response.status_code == 422
    assert "同一天的营业时段不能重叠。" in response.content.decode()
    half = owner.post(url("hours", shop.pk), {"d1s0_opens": "10:00"})
    assert half.context["week"].errors["d1s0_closes"] == ["请同时填写开门和关门时间。"]
    assert OpeningHours.objects.filter(shop=shop).count() == 3


def test_hours_exceptions_are_added_and_removed_as_partials(owner, shop):
    add = url("hours-exception-add", shop.pk)
    special = {"date": "2099-02-01", "is_closed": "open", "opens": "12:00", "closes": "01:00"}
    response = owner.post(add, special, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="hours-exceptions">')
    assert "12:00–01:00" in page and "（次日）" in page
    missing = owner.post(add, {"date": "2099-02-02", "is_closed": "open"})
    assert missing.status_code == 422
    assert missing.context["exception_form"].errors["opens"] == [
        "特殊营业日需要填写开门和关门时间。"
    ]
    assert owner.post(url("hours-exception-delete", shop.pk, "2099-02-01")).status_code == 200
    assert not shop.hours_exceptions.exists()
    assert owner.post(url("hours-exception-delete", shop.pk, "2099-02-01")).status_code == 404
    assert owner.post(url("hours-exception-delete", shop.pk, "2099-02-30")).status_code == 404
    assert shop.hours_exceptions.filter(date=date(2099, 2, 2)).count() == 0


def test_owner_creates_and_limits_staff(owner, merchant, shop):
    data = {
        "name": "小李",
        "phone": "13700009999",
        "password": PASSWORD,
        "permissions": [StaffPermission.REDEEM],
        "shops": [shop.pk],
    }
    assert owner.post(url("staff-new"), data).status_code == 302
    member = StaffMember.objects.get(user__phone="+8613700009999")
    assert member.permissions == ["redeem"] and list(member.shops.all()) == [shop]
    staff_client = browser_for()
    staff_client.post(url("login"), {"phone": "13700009999", "password": PASSWORD})
    assert staff_client.get(url("counter", shop.pk)).status_code == 200
    assert staff_client.get(url("services", shop.pk)).status_code == 403

    again = owner.post(url("staff-new"), {**data, "password": "123"})
    assert again.context["form"].errors["password"]  # Django's validators, in Chinese
    taken = owner.post(url("staff-new"), data)
    assert taken.context["form"].errors["phone"] == ["该手机号已注册。"]
    foreign = ShopFactory(merchant=MerchantFactory())
    stolen = owner.post(url("staff-new"), {**data, "phone": "13700008888", "shops": [foreign.pk]})
    assert "shops" in stolen.context["form"].errors

    update = {"permissions": [StaffPermission.MANAGE_SHOPS], "shops": [shop.pk], "is_active": "on"}
    assert owner.post(url("staff-edit", member.pk), update).status_code == 302
    assert staff_client.get(url("services", shop.pk)).status_code == 200
    assert staff_client.get(url("counter", shop.pk)).status_code == 403
    owner.post(url("staff-edit", member.pk), {**update, "is_active": ""})
    assert staff_client.get(url("home")).status_code == 302


def test_staff_list_shows_permissions_and_shops(owner, merchant, shop):
    member = StaffMember.objects.create(
        merchant=merchant,
        user=UserFactory(role="merchant_staff", name="小张"),
        permissions=[StaffPermission.REDEEM],
    )
    member.shops.set([shop])
    page = owner.get(url("staff")).content.decode()
    assert "小张" in page and "前台核销与记账" in page and shop.name in page


def test_hours_after_midnight_are_marked_next_day_and_errors_are_summarised(owner, shop):
    data = {
        "d0s0_opens": "10:00",
        "d0s0_closes": "14:00",
        "d0s1_opens": "18:00",
        "d0s1_closes": "02:00",
        "d6s0_opens": "00:00",
        "d6s0_closes": "00:00",
    }
    owner.post(url("hours", shop.pk), data)
    page = owner.get(url("hours", shop.pk)).content.decode()
    rows = re.findall(r'<div class="span-row">(.*?)</div>', page, re.S)
    marked = [row for row in rows if "next-day" in row and "hidden" not in row.split("next-day")[1]]
    assert len(marked) == 1 and 'value="18:00"' in marked[0] and "次日" in marked[0]
    half = owner.post(url("hours", shop.pk), {"d1s0_opens": "10:00"}).content.decode()
    assert half.index('id="form-errors"') < half.index('name="d0s0_opens"')
