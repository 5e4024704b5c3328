"""Marketing SMS: only to phones that consented to the merchant (consent kept with its source
and time, shown in the CRM), to phones without an account only from merchants platform staff
verified, always with the opt-out words; a reply R/T or the unsubscribe link stops it."""

import re

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django.utils import timezone

from deals.services import flash_deal_fan_out, flash_deal_publish
from merchants.models import Merchant
from notifications.marketing import marketing_consent_set, marketing_opt_out
from notifications.models import ConsentSource, MarketingConsent, MarketingOptOut, OutboxMessage
from tests.conftest import client_for
from tests.deals.factories import deal_for, hotpot_shop
from tests.factories import PASSWORD, UserFactory
from tests.sms import code_sent, texts_to

pytestmark = pytest.mark.django_db
CALLBACKS = "/api/v1/sms/callbacks"


def merchant_verified(merchant: Merchant) -> Merchant:
    Merchant.objects.filter(pk=merchant.pk).update(
        licence_name=f"{merchant.name}有限公司",
        licence_number="91310106MA1FL1234X",
        verified_at=timezone.now(),
    )
    merchant.refresh_from_db()
    return merchant


def consented(phone, merchant, source=ConsentSource.COUNTER):
    """The phone's holder consented in writing at the merchant's counter."""
    return marketing_consent_set(phone=str(phone), merchant=merchant, granted=True, source=source)


def sms_of(deal) -> dict[str, OutboxMessage]:
    rows = OutboxMessage.objects.filter(dedupe_key=f"deal:{deal.pk}", channel="sms")
    return {row.address: row for row in rows}


def list_deal(shop, phones):
    deal = deal_for(shop, target="customer_list", customer_phones=phones, sms=True)
    deal = flash_deal_publish(deal=deal)
    flash_deal_fan_out(deal_id=deal.pk)
    return deal


def test_a_new_merchants_flash_deal_to_random_phones_texts_nobody(api, tmp_path):
    """The outsider's attempt: register a merchant, send a flash deal with SMS to two phones
    that never heard of it."""
    phone = "+8613655550000"
    code = code_sent(api, phone, tmp_path, purpose="register")
    registered = api.post(
        "/api/v1/auth/register/",
        {
            "phone": phone,
            "password": PASSWORD,
            "code": code,
            "role": "merchant_owner",
            "merchant_name": "新开小店",
        },
        format="json",
    )
    assert registered.status_code == 201, registered.json()
    owner = client_for(UserFactory._meta.model.objects.get(phone=phone))
    merchant = Merchant.objects.get(owner__phone=phone)
    shop = hotpot_shop(merchant=merchant)
    randoms = ["13911112222", "13933334444"]
    created = owner.post(
        "/api/v1/merchant/flash-deals/",
        {
            "shop": shop.pk,
            "title": "开业大酬宾",
            "benefit_kind": "amount_off",
            "amount_off_fen": 1000,
            "total_quantity": 10,
            "duration_minutes": 60,
            "target": "customer_list",
            "customer_phones": randoms,
            "sms": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    deal_id = created.json()["id"]
    assert owner.post(f"/api/v1/merchant/flash-deals/{deal_id}/publish/").status_code == 200
    flash_deal_fan_out(deal_id=deal_id)
    for random_phone in randoms:
        assert texts_to(f"+86{random_phone}", tmp_path) == []
    assert not OutboxMessage.objects.filter(channel="sms", address__in=[f"+86{p}" for p in randoms])


def test_an_unverified_merchant_reaches_no_phone_without_an_account_even_with_a_consent():
    shop = hotpot_shop()
    stranger = "+8613912340000"
    MarketingConsent.objects.create(
        phone=stranger, merchant=shop.merchant, granted=True, source=ConsentSource.COUNTER
    )  # made before the merchant lost its verification, say
    deal = list_deal(shop, [stranger])
    assert sms_of(deal) == {}


def test_only_phones_that_consented_get_marketing_sms_and_it_carries_the_opt_out_words():
    shop = hotpot_shop()
    merchant_verified(shop.merchant)
    member, silent = UserFactory(), UserFactory()
    stranger, other_stranger = "+8613912340001", "+8613912340002"
    client_for(member).put(
        f"/api/v1/me/marketing-consents/{shop.merchant.pk}/", {"granted": True}, format="json"
    )
    consented(stranger, shop.merchant)
    consented(silent.phone, merchant_verified(hotpot_shop().merchant))  # another merchant only
    deal = list_deal(shop, [member.phone, silent.phone, stranger, other_stranger])
    sent = sms_of(deal)
    assert sorted(sent) == sorted([str(member.phone), stranger])
    assert all(row.body.endswith("拒收请回复R") for row in sent.values())
    inbox = client_for(silent).get("/api/v1/me/inbox/").json()["results"]
    assert [m["data"]["deal"] for m in inbox] == [deal.pk]  # the app still tells them


def test_a_reply_r_through_the_gateway_callback_stops_further_marketing(settings):
    settings.SMS_CALLBACK_TOKEN = "cb-token-123"
    shop = hotpot_shop()
    merchant_verified(shop.merchant)
    stranger = "+8613912340003"
    consented(stranger, shop.merchant)
    assert stranger in sms_of(list_deal(shop, [stranger]))
    reply = {"phone_number": "13912340003", "content": "R", "sign_name": "邻里惠"}
    response = Client().post(
        f"{CALLBACKS}/aliyun/reply/cb-token-123/", [reply], content_type="application/json"
    )
    assert response.json() == {"code": 0, "msg": "成功"}
    opt_out = MarketingOptOut.objects.get(phone=stranger)
    assert (opt_out.source, opt_out.detail) == ("sms_reply", "R")
    consent = MarketingConsent.objects.get(phone=stranger)
    assert (consent.granted, consent.source) == (False, "sms_reply")
    assert consent.withdrawn_at is not None
    assert sms_of(list_deal(shop, [stranger])) == {}
    # the merchant cannot consent for them again; only the phone's holder can, in the app
    consented(stranger, shop.merchant)
    assert sms_of(list_deal(shop, [stranger])) == {}


def test_a_tencent_reply_td_opts_out_and_other_replies_do_not(settings):
    settings.SMS_CALLBACK_TOKEN = "cb-token-123"
    for text in ("你好", "TD"):
        Client().post(
            f"{CALLBACKS}/tencent/reply/cb-token-123/",
            {"mobile": "13912340004", "nationcode": "86", "text": text, "sign": "邻里惠"},
            content_type="application/json",
        )
    assert list(MarketingOptOut.objects.values_list("phone", "detail")) == [
        ("+8613912340004", "TD")
    ]


def test_the_unsubscribe_link_in_a_marketing_sms_opts_its_phone_out(settings, tmp_path):
    settings.SMS_UNSUBSCRIBE_URL = "https://o2o.example.com/sms/unsubscribe/"
    shop = hotpot_shop()
    merchant_verified(shop.merchant)
    stranger = "+8613912340005"
    consented(stranger, shop.merchant)
    list_deal(shop, [stranger])
    (text,) = texts_to(stranger, tmp_path)
    assert "拒收请回复R" in text["body"]
    link = re.search(r"https://o2o\.example\.com(/sms/unsubscribe/[^/]+/)", text["body"])[1]
    page = Client()
    assert "确认退订" in page.get(link).content.decode()
    assert not MarketingOptOut.objects.exists()  # looking (a link preview) changes nothing
    assert "已退订" in page.post(link).content.decode()
    assert MarketingOptOut.objects.get(phone=stranger).source == "link"
    forged = link.replace(link.split("/")[-2], link.split("/")[-2][:-2] + "xx")
    assert page.get(forged).status_code == 404


def test_an_account_must_prove_its_phone_before_consenting_in_the_app():
    merchant = hotpot_shop().merchant
    unproven = UserFactory(phone_verified_at=None)
    url = f"/api/v1/me/marketing-consents/{merchant.pk}/"
    response = client_for(unproven).put(url, {"granted": True}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "phone_not_verified")
    assert not MarketingConsent.objects.exists()


def test_the_crm_shows_each_customers_consent_with_its_source_and_time():
    shop = hotpot_shop()
    merchant = shop.merchant
    owner = client_for(merchant.owner)
    added = owner.post(
        "/api/v1/merchant/crm/customers/", {"name": "王阿姨", "phone": "13912340006"}, format="json"
    ).json()
    url = f"/api/v1/merchant/crm/customers/{added['id']}/"
    assert owner.get(url).json()["marketing_consent"] is None
    refused = owner.put(f"{url}marketing-consent/", {"granted": True}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "merchant_not_verified")
    merchant_verified(merchant)
    recorded = owner.put(f"{url}marketing-consent/", {"granted": True}, format="json")
    assert recorded.status_code == 200, recorded.json()
    consent = owner.get(url).json()["marketing_consent"]
    assert (consent["granted"], consent["source"], consent["opted_out"]) == (True, "counter", False)
    assert consent["changed_at"]
    page = Client()
    page.force_login(merchant.owner)
    html = page.get(f"/dashboard/customers/{added['id']}/").content.decode()
    assert "已同意" in html and "门店" in html


def test_platform_staff_verify_a_merchant_only_with_its_licence_details():
    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    bare, licensed = hotpot_shop().merchant, hotpot_shop().merchant
    Merchant.objects.filter(pk=licensed.pk).update(
        licence_name="上海某某餐饮有限公司", licence_number="91310000MA1K000001"
    )
    page = Client()
    page.force_login(admin)
    response = page.post(
        "/admin/merchants/merchant/",
        {"action": "verify", "_selected_action": [bare.pk, licensed.pk]},
    )
    assert response.status_code == 302
    verified = dict(Merchant.objects.values_list("pk", "verified_by"))
    assert verified == {bare.pk: None, licensed.pk: admin.pk}
    assert site.is_registered(Merchant)


def test_a_marketing_sms_still_waiting_is_dropped_when_its_phone_opts_out(tmp_path):
    shop = hotpot_shop()
    merchant_verified(shop.merchant)
    stranger = "+8613912340007"
    consented(stranger, shop.merchant)
    waiting = sms_of(list_deal(shop, [stranger]))[stranger]  # not sent yet (no worker here)
    marketing_opt_out(phone=stranger, source=ConsentSource.SMS_REPLY, detail="T")
    assert texts_to(stranger, tmp_path) == []
    waiting.refresh_from_db()
    assert (waiting.status, waiting.last_error) == ("failed", "opted_out")
