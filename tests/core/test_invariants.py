"""`manage.py check_invariants`: a clear report, and a failing exit when data is inconsistent."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from merchants.models import Shop
from tests.factories import MerchantFactory, ServiceFactory, ShopFactory, StaffFactory

pytestmark = pytest.mark.django_db


def check(*only) -> str:
    out = io.StringIO()
    call_command("check_invariants", *only, stdout=out)
    return out.getvalue()


def test_consistent_data_passes_every_check(merchant):
    member = StaffFactory(merchant=merchant)
    member.shops.set([ShopFactory(merchant=merchant)])
    ServiceFactory(shop=ShopFactory(merchant=merchant))
    report = check()
    assert "FAIL" not in report
    assert "merchants.category_links_carry_shop_location" in report
    assert report.strip().endswith("invariants hold")


def test_broken_data_is_reported_and_fails(merchant):
    moved, rated = ShopFactory(merchant=merchant), ShopFactory(merchant=merchant)
    with connection.cursor() as cursor:  # what a bad hand-written UPDATE would do
        cursor.execute(
            "UPDATE merchants_shop SET location = 'SRID=4326;POINT(121.5 31.3)' WHERE id = %s",
            [moved.pk],
        )
    Shop.objects.filter(pk=rated.pk).update(rating=7.5, rating_count=3)
    member = StaffFactory(merchant=merchant)
    member.shops.set([ShopFactory(merchant=MerchantFactory())])
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"3 of .* invariants broken") as error:
        call_command("check_invariants", stdout=out)
    report = out.getvalue()
    assert f"shop {moved.pk}: category link" in report
    assert f"shop {rated.pk}: rating 7.5" in report
    assert f"staff {member.pk} assigned to shop" in report
    assert "merchants.rating_within_0_to_5" in str(error.value)


def test_checks_can_be_chosen_by_prefix():
    report = check("core.")
    assert "core.idempotency_answer_stored" in report
    assert "merchants." not in report
    with pytest.raises(CommandError, match="no invariant"):
        check("nothing.")
