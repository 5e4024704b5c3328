"""Coupon pages: the designer (with its server-rendered preview), the list's funnel, a
campaign's charts and actions, all through the coupons app's services."""

import json
import re

import pytest
from django.urls import reverse

from coupons.models import Campaign, CampaignStatus, Coupon
from tests.coupons.factories import CampaignFactory, CouponFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"dashboard:{name}", args=args)


def design(**override):
    return {
        "title": "新客立减",
        "benefit_kind": "amount_off",
        "amount_off_fen": "20",
        "min_spend_fen": "100",
        "validity": "relative",
        "valid_days_after_issue": "30",
        "total_quantity": "500",
        "per_customer_limit": "1",
        "audience": "anyone",
        **override,
    }


def test_the_designer_creates_a_draft_then_publishes_it(owner, merchant):
    response = owner.post(url("campaign-new"), design())
    campaign = Campaign.objects.get(merchant=merchant)
    assert response.status_code == 302 and response["Location"] == url("campaign", campaign.pk)
    assert (campaign.amount_off_fen, campaign.min_spend_fen) == (2000, 10000)
    assert campaign.status == CampaignStatus.DRAFT
    owner.post(url("campaign-transition", campaign.pk, "publish"))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PUBLISHED
    listed = owner.get(url("campaigns")).content.decode()
    assert "新客立减" in listed and "满100元减20元" in listed and "已发布" in listed


def test_the_preview_words_the_coupon_as_typed(owner):
    preview = owner.post(url("campaign-preview"), design(amount_off_fen="15.5"))
    assert "满100元减15.5元" in preview.content.decode()
    assert "领取后 30 天内有效" in preview.content.decode()
    empty = owner.post(url("campaign-preview"), {"benefit_kind": "amount_off"})
    assert empty.status_code == 200 and "请填写优惠内容" in empty.content.decode()


def test_designer_errors_are_shown_beside_their_fields_in_chinese(owner, merchant):
    response = owner.post(url("campaign-new"), design(title="", total_quantity="0"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["title"] == ["该字段是必填项。"]
    assert errors["total_quantity"] == ["确保该值大于或等于1。"]
    refused = owner.post(url("campaign-new"), design(amount_off_fen=""))  # the service's rule
    assert refused.status_code == 422
    assert refused.context["form"].errors["amount_off_fen"] == ["该优惠类型需要填写此项。"]
    assert 'aria-invalid="true"' in refused.content.decode()
    assert not Campaign.objects.exists()


def test_a_published_campaign_only_changes_in_the_holders_favour(owner, merchant):
    campaign = CampaignFactory(merchant=merchant)
    response = owner.post(
        url("campaign-edit", campaign.pk),
        design(
            validity="fixed",
            valid_from=campaign.valid_from.strftime("%Y-%m-%dT%H:%M"),
            valid_until=campaign.valid_until.strftime("%Y-%m-%dT%H:%M"),
            amount_off_fen="10",
            total_quantity="100",
        ),
    )
    assert response.status_code == 422
    assert response.context["form"].errors["amount_off_fen"] == ["优惠金额只能提高。"]


def test_the_campaign_page_charts_its_funnel_and_sends_and_prints(owner, merchant):
    campaign = CampaignFactory(merchant=merchant)
    CouponFactory(campaign=campaign)
    page = owner.get(url("campaign", campaign.pk)).content.decode()
    chart = json.loads(re.search(r'id="campaign-chart"[^>]*>(.*?)</script>', page).group(1))
    assert chart["funnel"]["counts"] == [1, 1, 0]
    assert reverse("merchant-campaign-stats-csv", kwargs={"pk": campaign.pk}) in page

    key = re.search(r'name="idempotency_key" value="([^"]*)"', page).group(1)
    issue = {"phones": "13900000001\n13900000002", "idempotency_key": key}
    assert owner.post(url("campaign-issue", campaign.pk), issue).status_code == 302
    owner.post(url("campaign-issue", campaign.pk), issue)  # a resubmitted form
    assert Coupon.objects.filter(campaign=campaign, channel="issue").count() == 2

    bad = owner.post(url("campaign-issue", campaign.pk), {"phones": "12", "idempotency_key": key})
    assert bad.status_code == 422
    assert bad.context["issue_form"].errors["phones"] == ["手机号 12 无效。"]

    paper = {"count": "8", "idempotency_key": "dash-paper-batch-1"}
    owner.post(url("campaign-paper", campaign.pk), paper)
    batch = campaign.paper_batches.get()
    pdf_url = reverse(
        "merchant-campaign-paper-batch-pdf", kwargs={"pk": campaign.pk, "batch_id": batch.pk}
    )
    assert pdf_url in owner.get(url("campaign", campaign.pk)).content.decode()
    pdf = owner.get(pdf_url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_merchants_campaign_is_not_found(other_merchant_owner, merchant):
    campaign = CampaignFactory(merchant=merchant)
    for name in ("campaign", "campaign-edit"):
        assert other_merchant_owner.get(url(name, campaign.pk)).status_code == 404
    response = other_merchant_owner.post(url("campaign-transition", campaign.pk, "end"))
    assert response.status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PUBLISHED


def test_the_segments_audience_has_its_picker_and_saves(owner, merchant):
    """ "客户分群" always failed with "请选择至少一个客户分群": the form had no picker."""
    page = owner.get(url("campaign-new")).content.decode()
    assert 'name="segments"' in page and "流失预警" in page
    response = owner.post(
        url("campaign-new"), design(audience="segments", segments=["at_risk", "lost"])
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(merchant=merchant)
    assert campaign.audience == "segments" and campaign.segments == ["at_risk", "lost"]
    edit = owner.get(url("campaign-edit", campaign.pk)).content.decode()
    assert re.search(r'value="at_risk"[^>]*checked', edit)
    missing = owner.post(url("campaign-new"), design(audience="segments"))
    assert missing.status_code == 422
    assert "请选择至少一个客户分群" in missing.content.decode()


def test_services_are_listed_with_their_shop(owner, merchant):
    from tests.factories import ServiceFactory, ShopFactory

    for shop_name in ("静安店", "徐汇店"):
        ServiceFactory(shop=ShopFactory(merchant=merchant, name=shop_name), name="洗剪吹")
    page = owner.get(url("campaign-new")).content.decode()
    assert "静安店 · 洗剪吹" in page and "徐汇店 · 洗剪吹" in page


def test_the_designer_lists_its_errors_at_the_top_and_shows_only_the_chosen_fields(owner):
    response = owner.post(
        url("campaign-new"), design(title="", amount_off_fen="", total_quantity="0")
    )
    assert response.status_code == 422
    page = response.content.decode()
    summary = page[page.index('id="form-errors"') : page.index('id="campaign-form"', 0) + 2000]
    top = page.index('id="form-errors"')
    assert top < page.index('name="title"')  # above the fields
    assert "标题</a>：" in summary and "发行量</a>：" in summary
    # Each field is in its own box the designer's script hides by benefit, validity, audience.
    for name in (
        "amount_off_fen",
        "percent_off",
        "valid_from",
        "valid_days_after_issue",
        "segments",
    ):
        assert f'class="field field-{name}"' in page
    assert "dashboard/coupons.js" in page


def test_publish_and_end_ask_first_with_a_summary(owner, merchant):
    campaign = CampaignFactory(merchant=merchant, title="新客满100减20", status="draft")
    page = owner.get(url("campaign", campaign.pk)).content.decode()
    assert 'data-confirm="发布「新客满100减20」：满100元减20元' in page
    assert "confirm.js" in page
    owner.post(url("campaign-transition", campaign.pk, "publish"))
    page = owner.get(url("campaign", campaign.pk)).content.decode()
    assert 'data-confirm="结束「新客满100减20」' in page and "结束后不能恢复" in page
