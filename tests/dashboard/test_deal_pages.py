"""Flash-deal pages: the composer (its audience counted before sending, through the deals
app's selector), publishing, the list, a deal's delivery stats; each role's answer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deals.models import DealRecipient, DealStatus, FlashDeal
from deals.services import flash_deal_fan_out
from merchants.models import StaffPermission
from tests.deals.factories import deal_for, hotpot_shop, subscriber

from .conftest import browser_for, staff_member

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"dashboard:{name}", args=args)


@pytest.fixture
def hotpot(merchant):
    return hotpot_shop(merchant)


def composed(shop, **override):
    return {
        "shop": shop.pk,
        "title": "午市火锅立减 30 元",
        "benefit_kind": "amount_off",
        "amount_off_fen": "30",
        "total_quantity": "100",
        "per_customer_limit": "1",
        "duration_minutes": "120",
        "target": "radius",
        "radius_m": "3000",
        **override,
    }


def test_the_composer_counts_the_audience_for_the_radius_before_sending(owner, hotpot):
    subscriber(north_m=500)
    subscriber(north_m=2500, radius_m=10_000)
    subscriber(north_m=100, category="hair")  # another category
    page = owner.get(url("deal-new"))
    assert page.status_code == 200
    assert (
        'id="deal-map"' in page.content.decode() and 'data-lat="31.228600"' in page.content.decode()
    )
    counts = {}
    for radius in (1000, 3000):
        response = owner.post(url("deal-audience"), composed(hotpot, radius_m=str(radius)))
        assert response.status_code == 200
        counts[radius] = response.context["audience"]["count"]
    assert counts == {1000: 1, 3000: 2}
    assert not FlashDeal.objects.exists() and not DealRecipient.objects.exists()
    unfinished = owner.post(url("deal-audience"), {"shop": hotpot.pk, "target": "radius"})
    assert "选好门店和推送对象后显示可触达人数" in unfinished.content.decode()
    phones = owner.post(
        url("deal-audience"),
        {
            "shop": hotpot.pk,
            "target": "customer_list",
            "customer_phones": "13800000001\n13800000002",
        },
    )
    assert phones.context["audience"]["count"] == 2


def test_the_composer_publishes_and_the_deal_page_charts_its_delivery(owner, merchant, hotpot):
    near = subscriber(north_m=500)
    response = owner.post(url("deal-new"), {**composed(hotpot), "publish": "1"})
    deal = FlashDeal.objects.get(merchant=merchant)
    assert response.status_code == 302 and response["Location"] == url("deal", deal.pk)
    assert deal.status == DealStatus.PUBLISHED and deal.radius_m == 3000
    assert deal.campaign.amount_off_fen == 3000
    flash_deal_fan_out(deal_id=deal.pk)
    page = owner.get(url("deal", deal.pk))
    assert page.status_code == 200
    chart = page.context["chart"]
    assert chart["counts"][0] == 1 and page.context["stats"]["recipients"] == 1
    assert DealRecipient.objects.filter(deal=deal, consumer=near).exists()
    assert 'id="deal-chart"' in page.content.decode()
    listed = owner.get(url("deals")).content.decode()
    assert "午市火锅立减 30 元" in listed and "已发布" in listed


def test_a_draft_is_published_from_its_page_once(owner, hotpot):
    subscriber(north_m=500)
    owner.post(url("deal-new"), {**composed(hotpot), "draft": "1"})
    deal = FlashDeal.objects.get()
    assert deal.status == DealStatus.DRAFT
    owner.post(url("deal-publish", deal.pk))
    deal.refresh_from_db()
    assert deal.status == DealStatus.PUBLISHED
    again = owner.post(url("deal-publish", deal.pk), follow=True)
    assert "该闪购已发布。" in again.content.decode()


def test_a_draft_is_edited_in_the_composer_until_it_is_published(owner, hotpot):
    subscriber(north_m=500)
    owner.post(url("deal-new"), {**composed(hotpot), "draft": "1"})
    deal = FlashDeal.objects.get()
    page = owner.get(url("deal-edit", deal.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "修改闪购草稿" in html and 'value="午市火锅立减 30 元"' in html
    assert 'name="duration_minutes" value="120"' in html
    changed = composed(hotpot, title="晚市火锅立减 40 元", amount_off_fen="40", radius_m="1500")
    assert owner.post(url("deal-edit", deal.pk), {**changed, "draft": "1"}).status_code == 302
    deal.refresh_from_db()
    assert (deal.campaign.title, deal.campaign.amount_off_fen, deal.radius_m) == (
        "晚市火锅立减 40 元",
        4000,
        1500,
    )
    assert FlashDeal.objects.count() == 1  # the same deal, not a new one
    owner.post(url("deal-edit", deal.pk), {**changed, "publish": "1"})
    deal.refresh_from_db()
    assert deal.status == DealStatus.PUBLISHED
    late = owner.get(url("deal-edit", deal.pk), follow=True)
    assert "闪购已发布，不能再修改。" in late.content.decode()


def test_composer_errors_are_shown_beside_their_fields_in_chinese(owner, hotpot):
    response = owner.post(url("deal-new"), composed(hotpot, title="", duration_minutes="1"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["title"] == ["该字段是必填项。"]
    assert errors["duration_minutes"] == ["确保该值大于或等于5。"]
    refused = owner.post(url("deal-new"), composed(hotpot, radius_m=""))  # the service's rule
    assert refused.status_code == 422
    assert refused.context["form"].errors["radius_m"] == ["按距离推送需要填写推送半径。"]
    sms = owner.post(url("deal-new"), composed(hotpot, sms="on"))
    assert sms.context["form"].errors["sms"] == ["短信仅用于指定顾客名单的闪购。"]
    far = timezone.localtime() + timedelta(days=91)
    later = owner.post(url("deal-new"), composed(hotpot, starts_at=f"{far:%Y-%m-%dT%H:%M}"))
    assert later.context["form"].errors["starts_at"] == ["开始时间须在 90 天之内。"]  # as the API
    assert 'aria-invalid="true"' in refused.content.decode()
    assert not FlashDeal.objects.exists()


def test_roles(merchant, hotpot, other_merchant_owner, consumer_browser):
    deal = deal_for(hotpot)
    pages = [url("deals"), url("deal-new"), url("deal", deal.pk)]
    manager = browser_for(staff_member(merchant, [hotpot], [StaffPermission.MANAGE_COUPONS]).user)
    for page in pages:
        assert manager.get(page).status_code == 200
    analyst = browser_for(staff_member(merchant, [hotpot], [StaffPermission.VIEW_ANALYTICS]).user)
    assert analyst.get(url("deal", deal.pk)).status_code == 200
    assert 'id="publish"' not in analyst.get(url("deal", deal.pk)).content.decode()
    for page in pages[:2]:
        assert analyst.get(page).status_code == 403
    assert analyst.post(url("deal-publish", deal.pk)).status_code == 403
    assert analyst.post(url("deal-audience"), composed(hotpot)).status_code == 403
    nobody = browser_for(staff_member(merchant, [hotpot], [StaffPermission.REDEEM]).user)
    for page in pages:
        response = nobody.get(page)
        assert (
            response.status_code == 403 and "店主未授予此操作的权限。" in response.content.decode()
        )
    assert other_merchant_owner.get(url("deal", deal.pk)).status_code == 404
    assert other_merchant_owner.post(url("deal-publish", deal.pk)).status_code == 404
    other_shop = other_merchant_owner.post(url("deal-audience"), composed(hotpot))
    assert other_shop.context["audience"]["count"] is None  # not its shop: nothing counted
    for page in pages:
        assert consumer_browser.get(page).status_code == 403
    assert browser_for().get(url("deals")).status_code == 302
    deal.refresh_from_db()
    assert deal.status == DealStatus.DRAFT


def test_a_deal_reaching_no_one_says_so_and_needs_an_explicit_confirmation(owner, hotpot):
    """It used to publish to nobody silently."""
    composer = owner.post(url("deal-new"), {**composed(hotpot), "publish": "1"})
    assert composer.status_code == 422 and not FlashDeal.objects.exists()
    page = composer.content.decode()
    assert "这条闪购现在不会推送给任何顾客（0 人）" in page and 'name="confirm_no_one"' in page
    assert "没有顾客会收到这条闪购" in page  # the live count says it too
    owner.post(url("deal-new"), {**composed(hotpot), "draft": "1"})
    deal = FlashDeal.objects.get()
    shown = owner.get(url("deal", deal.pk)).content.decode()
    assert 'id="no-one"' in shown and 'id="confirm-no-one"' in shown
    refused = owner.post(url("deal-publish", deal.pk), follow=True)
    assert "不会推送给任何顾客" in refused.content.decode()
    deal.refresh_from_db()
    assert deal.status == DealStatus.DRAFT
    owner.post(url("deal-publish", deal.pk), {"confirm_no_one": "1"})
    deal.refresh_from_db()
    assert deal.status == DealStatus.PUBLISHED
    again = owner.post(url("deal-new"), {**composed(hotpot), "publish": "1", "confirm_no_one": "1"})
    assert again.status_code == 302 and FlashDeal.objects.count() == 2


def test_publishing_asks_first_with_a_summary_of_what_goes_out(owner, hotpot):
    subscriber(north_m=500)
    owner.post(url("deal-new"), {**composed(hotpot), "draft": "1"})
    deal = FlashDeal.objects.get()
    page = owner.get(url("deal", deal.pk)).content.decode()
    assert 'data-confirm="发布「午市火锅立减 30 元」' in page and "推送给 1 位顾客" in page
    assert "confirm.js" in page
    composer = owner.get(url("deal-new")).content.decode()
    assert "推送给 {audience} 位顾客" in composer


def test_a_published_deal_is_paused_resumed_and_ended_from_its_page(owner, hotpot):
    subscriber(north_m=500)
    owner.post(url("deal-new"), {**composed(hotpot), "draft": "1", "starts_at": ""})
    deal = FlashDeal.objects.get()
    owner.post(url("deal-publish", deal.pk))
    page = owner.get(url("deal", deal.pk)).content.decode()
    assert 'id="pause"' in page and 'id="end"' in page and "确定结束" in page
    paused = owner.post(url("deal-transition", deal.pk, "pause"), follow=True).content.decode()
    assert "闪购已暂停" in paused and 'id="resume"' in paused
    deal.refresh_from_db()
    assert deal.campaign.status == "paused"
    assert flash_deal_fan_out(deal_id=deal.pk).skipped == "paused"  # no push while paused
    assert not DealRecipient.objects.exists()
    owner.post(url("deal-transition", deal.pk, "resume"))
    deal.refresh_from_db()
    assert deal.campaign.status == "published"
    ended = owner.post(url("deal-transition", deal.pk, "end"), follow=True).content.decode()
    assert "闪购已结束" in ended and 'id="pause"' not in ended and 'id="end"' not in ended
    deal.refresh_from_db()
    assert deal.campaign.status == "ended" and deal.fanout_finished_at is not None
    late = owner.post(url("deal-transition", deal.pk, "pause"), follow=True).content.decode()
    assert "活动当前状态不允许此操作。" in late
