"""Every domain error speaks both languages: its message has an English translation that
differs from the Chinese, and the API answers `Accept-Language: en` in English (detail and
field messages)."""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from core.errors import DomainError

ROOT = Path(settings.BASE_DIR)
CJK = r"[\u4e00-\u9fff]"


def project_modules():
    for app in apps.get_app_configs():
        if not Path(app.path).is_relative_to(ROOT) or "/.venv/" in app.path:
            continue
        yield app.name
        for module in pkgutil.walk_packages([app.path], prefix=f"{app.name}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                yield module.name


def domain_errors() -> list[type[DomainError]]:
    for name in project_modules():
        importlib.import_module(name)
    found, stack = {DomainError}, [DomainError]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found and sub.__module__.split(".")[0] != "tests":
                found.add(sub)
                stack.append(sub)
    return sorted(found, key=lambda e: (e.__module__, e.__name__))


def test_every_domain_error_code_has_an_english_message():
    errors = domain_errors()
    assert len(errors) > 60  # the walk found the apps' errors, not just core's
    untranslated = []
    for error in errors:
        with translation.override("zh-hans"):
            chinese = str(error.message)
        with translation.override("en"):
            english = str(error.message)
        if english == chinese or re.search(CJK, english):
            untranslated.append(f"{error.__module__}.{error.__name__} ({error.code}): {chinese}")
    assert not untranslated, "translate in locale/en/LC_MESSAGES/django.po:\n" + "\n".join(
        untranslated
    )


RAISED_LITERAL = re.compile(
    r"(ValidationError\((\{[^}\n]*?\[)?|raise [A-Z]\w*\(|detail=|fields=\{[^}\n]*\[)\s*f?\"[^\"\n]*"
    + CJK
)


def test_no_message_is_raised_without_gettext():
    """A Chinese literal given to ValidationError or a domain error stays Chinese in English."""
    found = []
    for name in project_modules():
        path = Path(importlib.import_module(name).__file__)
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if RAISED_LITERAL.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "wrap in _():\n" + "\n".join(found)


@pytest.mark.django_db
def test_the_api_answers_in_english_when_asked(client):
    chinese = client.get("/api/v1/discover/", {"lat": 31.2, "lng": 121.4, "limit": "x"})
    english = client.get(
        "/api/v1/discover/", {"lat": 31.2, "lng": 121.4, "limit": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert chinese.status_code == english.status_code == 400
    assert re.search(CJK, chinese.json()["detail"])
    body = english.json()
    assert not re.search(CJK, body["detail"]), body
    assert not any(re.search(CJK, m) for ms in body["fields"].values() for m in ms), body


@pytest.mark.django_db
def test_already_redeemed_is_english_in_english():
    from tests.conftest import client_for
    from tests.coupons.factories import CampaignFactory, CouponFactory
    from tests.factories import ShopFactory

    campaign = CampaignFactory(amount_off_fen=1000, min_spend_fen=0)
    shop = ShopFactory(merchant=campaign.merchant)
    coupon = CouponFactory(campaign=campaign)
    owner = client_for(campaign.merchant.owner)
    body = {"shop": shop.pk, "code": coupon.code, "order_amount_fen": 5000}
    first = owner.post("/api/v1/merchant/redemptions/", body, HTTP_IDEMPOTENCY_KEY="tr-000001")
    assert first.status_code == 201
    again = owner.post(
        "/api/v1/merchant/redemptions/",
        body,
        HTTP_IDEMPOTENCY_KEY="tr-000002",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert again.json()["code"] == "already_redeemed"
    assert again["Content-Language"] == "en"
    assert again.json()["detail"].startswith("This coupon was used on "), again.json()
