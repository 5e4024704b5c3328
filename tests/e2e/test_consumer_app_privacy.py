"""The consumer app's sign-in with an SMS code, its policies, 隐私与授权 (consents, the use of
my location, my data as a file, cancelling my account) and card invitations, in Debian's
Chromium at 390x844 (as tests/e2e/test_consumer_app.py)."""

import re
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from geo.models import LocationConsent
from privacy.models import Consent, DataExport, DeletionRequest
from privacy.tasks import data_export_prepare
from tests.conftest import client_for
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.factories import PASSWORD, MerchantFactory, UserFactory
from tests.loyalty.factories import program_create
from tests.privacy.conftest import publish
from tests.sms import texts_to
from verification.models import SmsCode

from .test_consumer_app import (  # noqa: F401 (fixture)
    app_sign_in,
    built_app,
    login_open,
    phone_shot,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def sms_delivered_at_once(settings, tmp_path):
    """Every text goes out as it is committed, through the file backend in tmp_path, where
    tests.sms.texts_to reads it: a Celery worker left from another test cannot take it first
    (and strip its code) before the test reads it."""
    from config.celery_app import app

    settings.NOTIFICATION_SMS_BACKEND = "notifications.backends.file.FileBackend"
    settings.NOTIFICATION_FILE_PATH = tmp_path
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def policies():
    publish("privacy", 1, title="隐私政策")
    publish("terms", 1, title="用户协议")


def captcha_read(page) -> str:
    """What a person reads in the challenge's picture (once the new one is shown)."""
    image = page.locator("[data-test=captcha-image]")
    expect(image).to_be_visible()
    for _ in range(50):
        key = re.search(r"/captcha/image/(\w+)/", image.get_attribute("src")).group(1)
        found = CaptchaStore.objects.filter(hashkey=key).first()
        if found is not None:
            return found.response
        page.wait_for_timeout(100)
    raise AssertionError("no live captcha on the page")


def test_a_new_phone_signs_in_with_an_sms_code_after_accepting_the_policies(
    page, policies, tmp_path
):
    phone = "13812340001"
    page.goto("/app/login")
    expect(page.get_by_role("tab", name="短信登录")).to_have_attribute("aria-selected", "true")
    page.get_by_label("手机号").fill(phone)
    expect(page.locator("[data-test=captcha-image]")).to_be_visible()
    page.get_by_label("图形验证码").fill("ZZZZ")
    page.locator("[data-test=send-code]").click()
    expect(page.get_by_role("alert")).to_contain_text("图形验证码不对")

    page.get_by_label("图形验证码").fill(captcha_read(page))
    page.locator("[data-test=send-code]").click()
    expect(page.locator("[data-test=send-code]")).to_contain_text(re.compile(r"\d+ s"))
    expect(page.locator("[data-test=send-code]")).to_be_disabled()  # the countdown
    code = texts_to(phone, tmp_path)[-1]["data"]["code"]
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("请先阅读并同意")
    expect(page.locator("[data-test=policies]")).to_contain_text("《用户协议》")
    page.locator("[data-test=policies] .van-checkbox__icon").click()
    expect(page.get_by_role("alert")).to_be_hidden()
    phone_shot(page, "app-sms-login")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("[data-test=shop]").or_(page.get_by_text("没有找到商户"))).to_be_visible()

    user = User.objects.get(phone="+86" + phone)
    assert user.phone_verified_at is not None
    granted = set(Consent.objects.filter(user=user).values_list("kind", "version"))
    assert {("privacy", 1), ("terms", 1)} <= granted


def test_registering_needs_the_sms_code_and_a_password(page, policies, tmp_path):
    phone = "13812340002"
    page.goto("/app/login")
    page.get_by_role("button", name="没有账号？注册").click()
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("图形验证码").fill(captcha_read(page))
    page.locator("[data-test=send-code]").click()
    expect(page.locator("[data-test=send-code]")).to_be_disabled()
    page.get_by_label("短信验证码").fill(texts_to(phone, tmp_path)[-1]["data"]["code"])
    page.get_by_label("密码", exact=True).fill("Correct-Horse-42")
    page.get_by_label("昵称").fill("小李")
    page.locator("[data-test=policies] .van-checkbox__icon").click()
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/app/login"))
    user = User.objects.get(phone="+86" + phone)
    assert user.name == "小李" and user.check_password("Correct-Horse-42")


def test_password_sign_in_needs_the_policies_and_a_refusal_shows_the_new_ones(page, policies):
    consumer = UserFactory(phone="+8613911113333")
    login_open(page)
    page.get_by_role("tab", name="密码登录").click()
    page.get_by_label("手机号").fill(str(consumer.phone))
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("请先阅读并同意")
    expect(page.locator("[data-test=policies]")).to_contain_text("《隐私政策》")
    page.locator("[data-test=policies] .van-checkbox__icon").click()
    publish("terms", 2, title="用户协议（修订）")  # published while the form was open
    page.get_by_role("button", name="登录", exact=True).click()

    refused = page.locator("[data-test=consent-required]")
    expect(refused).to_contain_text("《用户协议（修订）》")
    expect(refused).not_to_contain_text("隐私政策")  # accepted with the first try
    assert not page.evaluate("localStorage.getItem('o2o:session')")  # no tokens
    refused.get_by_text("《用户协议（修订）》").click()
    expect(page.locator("[data-test=policy-text]")).to_contain_text("terms v2 正文")
    page.locator(".van-popup__close-icon").click()
    page.get_by_role("button", name="同意并继续").click()
    expect(page).not_to_have_url(re.compile(r"/app/login"))
    granted = set(Consent.objects.filter(user=consumer).values_list("kind", "version"))
    assert {("privacy", 1), ("terms", 2)} <= granted


def test_sms_sign_in_refused_for_a_new_document_asks_for_a_new_code(page, policies, tmp_path):
    phone = "13812340003"
    page.clock.install()  # to pass the 60 s countdown before another code
    login_open(page)
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("图形验证码").fill(captcha_read(page))
    page.locator("[data-test=send-code]").click()
    expect(page.locator("[data-test=send-code]")).to_be_disabled()
    page.get_by_label("短信验证码").fill(texts_to(phone, tmp_path)[-1]["data"]["code"])
    page.locator("[data-test=policies] .van-checkbox__icon").click()
    publish("privacy", 2, title="隐私政策（修订）")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("[data-test=consent-required]")).to_contain_text("《隐私政策（修订）》")
    page.get_by_role("button", name="同意并继续").click()
    expect(page.get_by_role("alert")).to_contain_text("请重新获取短信验证码")
    expect(page.get_by_label("短信验证码")).to_have_value("")  # the server spent it
    expect(page.locator("[data-test=policies]")).to_contain_text("《隐私政策（修订）》")
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # a minute on
    page.clock.run_for("01:01")
    expect(page.locator("[data-test=send-code]")).to_be_enabled()
    page.get_by_label("图形验证码").fill(captcha_read(page))
    page.locator("[data-test=send-code]").click()
    expect(page.locator("[data-test=send-code]")).to_be_disabled()
    page.get_by_label("短信验证码").fill(texts_to(phone, tmp_path)[-1]["data"]["code"])
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/app/login"))
    user = User.objects.get(phone="+86" + phone)
    granted = set(Consent.objects.filter(user=user).values_list("kind", "version"))
    assert {("privacy", 2), ("terms", 1)} <= granted


def test_my_consents_location_switch_and_data_export(page, policies):
    consumer = UserFactory(phone="+8613911114444")
    for kind in ("privacy", "terms"):
        client_for(consumer).post(
            "/api/v1/me/consents/", {"kind": kind, "version": 1}, format="json"
        )
    app_sign_in(page, consumer)
    page.goto("/app/me")
    page.locator("[data-test=privacy-link]").click()
    consents = page.locator("[data-test=consent]")
    expect(consents.filter(has_text="隐私政策")).to_contain_text("已同意 v1")
    terms = consents.filter(has_text="用户协议")
    terms.get_by_role("button", name="撤回").click()
    page.get_by_role("button", name="确定").click()
    expect(terms).to_contain_text("已撤回")
    assert Consent.objects.filter(user=consumer, kind="terms").latest("pk").withdrawn_at
    terms.get_by_role("button", name="同意").click()
    expect(terms).to_contain_text("已同意 v1")

    switch = page.locator("[data-test=location-switch]")
    expect(page.locator("[data-test=location-consent]")).to_contain_text("签到")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(page.locator(".van-toast")).to_be_hidden()
    phone_shot(page, "app-privacy")
    switch.click()
    page.get_by_role("button", name="确定").click()
    expect(switch).to_have_attribute("aria-checked", "false")
    location = LocationConsent.objects.get(consumer=consumer)
    assert not location.granted and location.withdrawn_at is not None

    page.get_by_role("button", name="申请导出").click()
    expect(page.locator("[data-test=export-status]")).to_contain_text("准备中")
    data_export_prepare(DataExport.objects.get(user=consumer).pk)  # the worker's part
    download_button = page.locator("[data-test=export-download]")
    expect(download_button).to_be_visible()
    with page.expect_download() as download:
        download_button.click()
    assert "13911114444" in download.value.path().read_text()
    expect(page.locator("[data-test=export-status]")).to_contain_text("已下载")


def test_cancelling_my_account_shows_what_is_left_asks_my_password_and_can_be_undone(
    page, policies
):
    consumer = UserFactory(phone="+8613911115555")
    for kind in ("privacy", "terms"):
        client_for(consumer).post(
            "/api/v1/me/consents/", {"kind": kind, "version": 1}, format="json"
        )
    CouponFactory(holder=consumer, campaign=CampaignFactory(title="满100减20"))
    app_sign_in(page, consumer)
    page.goto("/app/me/privacy")
    expect(page.locator("[data-test=deletion-forfeit]")).to_contain_text("1 张券")
    page.get_by_label("登录密码").fill("wrong-password")
    page.locator("[data-test=deletion-forfeit] .van-checkbox__icon").click()
    page.get_by_role("button", name="申请注销").click()
    expect(page.get_by_text("未能确认是您本人")).to_be_visible()
    assert not DeletionRequest.objects.filter(user=consumer).exists()

    page.get_by_label("登录密码").fill(PASSWORD)
    page.get_by_role("button", name="申请注销").click()
    pending = page.locator("[data-test=deletion-pending]")
    expect(pending).to_contain_text("将于此时间后删除")
    expect(page.locator(".van-toast")).to_be_hidden()
    phone_shot(page, "app-deletion")
    assert DeletionRequest.objects.get(user=consumer).status == "pending"
    page.get_by_role("button", name="撤销注销").click()
    expect(pending).to_be_hidden()
    assert DeletionRequest.objects.get(user=consumer).status != "pending"


def test_cancelling_my_account_by_an_sms_code_instead_of_my_password(page, policies, tmp_path):
    consumer = UserFactory(phone="+8613911116666")
    app_sign_in(page, consumer)
    page.goto("/app/me/privacy")
    page.locator("[data-test=deletion-proof]").get_by_text("用短信验证码").click()
    expect(page.get_by_label("登录密码")).to_have_count(0)
    page.get_by_label("图形验证码").fill(captcha_read(page))
    page.locator("[data-test=send-code]").click()
    expect(page.locator(".van-toast")).to_contain_text("验证码已发送")
    sent = texts_to("13911116666", tmp_path)[-1]
    page.get_by_label("短信验证码").fill(sent["data"]["code"])
    page.get_by_role("button", name="申请注销").click()
    expect(page.locator("[data-test=deletion-pending]")).to_contain_text("将于此时间后删除")
    assert DeletionRequest.objects.get(user=consumer).status == "pending"


def test_a_card_offered_by_phone_is_accepted_or_declined_in_my_cards(page):
    consumer = UserFactory(phone="+8613911116666")
    salon = program_create(MerchantFactory(name="鑫悦美发"))
    laundry = program_create(MerchantFactory(name="净衣坊"))
    for program in (salon, laundry):
        offered = client_for(program.merchant.owner).post(
            "/api/v1/merchant/cards/", {"phone": str(consumer.phone)}, format="json"
        )
        assert offered.status_code == 201, offered.json()
    app_sign_in(page, consumer)
    page.goto("/app/cards")
    invitations = page.locator("[data-test=invitation]")
    expect(invitations).to_have_count(2)
    phone_shot(page, "app-card-invitations")
    invitations.filter(has_text="鑫悦美发").get_by_role("button", name="接受").click()
    expect(page.locator("[data-test=card]")).to_contain_text("鑫悦美发")
    invitations.filter(has_text="净衣坊").get_by_role("button", name="拒绝").click()
    expect(invitations).to_have_count(0)
    expect(page.locator("[data-test=card]")).to_have_count(1)
