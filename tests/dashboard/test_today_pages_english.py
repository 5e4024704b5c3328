"""The new pages speak English when the owner chose it: every label the pages write."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from consumers.models import ShopOrderPolicy
from consumers.services import order_consume, review_create_verified
from tests.consumers.factories import BookableServiceFactory, SlotFactory, booking, purchase

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


@pytest.fixture
def english(merchant):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(merchant.owner)
    return client


def visible_text(html: str, data: list[str]) -> str:
    """The page's text without tags, scripts and the merchant's own data (names, addresses)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<option\b.*?</option>", " ", html, flags=re.S)  # shop names
    text = re.sub(r"<[^>]+>", " ", html)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def test_every_new_page_is_in_english(english, merchant, shop):
    policy = ShopOrderPolicy.objects.create(shop=shop)
    service = BookableServiceFactory(shop=shop, bookable=False)
    done = purchase(service=service)
    order_consume(order=done, via="counter", actor=merchant.owner)
    review_create_verified(order=done, rating=1, text="")
    policy.requires_acceptance = True
    policy.save()
    slot = SlotFactory(service=BookableServiceFactory(shop=shop))
    booking(slot=slot)
    data = [
        "中文",  # the language switch names the other language in that language
        merchant.name,
        shop.name,
        shop.address,
        service.name,
        slot.service.name,
        slot.resource_name,
        *[c.name_zh for c in shop.categories.all()],
        *[c.name_en for c in shop.categories.all()],
    ]
    pages = [
        reverse(name)
        for name in (
            "dashboard:home",
            "dashboard:orders",
            "dashboard:bookings-day",
            "dashboard:reviews",
            "dashboard:money",
            "dashboard:money-history",
            "dashboard:money-reconciliation",
        )
    ]
    pages.append(reverse("dashboard:bookings-day") + f"?day={slot.starts_at.date().isoformat()}")
    for url in pages:
        response = english.get(url)
        assert response.status_code == 200, url
        left = CJK.findall(visible_text(response.content.decode(), data))
        assert left == [], (url, "".join(left))
    home = english.get(reverse("dashboard:home")).content.decode()
    assert "Scan / Charge" in home
    assert "To do now" in home
    assert "1 order to accept" in home
