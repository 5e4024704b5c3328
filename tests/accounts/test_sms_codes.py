"""Signing in and registering with an SMS code: a captcha before each send, limits per phone
and per address, codes kept hashed, valid 5 minutes and 5 tries; and nothing addressed to a
phone reaches an account before it proved the phone."""

from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.utils import timezone

from accounts.models import Role, User
from notifications.models import OutboxMessage
from tests.conftest import client_for
from tests.coupons.factories import CampaignFactory
from tests.factories import PASSWORD, MerchantFactory, UserFactory
from tests.loyalty.factories import program_create
from tests.sms import captcha_solved, code_request, code_sent, texts_to
from verification.models import SmsCode
from verification.services import captcha_new, sms_code_send
from verification.throttling import SmsCodeAddressThrottle

pytestmark = pytest.mark.django_db
PHONE = "+8613812345678"
SMS_LOGIN = "/api/v1/auth/sms-login/"
REGISTER = "/api/v1/auth/register/"


def sms_login(api, code: str, phone: str = PHONE):
    return api.post(SMS_LOGIN, {"phone": phone, "code": code}, format="json")


def test_a_code_signs_in_a_new_phone_as_a_verified_consumer(api, tmp_path):
    code = code_sent(api, "13812345678", tmp_path)
    response = sms_login(api, code)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["user"]["role"] == "consumer" and body["user"]["phone_verified_at"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert api.get("/api/v1/auth/me/").json()["phone"] == PHONE
    user = User.objects.get(phone=PHONE)
    assert not user.has_usable_password()


def test_a_code_signs_in_the_phones_existing_account_and_works_once(api, tmp_path):
    owner = MerchantFactory(owner__phone=PHONE).owner
    code = code_sent(api, PHONE, tmp_path)
    response = sms_login(api, code)
    assert response.status_code == 200
    assert response.json()["user"]["id"] == owner.pk
    assert response.json()["user"]["role"] == Role.MERCHANT_OWNER
    again = sms_login(api, code)
    assert (again.status_code, again.json()["code"]) == (400, "sms_code_invalid")


def test_the_code_is_stored_hashed_and_leaves_the_outbox_with_the_sms(api, tmp_path):
    code = code_sent(api, PHONE, tmp_path)
    (text,) = texts_to(PHONE, tmp_path)
    assert code in text["body"]  # what the phone read
    row = SmsCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    sent = OutboxMessage.objects.get(address=PHONE)
    assert sent.status == "sent" and code not in sent.body and sent.data == {}


def test_five_wrong_codes_kill_the_code(api, tmp_path):
    code = code_sent(api, PHONE, tmp_path)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = [sms_login(api, wrong).json()["code"] for _ in range(5)]
    assert answers == ["sms_code_invalid"] * 4 + ["sms_code_exhausted"]
    response = sms_login(api, code)
    assert (response.status_code, response.json()["code"]) == (400, "sms_code_exhausted")
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_code_is_dead_after_five_minutes(api, tmp_path):
    code = code_sent(api, PHONE, tmp_path)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert sms_login(api, code).json()["code"] == "sms_code_invalid"


def test_no_code_leaves_without_the_right_captcha_answer_and_an_answer_works_once(api, tmp_path):
    challenge = captcha_solved(api)
    wrong = {**challenge, "captcha_answer": challenge["captcha_answer"] + "x"}
    response = api.post("/api/v1/auth/sms-code/", {"phone": PHONE, **wrong}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "captcha_invalid")
    assert "captcha_answer" in response.json()["fields"]
    # the challenge died with the wrong answer: its right answer no longer works either
    again = api.post("/api/v1/auth/sms-code/", {"phone": PHONE, **challenge}, format="json")
    assert again.json()["code"] == "captcha_invalid"
    assert texts_to(PHONE, tmp_path) == [] and not SmsCode.objects.exists()


def test_the_captcha_image_is_served(api):
    url = api.get("/api/v1/auth/captcha/").json()["image_url"]
    image = api.get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_one_code_a_minute_per_phone(api, tmp_path):
    assert code_request(api, PHONE).status_code == 202
    response = code_request(api, "13812345678")
    assert (response.status_code, response.json()["code"]) == (429, "sms_code_too_soon")
    assert len(texts_to(PHONE, tmp_path)) == 1


def test_five_codes_an_hour_and_ten_a_day_per_phone(api):
    start = timezone.now() - timedelta(hours=20)

    def send(at):
        return sms_code_send(phone=PHONE, purpose="login", **_answered(api), now=at)

    for minute in range(5):  # five in an hour, a minute apart
        send(start + timedelta(minutes=2 * minute))
    with pytest.raises(Exception) as refused:
        send(start + timedelta(minutes=30))
    assert refused.value.code == "sms_code_too_soon"
    for hour in range(1, 6):  # five more, hours later: ten today
        send(start + timedelta(hours=hour, minutes=5 * hour))
    with pytest.raises(Exception) as refused:
        send(start + timedelta(hours=10))
    assert refused.value.code == "sms_code_too_soon"
    send(start + timedelta(hours=24, minutes=1))  # the day after the first
    assert SmsCode.objects.count() == 11


def _answered(api) -> dict:
    key = captcha_new()
    return {"captcha_key": key, "captcha_answer": CaptchaStore.objects.get(hashkey=key).response}


def test_one_address_cannot_text_many_phones(api, monkeypatch):
    monkeypatch.setattr(SmsCodeAddressThrottle, "THROTTLE_RATES", {"sms_code_address": "3/hour"})
    answers = [code_request(api, f"1381234000{n}").status_code for n in range(4)]
    assert answers == [202, 202, 202, 429]
    assert SmsCode.objects.count() == 3


def test_sms_login_has_the_auth_throttle(api):
    answers = {sms_login(api, "000000").status_code for _ in range(11)}
    assert 429 in answers


def test_registration_needs_a_code_for_the_phone(api, tmp_path):
    body = {"phone": PHONE, "password": PASSWORD}
    assert api.post(REGISTER, body, format="json").json()["fields"].keys() == {"code"}
    wrong = api.post(REGISTER, {**body, "code": "123456"}, format="json")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "sms_code_invalid")
    code = code_sent(api, PHONE, tmp_path, purpose="register")
    weak = api.post(REGISTER, {**body, "password": "12345678", "code": code}, format="json")
    assert weak.json()["code"] == "weak_password"  # and the code is still good:
    response = api.post(REGISTER, {**body, "code": code}, format="json")
    assert response.status_code == 201, response.json()
    assert User.objects.get(phone=PHONE).phone_verified_at is not None


def test_a_login_code_does_not_register(api, tmp_path):
    code = code_sent(api, PHONE, tmp_path, purpose="login")
    response = api.post(REGISTER, {"phone": PHONE, "password": PASSWORD, "code": code})
    assert response.json()["code"] == "sms_code_invalid"


def test_coupons_sent_to_a_phone_wait_until_the_account_proves_it(api, tmp_path):
    """An outsider's account on the phone (made before phones were proven, or by anyone who
    did not prove it) sees nothing the merchant sent to that phone; the phone's holder, once
    they sign in with a code, does."""
    merchant = MerchantFactory()
    campaign = CampaignFactory(merchant=merchant, audience="customer_list")
    campaign.customers.create(phone=PHONE)
    unproven = UserFactory(phone=PHONE, phone_verified_at=None)
    issued = client_for(merchant.owner).post(
        f"/api/v1/merchant/campaigns/{campaign.pk}/issue/",
        {"phones": [PHONE]},
        HTTP_IDEMPOTENCY_KEY="issue-unproven-01",
    )
    assert issued.status_code == 201, issued.json()
    outsider = client_for(unproven)
    assert outsider.get("/api/v1/me/coupons/").json()["results"] == []
    claim = outsider.post(f"/api/v1/campaigns/{campaign.pk}/claim/")
    assert claim.json()["code"] == "not_in_audience"  # the phone's list is not theirs yet

    code = code_sent(api, PHONE, tmp_path)
    session = sms_login(api, code).json()
    proven = api.__class__()
    proven.credentials(HTTP_AUTHORIZATION=f"Bearer {session['access']}")
    mine = proven.get("/api/v1/me/coupons/").json()["results"]
    assert [c["campaign"]["id"] for c in mine] == [campaign.pk]


def test_a_card_offered_by_phone_reaches_only_an_account_that_proved_it():
    program = program_create()
    unproven = UserFactory(phone=PHONE, phone_verified_at=None)
    owner = client_for(program.merchant.owner)
    response = owner.post("/api/v1/merchant/cards/", {"phone": PHONE}, format="json")
    assert response.status_code == 201  # an invitation, the same answer for any number
    me = client_for(unproven)
    assert me.get("/api/v1/me/card-invitations/").json()["results"] == []
    invitation = response.json()["id"]
    accept = me.post(f"/api/v1/me/card-invitations/{invitation}/accept/")
    assert accept.status_code == 404
    assert not unproven.membership_cards.exists()

    unproven.phone_verified_at = timezone.now()
    unproven.save(update_fields=["phone_verified_at"])
    assert len(me.get("/api/v1/me/card-invitations/").json()["results"]) == 1


def test_code_errors_speak_english_on_request(api):
    response = api.post(
        SMS_LOGIN, {"phone": PHONE, "code": "123456"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["detail"] == "Wrong or expired SMS code."


def test_a_customer_a_merchant_adds_by_phone_is_linked_only_to_the_proven_account(api, tmp_path):
    from crm.models import Customer
    from crm.services.feed import customer_for_consumer

    merchant = MerchantFactory()
    unproven = UserFactory(phone=PHONE, phone_verified_at=None)
    added = client_for(merchant.owner).post(
        "/api/v1/merchant/crm/customers/", {"name": "王阿姨", "phone": PHONE}, format="json"
    )
    assert added.status_code == 201, added.json()
    assert Customer.objects.get(pk=added.json()["id"]).consumer is None
    # the unproven account's own visit does not take over the merchant's row either
    own = customer_for_consumer(merchant_id=merchant.pk, consumer=unproven, source="order")
    assert own.pk != added.json()["id"] and own.phone is None
    sms_login(api, code_sent(api, PHONE, tmp_path))
    unproven.refresh_from_db()
    assert unproven.phone_verified
