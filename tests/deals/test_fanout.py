"""The fan-out, run in-process: who is told, once, and through which channels."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from crm.models import Customer, Segment
from crm.services.feed import customer_for_consumer
from deals.services import flash_deal_fan_out, flash_deal_publish, flash_deals_due
from geo.models import Subscription
from merchants.models import Category
from notifications.models import InboxMessage, OutboxMessage
from tests.factories import UserFactory
from tests.loyalty.factories import card_create_for, program_create
from tests.notifications.test_marketing import consented, merchant_verified

from .factories import deal_for, hotpot_shop, subscriber

pytestmark = pytest.mark.django_db


def told(deal) -> list[int]:
    return sorted(
        InboxMessage.objects.filter(dedupe_key=f"deal:{deal.pk}").values_list(
            "recipient_id", flat=True
        )
    )


def pushes(deal) -> dict[int, datetime]:
    rows = OutboxMessage.objects.filter(dedupe_key=f"deal:{deal.pk}", channel="push")
    return dict(rows.values_list("recipient_id", "next_attempt_at"))


def published(deal):
    return flash_deal_publish(deal=deal)


def test_a_deal_reaches_exactly_the_subscribers_in_range_once():
    shop = hotpot_shop()
    near = subscriber(north_m=500)
    parent_category = subscriber(east_m=-800, category="dining")
    shop_fan = subscriber(north_m=-1500, shop=shop)
    wide_radius = subscriber(east_m=2500, radius_m=10_000)  # covers the shop, 2.5 km away
    subscriber(north_m=5000)  # 2 km subscription does not reach the shop
    subscriber(north_m=4000, radius_m=10_000)  # covers it, but beyond the deal's 3 km
    subscriber(north_m=100, category="hair")  # another category
    paused = subscriber(north_m=200)
    Subscription.objects.filter(consumer=paused).update(active=False)
    quitter = subscriber(north_m=300, unsubscribed_all=True)
    gone = subscriber(north_m=400)
    gone.is_active = False
    gone.save()
    twice = subscriber(north_m=600)
    subscriber_extra = twice.deal_subscriptions.get()
    Subscription.objects.create(
        consumer=twice,
        category=Category.objects.get(slug="dining"),
        place=subscriber_extra.place,
        radius_m=3000,
    )
    from geo.services import subscriptions_coverage_refresh

    subscriptions_coverage_refresh(consumer_id=twice.pk)

    deal = published(deal_for(shop, radius_m=3000))
    first = flash_deal_fan_out(deal_id=deal.pk)

    expected = sorted(u.pk for u in (near, parent_category, shop_fan, wide_radius, twice))
    assert told(deal) == expected
    assert quitter.pk not in pushes(deal)
    assert sorted(pushes(deal)) == expected
    assert first.new_recipients == len(expected) + 1  # the quitter is recorded, not told
    again = flash_deal_fan_out(deal_id=deal.pk)  # finished: nothing to do
    assert again.skipped == "not_due"
    deal.__class__.objects.filter(pk=deal.pk).update(fanout_finished_at=None)
    rerun = flash_deal_fan_out(deal_id=deal.pk)  # a redelivered task after a crash
    assert rerun.new_recipients == 0
    assert told(deal) == expected
    assert OutboxMessage.objects.filter(dedupe_key=f"deal:{deal.pk}").count() == len(expected)


def test_a_draft_or_not_yet_started_deal_tells_nobody():
    shop = hotpot_shop()
    subscriber(north_m=100)
    draft = deal_for(shop)
    assert flash_deal_fan_out(deal_id=draft.pk).skipped == "not_due"
    later = published(deal_for(shop, starts_at=timezone.now() + timedelta(hours=1)))
    assert flash_deal_fan_out(deal_id=later.pk).skipped == "not_started"
    assert told(draft) == told(later) == []


def test_beat_picks_up_every_started_deal_whose_fan_out_is_unfinished():
    """The net under a lost enqueue (a broker outage at publish, a broker restarted empty):
    beat re-enqueues these every minute, and the fan-out itself is idempotent."""
    shop = hotpot_shop()
    lost = published(deal_for(shop))  # in this test its on-commit enqueue never runs
    later = published(deal_for(shop, starts_at=timezone.now() + timedelta(hours=1)))
    done = published(deal_for(shop))
    flash_deal_fan_out(deal_id=done.pk)
    draft = deal_for(shop)
    assert flash_deals_due() == [lost.pk]
    assert later.pk in flash_deals_due(now=later.starts_at)
    assert draft.pk not in flash_deals_due(now=later.starts_at)


def local_span(before: timedelta, after: timedelta):
    now = timezone.localtime()
    return (now - before).time().replace(microsecond=0), (now + after).time().replace(microsecond=0)


def test_quiet_hours_defer_pushes_to_their_end_or_drop_them_when_the_deal_is_over_by_then():
    shop = hotpot_shop()
    start, end = local_span(timedelta(hours=1), timedelta(minutes=30))
    deferred = subscriber(north_m=100, quiet_start=start, quiet_end=end)
    start, end = local_span(timedelta(hours=1), timedelta(hours=3))
    too_late = subscriber(north_m=200, quiet_start=start, quiet_end=end)
    start, end = local_span(timedelta(hours=-2), timedelta(hours=3))  # later today
    awake = subscriber(north_m=300, quiet_start=start, quiet_end=end)

    deal = published(deal_for(shop, duration_minutes=120))
    flash_deal_fan_out(deal_id=deal.pk)

    assert told(deal) == sorted([deferred.pk, too_late.pk, awake.pk])  # the inbox always
    due = pushes(deal)
    assert set(due) == {deferred.pk, awake.pk}
    wake = timezone.localtime(due[deferred.pk])
    assert wake.time().replace(second=0) == end_of(deferred).replace(second=0)
    assert due[deferred.pk] > timezone.now() + timedelta(minutes=25)
    assert due[awake.pk] <= timezone.now()


def end_of(consumer):
    return consumer.notification_preference.quiet_end


def test_the_daily_push_cap_and_channel_choices():
    shop = hotpot_shop()
    capped = subscriber(north_m=100, max_pushes_per_day=1)
    no_push = subscriber(north_m=200, push=False)
    no_inbox = subscriber(north_m=300, in_app=False)
    first = published(deal_for(shop))
    flash_deal_fan_out(deal_id=first.pk)
    second = published(deal_for(shop))
    result = flash_deal_fan_out(deal_id=second.pk)

    assert capped.pk in told(first) and capped.pk in told(second)
    assert capped.pk in pushes(first) and capped.pk not in pushes(second)
    assert result.capped == 1
    assert no_push.pk in told(second) and no_push.pk not in pushes(second)
    assert no_inbox.pk not in told(second) and no_inbox.pk in pushes(second)


def test_a_customer_list_gets_sms_too_even_without_an_account():
    """A verified merchant's list, every phone on it consented (tests/notifications/
    test_marketing.py: what happens without consent or verification)."""
    shop = hotpot_shop()
    merchant_verified(shop.merchant)
    member = UserFactory(role=Role.CONSUMER)
    quiet = UserFactory(role=Role.CONSUMER)
    from notifications.services import preference_update

    preference_update(user=quiet, sms=False)
    outsider = subscriber(north_m=10)  # subscribed nearby, but not on the list
    stranger = "+8613912345678"
    for phone in (member.phone, quiet.phone, stranger):
        consented(phone, shop.merchant)
    deal = published(
        deal_for(
            shop,
            target="customer_list",
            customer_phones=[member.phone, quiet.phone, stranger],
            sms=True,
        )
    )
    flash_deal_fan_out(deal_id=deal.pk)

    assert told(deal) == sorted([member.pk, quiet.pk])
    assert outsider.pk not in told(deal)
    sms = OutboxMessage.objects.filter(dedupe_key=f"deal:{deal.pk}", channel="sms")
    assert sorted(sms.values_list("address", flat=True)) == sorted([str(member.phone), stranger])
    deal.__class__.objects.filter(pk=deal.pk).update(fanout_finished_at=None)
    flash_deal_fan_out(deal_id=deal.pk)
    assert sms.count() == 2


def test_membership_levels_reach_the_card_holders_of_those_levels():
    program = program_create()
    shop = hotpot_shop(merchant=program.merchant)
    basic, silver = program.levels.order_by("rank")[:2]
    holder = card_create_for(program, level=silver).consumer
    card_create_for(program, level=basic)
    deal = published(deal_for(shop, target="levels", levels=[silver]))
    flash_deal_fan_out(deal_id=deal.pk)
    assert told(deal) == [holder.pk]


def test_crm_segments_reach_the_merchants_customers_in_those_segments():
    shop = hotpot_shop()
    loyal, lapsed, elsewhere = (UserFactory(role=Role.CONSUMER) for _ in range(3))
    for consumer, merchant, segment in (
        (loyal, shop.merchant, Segment.LOYAL),
        (lapsed, shop.merchant, Segment.LOST),
        (elsewhere, hotpot_shop().merchant, Segment.LOYAL),
    ):
        customer = customer_for_consumer(merchant_id=merchant.pk, consumer=consumer, source="order")
        Customer.objects.filter(pk=customer.pk).update(segment=segment)
    deal = published(deal_for(shop, target="segments", segments=[Segment.LOYAL]))
    flash_deal_fan_out(deal_id=deal.pk)
    assert told(deal) == [loyal.pk]
