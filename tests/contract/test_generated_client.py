"""Proof that the API is a contract: a Python client generated from the live schema with
openapi-python-client drives the consumer-merchant-counter loop with no hand-written request.

Any generator warning fails the test, except those in ALLOWED_WARNINGS (with the reason).
"""

import importlib
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from captcha.models import CaptchaStore

from tests.consumers.factories import BookableServiceFactory
from tests.coupons.factories import CampaignFactory
from tests.factories import PASSWORD, ShopFactory
from tests.loyalty.factories import program_create
from tests.sms import code_stored

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# Binary answers (QR PNGs, card images, PDFs) are declared with their media types; the
# generator only types application/octet-stream as bytes, so it is told they are bytes.
CONFIG = (
    "content_type_overrides:\n"
    "  image/png: application/octet-stream\n"
    "  application/pdf: application/octet-stream\n"
)
ALLOWED_WARNINGS: dict[str, str] = {
    # "text of the warning": "why it is acceptable",
}


def generate(schema_url: str, tmp: Path):
    with urllib.request.urlopen(f"{schema_url}?format=json") as answer:  # noqa: S310
        (tmp / "openapi.json").write_bytes(answer.read())
    (tmp / "config.yml").write_text(CONFIG)
    run = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(tmp / "openapi.json"),
            "--meta",
            "none",
            "--output-path",
            str(tmp / "o2o_client"),
            "--config",
            str(tmp / "config.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    warnings = [
        line
        for line in output.splitlines()
        if line.startswith(("WARNING", "Warning", "Cannot", "Unable"))
        and not any(allowed in line for allowed in ALLOWED_WARNINGS)
    ]
    assert not warnings, output
    sys.path.insert(0, str(tmp))
    return importlib.import_module("o2o_client")


def api(module: str):
    return importlib.import_module(f"o2o_client.api.{module}")


def model(name: str):
    return getattr(importlib.import_module("o2o_client.models"), name)


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content[:400])
    assert response.parsed is not None
    return response.parsed


@pytest.fixture
def world(db):
    program = program_create()
    shop = ShopFactory(merchant=program.merchant)
    campaign = CampaignFactory(
        merchant=program.merchant, amount_off_fen=1000, min_spend_fen=0, shops=[shop]
    )
    service = BookableServiceFactory(shop=shop, bookable=False, price_fen=5000)
    return {"shop": shop, "campaign": campaign, "service": service, "program": program}


def test_a_generated_client_drives_the_whole_loop(live_server, world, tmp_path, settings_fast):
    o2o = generate(f"{live_server.url}/api/schema/", tmp_path)
    client = o2o.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    shop, campaign, service = world["shop"], world["campaign"], world["service"]

    # register and sign in: public operations, called without credentials. Registering proves
    # the phone: answer the image challenge (read from the store, as a person reads the image)
    # and ask for a code.
    challenge = ok(api("auth.auth_captcha_retrieve").sync_detailed(client=client))
    ok(
        api("auth.auth_sms_code_create").sync_detailed(
            client=client,
            body=model("SmsCodeInputRequest")(
                phone="+8613912345678",
                purpose=model("SmsCodePurposeEnum")("register"),
                captcha_key=challenge.captcha_key,
                captcha_answer=CaptchaStore.objects.get(hashkey=challenge.captcha_key).response,
            ),
        ),
        202,
    )
    # The text's delivery races the Celery worker (tests/sms.py reads it when it wins): the
    # code the register call proves is stored beside it, as tests about something else do.
    code = code_stored("+8613912345678")
    session = ok(
        api("auth.auth_register_create").sync_detailed(
            client=client,
            body=model("RegisterInputRequest")(
                phone="+8613912345678", password=PASSWORD, code=code
            ),
        ),
        201,
    )
    assert session.access
    login = ok(
        api("auth.auth_login_create").sync_detailed(
            client=client,
            body=model("LoginInputRequest")(phone="+8613912345678", password=PASSWORD),
        )
    )
    me = o2o.AuthenticatedClient(
        base_url=live_server.url, token=login.access, raise_on_unexpected_status=True
    )

    # discover and the shop's page (public)
    found = ok(
        api("discovery.discover_retrieve").sync_detailed(
            client=client, lat=shop.location.y, lng=shop.location.x
        )
    )
    page = found.to_dict() if hasattr(found, "to_dict") else found
    assert shop.pk in [item["id"] for item in page["results"]]
    detail = ok(api("discovery.shops_retrieve").sync_detailed(shop.pk, client=client))
    assert detail.id == shop.pk

    # claim a coupon from the shop's list
    offers = ok(api("consumer_coupons.shops_campaigns_list").sync_detailed(shop.pk, client=me))
    assert campaign.pk in [offer.id for offer in offers.results]
    assert offers.next_cursor is None
    coupon = ok(
        api("consumer_coupons.campaigns_claim_create").sync_detailed(campaign.pk, client=me), 201
    )

    # the merchant's counter: one scan, then the action it names
    cashier_login = ok(
        api("auth.auth_login_create").sync_detailed(
            client=client,
            body=model("LoginInputRequest")(
                phone=str(shop.merchant.owner.phone), password=PASSWORD
            ),
        )
    )
    cashier = o2o.AuthenticatedClient(
        base_url=live_server.url, token=cashier_login.access, raise_on_unexpected_status=True
    )
    scan = api("merchant_counter.merchant_counter_scan_create")
    scanned = ok(
        scan.sync_detailed(
            client=cashier, body=model("ScanInputRequest")(shop=shop.pk, code=coupon.qr_payload)
        )
    )
    assert scanned.kind.value == "coupon" and scanned.actions[0].action == "redeem"
    at_counter = model("CounterInputRequest")(shop=shop.pk, code=coupon.code, order_amount_fen=5000)
    redeemed = ok(
        api("counter.merchant_redemptions_create").sync_detailed(
            client=cashier,
            body=at_counter,
            idempotency_key="client-redeem-0001",
        ),
        201,
    )
    assert redeemed.discount_fen == 1000
    again = api("counter.merchant_redemptions_create").sync_detailed(
        client=cashier,
        body=at_counter,
        idempotency_key="client-redeem-0002",
    )
    assert again.status_code == 409 and again.parsed.code == "already_redeemed"

    # a membership card, topped up online (sandbox), then an order paid and consumed
    card = ok(
        api("me_cards.me_cards_create").sync_detailed(
            client=me, body=model("MyCardListInputRequest")(shop=shop.pk)
        ),
        201,
    )
    topped = ok(
        api("me_cards.me_cards_top_ups_create").sync_detailed(
            card.id,
            client=me,
            body=model("MyCardTopUpInputRequest")(amount_fen=10000, method="sandbox"),
            idempotency_key="client-topup-0001",
        ),
        201,
    )
    assert topped.card.balance_fen >= 10000
    declined = api("me_cards.me_cards_top_ups_create").sync_detailed(
        card.id,
        client=me,
        body=model("MyCardTopUpInputRequest")(
            amount_fen=10000, method="sandbox", payment_token="sandbox-decline"
        ),
        idempotency_key="client-topup-0002",
    )
    assert declined.status_code == 402 and declined.parsed.code == "payment_declined"

    order = ok(
        api("orders.me_orders_create").sync_detailed(
            client=me,
            body=model("OrderCreateRequest")(service=service.pk, payment_method="sandbox"),
            idempotency_key="client-order-0001",
        ),
        201,
    )
    scanned = ok(
        scan.sync_detailed(
            client=cashier, body=model("ScanInputRequest")(shop=shop.pk, code=order.qr_payload)
        )
    )
    assert scanned.kind.value == "order"
    assert [a.action for a in scanned.actions] == ["consume"], scanned.order.blocked_reason
    if scanned.actions:
        ok(
            api("counter.merchant_orders_consume_create").sync_detailed(
                client=cashier,
                body=model("CodeRequest")(code=order.code, shop=shop.pk),
                idempotency_key="client-consume-0001",
            )
        )
        review = ok(
            api("orders.me_orders_review_create").sync_detailed(
                order.id, client=me, body=model("ReviewCreateRequest")(rating=5, text="很好")
            ),
            201,
        )
        assert review.rating == 5

    # flash deals near me (public; nothing live here, but the call and the page are typed)
    deals = ok(
        api("consumer_flash_deals.flash_deals_list").sync_detailed(
            client=client, lat=shop.location.y, lng=shop.location.x
        )
    )
    assert deals.results == [] and deals.next_ is None and deals.next_cursor is None


@pytest.fixture
def settings_fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings
