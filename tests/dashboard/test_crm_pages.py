"""Customer (CRM) pages: the directory's search and filters, a customer's timeline, today's
list with tel:/sms: links and the outcome form, the tier roster, plans awaiting the owner's
approval, analytics; each role's answer. Every rule is the crm app's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import CrmSettings, Interaction, InteractionKind, MaintenancePlan, PlanStatus, Task
from crm.services import plan_create, plan_submit
from merchants.models import StaffPermission
from tests.crm.helpers import customer_new, purchases_add

from .conftest import browser_for, staff_member

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"dashboard:{name}", args=args)


@pytest.fixture
def customers(merchant):
    CrmSettings.objects.create(merchant=merchant, random_sample_size=0, holiday_tiers=[])
    zhang = customer_new(merchant, name="张三", tier="A", segment="champions", score=90)
    li = customer_new(merchant, name="李四", tier="C", segment="lost", at_risk=True, score=20)
    purchases_add(zhang, [timezone.localdate() - timedelta(days=8)])
    return zhang, li


def test_the_directory_searches_and_filters(owner, customers):
    everyone = owner.get(url("customers")).content.decode()
    assert "张三" in everyone and "李四" in everyone
    by_name = owner.get(url("customers"), {"q": "张"}).content.decode()
    assert "张三" in by_name and "李四" not in by_name
    by_tier = owner.get(url("customers"), {"tier": "C", "at_risk": "true"}).content.decode()
    assert "李四" in by_tier and "张三" not in by_tier
    wrong = owner.get(url("customers"), {"tier": "Z"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["tier"] == ["选择一个有效的选项。 Z 不在可用的选项中。"]


def test_a_customers_page_shows_the_timeline_and_logs_a_contact(owner, customers):
    zhang, _ = customers
    page = owner.get(url("customer", zhang.pk)).content.decode()
    assert f'href="tel:{zhang.phone}"' in page and "消费" in page
    response = owner.post(
        url("customer-contact", zhang.pk),
        {"channel": "phone", "purpose": "care", "note": "满意", "satisfaction": "5"},
    )
    assert response.status_code == 302
    contact = Interaction.objects.get(customer=zhang, kind=InteractionKind.CONTACT)
    assert (contact.channel, contact.satisfaction, contact.note) == ("phone", 5, "满意")
    zhang.refresh_from_db()
    assert zhang.satisfaction == 5
    assert "关怀" in owner.get(url("customer", zhang.pk)).content.decode()


def test_contact_errors_are_shown_in_chinese(owner, customers):
    zhang, _ = customers
    response = owner.post(url("customer-contact", zhang.pk), {"satisfaction": "9"})
    assert response.status_code == 422
    errors = response.context["contact_form"].errors
    assert errors["channel"] == ["该字段是必填项。"]
    assert "选择一个有效的选项" in errors["satisfaction"][0]
    partial = owner.post(url("customer-contact", zhang.pk), {}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 422 and b"<!doctype html>" not in partial.content
    assert not Interaction.objects.filter(kind=InteractionKind.CONTACT).exists()


def test_todays_list_has_one_tap_links_and_the_outcome_closes_the_item(owner, customers):
    zhang, _ = customers
    page = owner.get(url("crm-today"))
    rows = page.context["rows"]
    item = next(r["item"] for r in rows if r["item"].customer_id == zhang.pk)
    html = page.content.decode()
    assert f'href="{item.tel}"' in html and f'href="{item.sms}"' in html
    assert item.tel.startswith("tel:") and item.sms.startswith("sms:")
    done = owner.post(
        url("customer-contact", zhang.pk),
        {"channel": "phone", "purpose": "care", "satisfaction": "4", "item_key": item.key},
        HTTP_HX_REQUEST="true",
    )
    assert done.status_code == 200 and "联系记录已保存。" in done.content.decode()
    again = owner.get(url("crm-today")).context["rows"]
    assert item.key not in [r["item"].key for r in again]


def test_the_roster_lists_graded_customers_by_tier(owner, customers):
    page = owner.get(url("crm-roster"), {"tier": "A"}).content.decode()
    assert "张三" in page and "李四" not in page


def test_the_owner_approves_or_returns_submitted_plans(owner, merchant, customers):
    staff = staff_member(merchant, [], [StaffPermission.VIEW_CUSTOMERS]).user
    plans = [
        plan_submit(
            plan=plan_create(
                merchant=merchant,
                created_by=staff,
                staff=staff,
                tier="A",
                goal=f"提高复购 {n}",
                methods="每月回访",
                deadline=timezone.localdate() + timedelta(days=30),
            )
        )
        for n in range(2)
    ]
    page = owner.get(url("crm-plans")).content.decode()
    assert "提高复购 0" in page and "提高复购 1" in page
    owner.post(url("crm-plan-approve", plans[0].pk))
    plans[0].refresh_from_db()
    assert plans[0].status == PlanStatus.APPROVED
    assert Task.objects.filter(plan=plans[0]).exists()
    refused = owner.post(url("crm-plan-return", plans[1].pk), {"note": ""})
    assert refused.status_code == 422
    assert refused.context["return_form"].errors["note"] == ["该字段是必填项。"]
    owner.post(url("crm-plan-return", plans[1].pk), {"note": "预算太高"})
    plans[1].refresh_from_db()
    assert (plans[1].status, plans[1].review_note) == (PlanStatus.RETURNED, "预算太高")
    assert "提高复购" not in owner.get(url("crm-plans")).content.decode()
    staff_browser = browser_for(staff)
    assert staff_browser.get(url("crm-plans")).status_code == 403
    assert MaintenancePlan.objects.count() == 2


def test_analytics_charts_come_from_the_crm_selectors(owner, customers):
    page = owner.get(url("crm-analytics"))
    assert page.status_code == 200
    chart = page.context["chart"]
    assert chart["tiers"]["counts"][:3] == [1, 0, 1]
    assert sum(chart["segments"]["counts"]) == 2
    assert chart["months"]["amount_yuan"] == [100.0]
    assert 'id="crm-chart"' in page.content.decode()


def test_roles(merchant, customers, other_merchant_owner, consumer_browser):
    zhang, _ = customers
    viewing = [url("customers"), url("customer", zhang.pk), url("crm-today"), url("crm-roster")]
    viewer = browser_for(staff_member(merchant, [], [StaffPermission.VIEW_CUSTOMERS]).user)
    for page in viewing:
        assert viewer.get(page).status_code == 200, page
    assert viewer.get(url("crm-analytics")).status_code == 403
    assert viewer.get(url("crm-plans")).status_code == 403
    analyst = browser_for(staff_member(merchant, [], [StaffPermission.VIEW_ANALYTICS]).user)
    assert analyst.get(url("crm-analytics")).status_code == 200
    for page in viewing:
        response = analyst.get(page)
        assert (
            response.status_code == 403 and "店主未授予此操作的权限。" in response.content.decode()
        )
    assert analyst.post(url("customer-contact", zhang.pk), {}).status_code == 403
    assert other_merchant_owner.get(url("customer", zhang.pk)).status_code == 404
    assert other_merchant_owner.post(url("customer-contact", zhang.pk), {}).status_code == 404
    others = other_merchant_owner.get(url("customers")).content.decode()
    assert "张三" not in others
    for page in [*viewing, url("crm-plans"), url("crm-analytics")]:
        assert consumer_browser.get(page).status_code == 403
    assert browser_for().get(url("customers")).status_code == 302


def test_another_merchant_cannot_approve_or_return_a_plan(merchant, other_merchant_owner):
    plan = plan_submit(
        plan=plan_create(
            merchant=merchant,
            created_by=merchant.owner,
            staff=None,
            tier="A",
            goal="回访",
            methods="电话",
            deadline=timezone.localdate() + timedelta(days=30),
        )
    )
    assert other_merchant_owner.post(url("crm-plan-approve", plan.pk)).status_code == 404
    assert (
        other_merchant_owner.post(url("crm-plan-return", plan.pk), {"note": "x"}).status_code == 404
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_todays_list_is_one_entry_per_customer_ordered_by_urgency(owner, merchant, customers):
    """A customer with three reasons was three entries; complaints come first."""
    from crm.services import complaint_create

    del customers  # 张三 and 李四 are on the list too
    wang = customer_new(merchant, name="王五", tier="B", segment="loyal", score=60)
    complaint_create(
        merchant=merchant, customer=wang, channel="phone", content="剪坏了", owner=None
    )
    CrmSettings.objects.filter(merchant=merchant).update(long_no_contact_days=1)
    page = owner.get(url("crm-today"))
    rows = page.context["rows"]
    ids = [row["item"].customer_id for row in rows]
    assert len(ids) == len(set(ids))  # one entry per customer
    assert ids[0] == wang.pk and rows[0]["item"].source == "complaint"
    assert [row["urgency"] for row in rows] == sorted(row["urgency"] for row in rows)
    html = page.content.decode()
    assert 'id="today-counts"' in html and "投诉 1" in html
    wang_row = rows[0]
    assert all(r["item"].customer_id == wang.pk for r in wang_row["items"])
    assert html.count(f'data-customer="{wang.pk}"') == 1


def test_the_customer_page_sends_a_coupon_and_keeps_the_formula_behind_why(
    owner, merchant, customers
):
    import re

    from coupons.models import Coupon
    from tests.coupons.factories import CampaignFactory

    zhang, _li = customers
    campaign = CampaignFactory(merchant=merchant, title="老客回馈满100减20")
    page = owner.get(url("customer", zhang.pk)).content.decode()
    assert 'id="send-coupon"' in page and "老客回馈满100减20" in page
    if zhang.grade_reasons:
        assert page.index('id="why"') < page.index(str(zhang.grade_reasons[0]))
    form = re.search(
        r'<form method="post" action="([^"]+)" class="inline-send">(.*?)</form>', page, re.S
    )
    data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(2)))
    sent = owner.post(form.group(1), data, follow=True)
    assert "已发出 1 张" in sent.content.decode()
    assert Coupon.objects.filter(campaign=campaign).count() == 1


def test_a_callback_booked_on_the_customer_page_is_on_that_days_list(owner, customers):
    zhang, _li = customers
    page = owner.get(url("customer", zhang.pk)).content.decode()
    assert 'id="book-callback"' in page
    today = timezone.localdate()
    booked = owner.post(
        url("customer-callback", zhang.pk), {"due": today.isoformat(), "note": "问染发效果"}
    )
    assert booked.status_code == 302
    task = Task.objects.get(customer=zhang, kind="callback")
    assert task.due == today and "问染发效果" in task.title
    rows = owner.get(url("crm-today")).context["rows"]
    mine = next(row for row in rows if row["item"].customer_id == zhang.pk)
    assert any(r["item"].key == f"callback:{task.pk}" for r in mine["items"])
    past = owner.post(url("customer-callback", zhang.pk), {"due": "2020-01-01"})
    assert past.status_code == 422 and "请选择今天起一年内的日期。" in past.content.decode()
