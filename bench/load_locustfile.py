"""Locust users for the `load` benchmark (bench/benchmarks/load.py writes LOAD_DATA and runs
this headless). Runs in locust's own process: no Django here, only HTTP.

Consumers discover shops, open one, look at its coupons, claim one, buy a service, list their
coupons and cards; merchants read their orders, redemptions and campaigns; counters redeem a
fresh paper coupon each time, look a card up and spend from its balance behind the PIN.
Every user holds a constant rate, so the offered load stays the same however fast answers come.
"""

import itertools
import json
import os
import random
import uuid

from locust import HttpUser, constant_throughput, task

with open(os.environ["LOAD_DATA"]) as data:
    DATA = json.load(data)
RATE = float(os.environ.get("LOAD_USER_RPS", "1"))
COUPONS = iter(DATA["coupon_codes"])
CARDS = itertools.cycle(DATA["cards"])
LAT, LNG = DATA["lat"], DATA["lng"]


def key() -> str:
    return uuid.uuid4().hex


class Signed(HttpUser):
    abstract = True
    wait_time = constant_throughput(RATE)
    token = ""

    def call(self, method: str, path: str, name: str, expect: int, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        with self.client.request(
            method, path, name=name, headers=headers, catch_response=True, **kwargs
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            return response


class Consumer(Signed):
    weight = 6

    def on_start(self):
        self.token = random.choice(DATA["consumer_tokens"])

    @task(4)
    def discover(self):
        lat, lng = LAT + random.uniform(-0.02, 0.02), LNG + random.uniform(-0.02, 0.02)
        self.call("GET", f"/api/v1/discover/?lat={lat:.5f}&lng={lng:.5f}", "discover", 200)

    @task(2)
    def shop(self):
        self.call("GET", f"/api/v1/shops/{DATA['shop']}/", "shop", 200)

    @task(1)
    def shop_campaigns(self):
        self.call("GET", f"/api/v1/shops/{DATA['shop']}/campaigns/", "shop campaigns", 200)

    @task(1)
    def claim(self):
        self.call("POST", f"/api/v1/campaigns/{DATA['campaign']}/claim/", "claim", 201)

    @task(1)
    def buy(self):
        body = {"service": DATA["service"]}
        self.call(
            "POST", "/api/v1/me/orders/", "buy", 201, json=body, headers={"Idempotency-Key": key()}
        )

    @task(1)
    def my_coupons(self):
        self.call("GET", "/api/v1/me/coupons/", "my coupons", 200)

    @task(1)
    def my_cards(self):
        self.call("GET", "/api/v1/me/cards/", "my cards", 200)


class Merchant(Signed):
    weight = 1

    def on_start(self):
        self.token = DATA["owner_token"]

    @task
    def orders(self):
        self.call("GET", "/api/v1/merchant/orders/", "merchant orders", 200)

    @task
    def redemptions(self):
        self.call("GET", "/api/v1/merchant/redemptions/", "merchant redemptions", 200)

    @task
    def campaigns(self):
        self.call("GET", "/api/v1/merchant/campaigns/", "merchant campaigns", 200)


class Counter(Signed):
    weight = 3

    def on_start(self):
        self.token = DATA["owner_token"]

    @task(3)
    def redeem(self):
        body = {"shop": DATA["shop"], "code": next(COUPONS), "order_amount_fen": 12800}
        self.call(
            "POST",
            "/api/v1/merchant/redemptions/",
            "counter redeem",
            201,
            json=body,
            headers={"Idempotency-Key": key()},
        )

    @task(1)
    def card_lookup(self):
        query = f"code={next(CARDS)}&shop={DATA['shop']}"
        self.call("GET", f"/api/v1/merchant/counter/card/?{query}", "counter card", 200)

    @task(1)
    def card_spend(self):
        body = {
            "code": next(CARDS),
            "shop": DATA["shop"],
            "amount_fen": 3000,
            "balance_fen": 100,
            "password": DATA["pin"],
        }
        self.call(
            "POST",
            "/api/v1/merchant/counter/purchases/",
            "counter card spend",
            201,
            json=body,
            headers={"Idempotency-Key": key()},
        )
