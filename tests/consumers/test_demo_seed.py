import pytest
from django.core.management import call_command

from consumers.models import Order, Review
from merchants.models import Shop
from payments.models import Payment


@pytest.mark.django_db
def test_seed_demo_adds_orders_and_reviews_once_and_ratings_come_from_them():
    call_command("seed_demo", shops=12)
    orders, reviews = Order.objects.count(), Review.objects.count()
    call_command("seed_demo", shops=12)  # idempotent
    assert (Order.objects.count(), Review.objects.count()) == (orders, reviews)
    assert reviews > 0
    mine = Order.objects.filter(consumer__phone="+8613900000000")
    assert sorted(mine.values_list("state", flat=True)) == [
        "confirmed",
        "confirmed",
        "consumed",
        "pending",
    ]
    # The demo card's member price and points are on the demo consumer's consumed order, and
    # every order with something to pay was paid through the sandbox.
    with_points = mine.get(points_used__gt=0)
    assert with_points.state == "consumed" and with_points.points_discount_fen > 0
    paid = Order.objects.exclude(amount_fen=0)
    assert Payment.objects.filter(purpose="order", status="succeeded").count() == paid.count()
    for shop in Shop.objects.all():
        counted = shop.reviews.count()
        assert shop.rating_count == counted
        assert (shop.rating > 0) == (counted > 0)
