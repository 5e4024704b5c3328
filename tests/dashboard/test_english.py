"""English on the pages this work touched: the benefit and validity the system words, the
confirmation summaries, today's reasons and the buttons (暂停 = "Pause")."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from coupons.benefits import benefit_text, validity_text
from tests.coupons.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_benefit_and_validity_are_worded_in_english(merchant):
    threshold = CampaignFactory(merchant=merchant, min_spend_fen=30000, amount_off_fen=5000)
    percent = CampaignFactory(
        merchant=merchant,
        benefit_kind="percent_off",
        amount_off_fen=None,
        percent_off=15,
        percent_cap_fen=5000,
        min_spend_fen=0,
        valid_days_after_issue=30,
        valid_from=None,
        valid_until=None,
    )
    assert benefit_text(threshold) == "满300元减50元"
    with translation.override("en"):
        assert benefit_text(threshold) == "¥50 off orders of ¥300 or more"
        assert benefit_text(percent) == "15% off, up to ¥50 off"
        assert validity_text(percent) == "Valid for 30 days after claiming"
    assert benefit_text(percent) == "享8.5折，最多减50元"


def test_the_campaign_page_buttons_and_summary_are_english(owner, merchant):
    campaign = CampaignFactory(
        merchant=merchant, title="Spring", min_spend_fen=30000, status="draft"
    )
    page = english(owner).get(reverse("dashboard:campaign", args=[campaign.pk])).content.decode()
    assert ">Publish</button>" in page
    assert "¥20 off orders of ¥300 or more" in page
    assert "Publish “Spring”: ¥20 off orders of ¥300 or more" in page
    owner.post(reverse("dashboard:campaign-transition", args=[campaign.pk, "publish"]))
    page = owner.get(reverse("dashboard:campaign", args=[campaign.pk])).content.decode()
    assert ">Pause</button>" in page and ">End</button>" in page
    counter_free = [s for s in ("满300元减", "暂停", "确定") if s in page]
    assert counter_free == [], counter_free
