"""Retention: raw check-ins and orders' precise locations older than the setting are purged."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.test import override_settings
from django.utils import timezone

from consumers.models import Order
from geo.models import CheckIn
from geo.services import check_in_create, location_consent_grant
from privacy.tasks import locations_retention_purge
from tests.consumers.factories import purchase

pytestmark = pytest.mark.django_db


def test_old_check_ins_and_order_locations_are_purged(consumer):
    location_consent_grant(consumer=consumer)
    old = check_in_create(consumer=consumer, lat=31.2, lng=121.4)
    recent = check_in_create(consumer=consumer, lat=31.2, lng=121.4)
    CheckIn.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=181))
    CheckIn.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=179))
    orders = [purchase(consumer=consumer), purchase(consumer=consumer)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(location=Point(121.4, 31.2))
    Order.objects.filter(pk=orders[0].pk).update(created_at=timezone.now() - timedelta(days=200))

    assert locations_retention_purge() == 2
    assert list(CheckIn.objects.values_list("pk", flat=True)) == [recent.pk]
    kept = dict(Order.objects.values_list("pk", "location"))
    assert kept[orders[0].pk] is None and kept[orders[1].pk] is not None
    assert Order.objects.count() == 2  # the order itself is a money record

    with override_settings(PRIVACY_LOCATION_RETENTION_DAYS=30):
        assert locations_retention_purge() == 1  # the 179-day check-in; today's order stays
    assert not CheckIn.objects.exists()
