"""Two tenants and their objects, for the tests that walk every endpoint.

Merchant A owns a shop with hours, a holiday, a photo and a service with a photo; a staff
member of A works in that shop with no permission at all; merchant B owns a shop of its own.
Consumers A and B and a platform admin complete the cast.

A later app adds its objects of A by registering a builder:

    @world_builder
    def coupons(world: World) -> None:
        world.campaign_a = CampaignFactory(merchant=world.merchant_a)
"""

import io
from collections.abc import Callable
from datetime import date, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import Role, User
from consumers.services import order_consume, order_policy_set, review_create_verified
from coupons.models import CampaignStatus
from coupons.services import coupon_redeem, paper_batch_create
from loyalty.services import card_invite, card_top_up
from merchants import services
from merchants.models import StaffPermission
from settlement.services import payout_batch_create
from tests.consumers.conftest import shift
from tests.consumers.factories import BookableServiceFactory, SlotFactory, booking, purchase
from tests.coupons.factories import CampaignFactory, CouponFactory
from tests.factories import (
    PASSWORD,
    MerchantFactory,
    ServiceFactory,
    ShopFactory,
    StaffFactory,
    UserFactory,
)
from tests.loyalty.factories import card_create_for, program_create

HOLIDAY = date(2099, 1, 1)
BUILDERS: list[Callable[["World"], None]] = []


def world_builder(build: Callable[["World"], None]) -> Callable[["World"], None]:
    BUILDERS.append(build)
    return build


def png_upload(size=(400, 300), name="photo.png") -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", size, "orange").save(data, "PNG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")


class World:
    """Attributes are added by the builders; every user's password is factories.PASSWORD."""

    users: dict[str, User]

    def __init__(self) -> None:
        self.users = {}
        for build in BUILDERS:
            build(self)


@world_builder
def accounts(world: World) -> None:
    world.users["consumer_a"] = UserFactory(role=Role.CONSUMER)
    world.users["consumer_b"] = UserFactory(role=Role.CONSUMER)
    world.users["admin"] = User.objects.create_superuser("+8613700009999", "Adm1n-pass-2026")


@world_builder
def merchants(world: World) -> None:
    world.merchant_a, world.merchant_b = MerchantFactory(), MerchantFactory()
    world.users["owner_a"] = world.merchant_a.owner
    world.users["owner_b"] = world.merchant_b.owner
    world.shop_a = ShopFactory(merchant=world.merchant_a)
    world.shop_b = ShopFactory(merchant=world.merchant_b)
    services.shop_hours_set(
        shop=world.shop_a,
        spans=[{"weekday": d, "opens": time(10), "closes": time(22)} for d in range(7)],
    )
    services.hours_exception_set(shop=world.shop_a, day=HOLIDAY, is_closed=True)
    world.photo_a = services.shop_photo_add(
        shop=world.shop_a, kind="storefront", upload=png_upload()
    )
    world.service_a = ServiceFactory(shop=world.shop_a)
    services.service_photo_add(service=world.service_a, upload=png_upload())
    # Staff of A in A's shop, without any permission: sees, may not change.
    idle = StaffFactory(merchant=world.merchant_a, permissions=[])
    idle.shops.set([world.shop_a])
    world.users["staff_a"] = idle.user
    world.cashier_a = StaffFactory(merchant=world.merchant_a, permissions=[StaffPermission.REDEEM])
    world.cashier_a.shops.set([world.shop_a])


@world_builder
def loyalty(world: World) -> None:
    """A's card program (every shop), consumer A's active card with a consumption password,
    and a cash top-up of it at A's counter; B has a program of its own and has invited
    consumer A (by phone) to take its card."""

    world.program_a = program_create(world.merchant_a)
    program_b = program_create(world.merchant_b)  # B works on its own program, never on A's
    world.invitation_a = card_invite(program=program_b, phone=world.users["consumer_a"].phone)
    world.card_a = card_create_for(world.program_a, world.users["consumer_a"])
    world.top_up_a = card_top_up(
        card=world.card_a,
        amount_fen=10_000,
        backend="cash",
        by=world.users["owner_a"],
        shop=world.shop_a,
        idempotency_key="world-top-up-a",
    ).payment
    world.card_a.refresh_from_db()


@world_builder
def coupons(world: World) -> None:
    """A's published campaign (shop A) and a draft; consumer A holds one coupon of it and
    used another at A's counter; a paper batch of one."""

    consumer = world.users["consumer_a"]
    world.campaign_a = CampaignFactory(
        merchant=world.merchant_a, shops=[world.shop_a], per_customer_limit=5
    )
    world.draft_campaign_a = CampaignFactory(merchant=world.merchant_a, status=CampaignStatus.DRAFT)
    world.coupon_a = CouponFactory(campaign=world.campaign_a, holder=consumer)
    used = CouponFactory(campaign=world.campaign_a, holder=consumer, holder_seq=2)
    world.redemption_a = coupon_redeem(
        shop=world.shop_a,
        staff=world.cashier_a.user,
        code=used.code,
        order_amount_fen=20_000,
        idempotency_key="world-redeem-a",
    )
    world.paper_batch_a = paper_batch_create(
        campaign=world.campaign_a, count=1, created_by=world.users["owner_a"]
    )


@world_builder
def orders(world: World) -> None:
    """Consumer A's orders at shop A: a confirmed booking for tomorrow, one that started an
    hour ago, one waiting for A to accept, and two consumed purchases (one reviewed, which
    gives A settlement entries and a payout batch)."""

    consumer, owner = world.users["consumer_a"], world.users["owner_a"]
    world.bookable_a = BookableServiceFactory(shop=world.shop_a)
    world.slot_a = SlotFactory(service=world.bookable_a, capacity=5)
    world.free_slot_a = SlotFactory(
        service=world.bookable_a, starts_at=world.slot_a.starts_at + timedelta(days=1)
    )
    world.order_a = booking(slot=world.slot_a, consumer=consumer)
    started = booking(slot=SlotFactory(service=world.bookable_a), consumer=consumer)
    world.started_order_a = shift(started, hours=-25)  # moves its slot too
    world.visit_a = purchase(service=world.bookable_a, consumer=consumer)
    order_consume(order=world.visit_a, via="counter", actor=owner)
    reviewed = purchase(service=world.bookable_a, consumer=consumer)
    order_consume(order=reviewed, via="counter", actor=owner)
    world.review_a = review_create_verified(order=reviewed, rating=5, text="很好")
    world.payout_batch_a = payout_batch_create(
        merchant=world.merchant_a, until=timezone.now() + timedelta(seconds=1)
    )
    order_policy_set(shop=world.shop_a, requires_acceptance=True)
    world.pending_order_a = booking(slot=world.slot_a, consumer=consumer)


@world_builder
def flash_deals(world: World) -> None:
    """Consumer A's place, subscription, check-in and inbox message; merchant A's draft deal
    and a live one for consumer A."""
    from deals.services import flash_deal_publish
    from geo.services import (
        check_in_create,
        location_consent_grant,
        place_create,
        subscription_create,
    )
    from merchants.models import Category
    from notifications.models import InboxMessage
    from tests.deals.factories import deal_for

    consumer = world.users["consumer_a"]
    world.place_a = place_create(consumer=consumer, kind="home", lat=31.23, lng=121.45)
    world.subscription_a = subscription_create(
        consumer=consumer,
        category=Category.objects.get(slug="hair"),
        place=world.place_a,
        radius_m=2000,
    )
    location_consent_grant(consumer=consumer)
    world.check_in_a = check_in_create(consumer=consumer, lat=31.23, lng=121.45)
    world.inbox_a = InboxMessage.objects.create(
        recipient=consumer, kind="system", title="欢迎", dedupe_key="welcome"
    )
    world.deal_a = deal_for(world.shop_a)
    # Live and private: for consumer A only (consumers' flash-deal list and detail).
    world.private_deal_a = flash_deal_publish(
        deal=deal_for(world.shop_a, target="customer_list", customer_phones=[consumer.phone])
    )


@world_builder
def devices(world: World) -> None:
    """Consumer A's phone, registered for push."""
    from notifications.services import device_register

    world.device_a, _ = device_register(
        consumer=world.users["consumer_a"], platform="ios", token="a1" * 32
    )


@world_builder
def crm(world: World) -> None:
    """A's customer (consumer A, looked after by A's cashier) with a complaint, a retention task
    and plans in each state the endpoints act on."""
    from datetime import timedelta

    from django.utils import timezone

    from crm import services as crm_services
    from crm.services.feed import customer_for_consumer

    owner = world.users["owner_a"]
    world.customer_a = customer_for_consumer(
        merchant_id=world.merchant_a.pk, consumer=world.users["consumer_a"], source="order"
    )
    crm_services.customer_update(customer=world.customer_a, owner=world.cashier_a.user)
    world.customer_at_risk_a = crm_services.customer_add(
        merchant=world.merchant_a, phone="+8613912349999", name="老客"
    )
    world.complaint_a = crm_services.complaint_create(
        merchant=world.merchant_a,
        customer=world.customer_a,
        channel="phone",
        content="等太久",
        owner=None,
    )
    world.task_a = crm_services.retention_task_create(
        customer=world.customer_a, assigned_to=owner, due=timezone.localdate()
    )
    plan = {
        "merchant": world.merchant_a,
        "created_by": owner,
        "staff": owner,
        "customer": world.customer_a,
        "goal": "回访",
        "methods": "电话",
        "deadline": timezone.localdate() + timedelta(days=30),
    }
    world.plan_a = crm_services.plan_create(**plan)
    world.plan_submitted_a = crm_services.plan_submit(plan=crm_services.plan_create(**plan))
    world.plan_approved_a = crm_services.plan_approve(
        plan=crm_services.plan_submit(plan=crm_services.plan_create(**plan))
    )


@world_builder
def privacy(world: World) -> None:
    """Published privacy policy and terms; consumer A's data export ready to download; consumer
    B's account deletion pending. Everyone accepted the documents (a sign-in asks first)."""
    from privacy.models import DataExport, ExportStatus, PolicyDocument
    from privacy.services.consents import document_consent_record
    from privacy.services.deletion import deletion_request
    from privacy.services.export import data_export_link_token, data_export_prepare_by_id

    for kind in ("privacy", "terms"):
        PolicyDocument.objects.create(
            kind=kind, version=1, title=kind, body="…", published_at=timezone.now()
        )
        for user in world.users.values():
            document_consent_record(user=user, kind=kind, version=1, channel="web")
    export = DataExport.objects.create(user=world.users["consumer_a"], status=ExportStatus.PENDING)
    world.export_a = data_export_prepare_by_id(export_id=export.pk)
    world.export_token_a = data_export_link_token(export=world.export_a)
    world.deletion_b = deletion_request(user=world.users["consumer_b"], password=PASSWORD)
