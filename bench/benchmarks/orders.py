"""Orders: booking and counter latency through the API, booking under contention on one
slot, a payout batch over a month of a busy merchant's entries, a shop's rating refresh."""

import threading
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.services import tokens_for
from bench.stats import latency
from consumers.models import Order, TimeSlot
from consumers.rating import shop_ratings_refresh
from consumers.services import order_consume, order_create, review_create_general, slots_create
from merchants.models import Category, Merchant
from merchants.services import service_create, shop_create
from settlement.services import payout_batch_create


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(user)['access']}")
    return client


def user_new(run: str, index: int, role=Role.CONSUMER) -> User:
    return User.objects.create_user(f"+86134{run}{index:04d}", None, role=role)


def orders(samples: int = 200, threads: int = 8, contended_places: int = 200) -> dict:
    from django.core.cache import cache

    cache.clear()
    run = f"{int(time.time()) % 10000:04d}"
    owner = user_new(run, 9999, Role.MERCHANT_OWNER)
    merchant = Merchant.objects.create(owner=owner, name="bench")
    shop = shop_create(
        merchant=merchant,
        name="压测美发",
        categories=[Category.objects.get(slug="hair")],
        address="上海",
        lat=31.2286,
        lng=121.4481,
    )
    service = service_create(shop=shop, name="洗剪吹", price_fen=8800, bookable=True)
    start = timezone.now() + timedelta(days=2)
    [roomy] = slots_create(
        shop=shop, service=service, starts=[start], duration_minutes=45, capacity=10**6
    )
    consumer = user_new(run, 0)
    me, counter = client_for(consumer), client_for(owner)
    figures = {}

    key = iter(range(10**9))

    def book():
        response = me.post(
            "/api/v1/me/orders/",
            {"service": service.pk, "slot": roomy.pk},
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{run}-{next(key)}",
        )
        assert response.status_code == 201, response.content
        return response.json()

    for name, value in latency(book, samples).items():
        figures[f"book_api_{name}"] = value
    codes = iter(Order.objects.filter(slot=roomy).values_list("code", flat=True))
    lookup_code = Order.objects.filter(slot=roomy).first().code
    lookup = lambda: counter.get("/api/v1/merchant/orders/lookup/", {"code": lookup_code})  # noqa: E731

    def consume():
        response = counter.post(
            "/api/v1/merchant/orders/consume/",
            {"code": next(codes)},
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{run}-{next(key)}",
        )
        assert response.status_code == 200, response.content

    for name, value in latency(lookup, samples).items():
        figures[f"counter_lookup_{name}"] = value
    for name, value in latency(consume, samples).items():
        figures[f"counter_consume_{name}"] = value

    # Contention: `threads` threads book one slot until it is full.
    [tight] = slots_create(
        shop=shop,
        service=service,
        starts=[start + timedelta(hours=1)],
        duration_minutes=45,
        capacity=contended_places,
    )
    bookers = [user_new(run, 100 + i) for i in range(threads)]
    placed, refused = [0] * threads, [0] * threads

    def hammer(index):
        try:
            while True:
                try:
                    order_create(consumer=bookers[index], service=service, slot=tight)
                    placed[index] += 1
                except Exception:  # SlotFull: the slot is full, this thread is done
                    refused[index] += 1
                    return
        finally:
            connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=hammer, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    booked = TimeSlot.objects.get(pk=tight.pk).booked
    figures["contended_bookings_per_s"] = round(sum(placed) / seconds, 1)
    # Never more than the capacity, and exactly one place per order placed.
    figures["contended_capacity"] = contended_places
    figures["contended_places_booked"] = booked
    figures["contended_orders_placed"] = Order.objects.filter(slot=tight).count()

    # Settlement: a batch over the consumed orders' entries.
    for order in Order.objects.filter(slot=tight):
        order_consume(order=order, via="counter", actor=owner)
    started = time.perf_counter()
    batch = payout_batch_create(merchant=merchant, until=timezone.now() + timedelta(days=1))
    figures["payout_batch_entries"] = batch.entry_count
    figures["payout_batch_ms"] = round((time.perf_counter() - started) * 1000, 1)

    # Rating: one shop with many reviews, recomputed as after each new review.
    for index in range(300):
        review_create_general(consumer=user_new(run, 1000 + index), shop=shop, rating=index % 5 + 1)
    for name, value in latency(lambda: shop_ratings_refresh(shop_ids=[shop.pk]), 50).items():
        figures[f"rating_refresh_{name}"] = value
    return figures
