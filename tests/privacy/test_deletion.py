"""Account deletion: re-authenticate, settle or forfeit what is left, wait (signing in
cancels), then no personal field anywhere, money records balanced and kept without identity,
other people's data untouched."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from psycopg2 import sql

from accounts.models import User
from consumers.models import Order, Review
from consumers.services import order_cancel_by_merchant, review_photo_add
from core.invariants import invariants_check
from crm.models import Customer
from geo.services import check_in_create
from loyalty.models import LedgerEntry, MembershipCard
from payments.models import Payment
from privacy.models import DeletionRequest
from privacy.services.deletion import (
    OPEN_ORDER_STATES,
    deletion_cancel,
    deletions_due_erase,
    user_foreign_keys,
)
from settlement.models import SettlementEntry
from tests.conftest import client_for
from tests.factories import PASSWORD
from tests.reliability.world import World, png_upload

pytestmark = pytest.mark.django_db


def tables_mentioning(needle: str) -> list[str]:
    """Every table of the database (audit events, sessions, tokens, logs included) whose
    rows, as JSON, contain `needle`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' "
            "AND table_name NOT IN ('spatial_ref_sys')"
        )
        tables = [row[0] for row in cursor.fetchall()]
        found = []
        for table in tables:
            query = sql.SQL("SELECT count(*) FROM {} t WHERE row_to_json(t)::text LIKE %s")
            cursor.execute(query.format(sql.Identifier(table)), [f"%{needle}%"])
            if cursor.fetchone()[0]:
                found.append(table)
    return found


def references_to(user_id: int) -> list[str]:
    found = [
        f"{model._meta.label}.{field.name}"
        for model, field in user_foreign_keys()
        if model._base_manager.filter(**{field.attname: user_id}).exists()
    ]
    context = apps.get_model("pghistory", "Context")
    if context.objects.filter(metadata__user=user_id).exists():
        found.append("pghistory.Context.metadata")
    return found


def settle_open_orders(world: World) -> None:
    for order in Order.objects.filter(
        consumer=world.users["consumer_a"], state__in=OPEN_ORDER_STATES
    ):
        order_cancel_by_merchant(order=order, actor=world.users["owner_a"], reason="协商取消")


def test_deletion_asks_for_the_password_and_lists_what_is_left_first():
    world = World()
    me = client_for(world.users["consumer_a"])
    wrong = me.post("/api/v1/me/deletion/", {"password": "nope"})
    assert wrong.status_code == 403 and wrong.json()["code"] == "reauthentication_failed"
    nothing = me.post("/api/v1/me/deletion/", {})
    assert nothing.status_code == 403
    sms = me.post("/api/v1/me/deletion/", {"sms_code": "123456"})  # none was sent
    assert sms.status_code == 403 and sms.json()["code"] == "reauthentication_failed"

    shown = me.get("/api/v1/me/deletion/").json()
    assert shown["status"] is None
    assert shown["blockers"]["open_orders"] and shown["blockers"]["stored_value"]
    assert shown["blockers"]["stored_value"][0]["balance_fen"] == 10_000
    assert shown["blockers"]["coupons"]
    blocked = me.post("/api/v1/me/deletion/", {"password": PASSWORD, "forfeit": True})
    assert blocked.status_code == 409 and blocked.json()["code"] == "deletion_blocked"
    assert set(blocked.json()["fields"]) == {"open_orders"}  # forfeiting cannot settle orders

    settle_open_orders(world)
    blocked = me.post("/api/v1/me/deletion/", {"password": PASSWORD})
    assert set(blocked.json()["fields"]) == {"stored_value", "points", "coupons"}
    asked = me.post("/api/v1/me/deletion/", {"password": PASSWORD, "forfeit": True})
    assert asked.status_code == 202
    due = asked.json()["due_at"]
    assert asked.json()["status"] == "pending" and asked.json()["forfeit"] is True
    assert abs(
        timezone.datetime.fromisoformat(due) - (timezone.now() + timedelta(days=15))
    ) < timedelta(minutes=1)


def test_signing_in_during_the_waiting_period_cancels_the_deletion(api):
    world = World()  # consumer B's deletion is pending there
    consumer = world.users["consumer_b"]
    session = api.post(
        "/api/v1/auth/login/", {"phone": str(consumer.phone), "password": PASSWORD}
    ).json()
    assert session["deletion_cancelled"] is True
    assert client_for(consumer).get("/api/v1/me/deletion/").json()["status"] is None
    assert deletions_due_erase(now=timezone.now() + timedelta(days=30)) == 0
    assert User.objects.filter(pk=consumer.pk, phone=consumer.phone).exists()


def test_after_the_wait_nothing_personal_is_left_and_the_money_still_adds_up(
    api, django_capture_on_commit_callbacks
):
    world = World()
    photo = review_photo_add(review=world.review_a, upload=png_upload())
    consumer, other = world.users["consumer_a"], world.users["consumer_b"]
    deletion_cancel(user=other)  # B stays: another consumer, who must be untouched
    check_in_create(consumer=consumer, lat=31.23, lng=121.45)
    me = client_for(consumer)
    me.post("/api/v1/me/consents/", {"kind": "privacy", "version": 1})
    api.post("/api/v1/auth/login/", {"phone": str(consumer.phone), "password": PASSWORD})
    settle_open_orders(world)
    assert me.post("/api/v1/me/deletion/", {"password": PASSWORD, "forfeit": True}).status_code
    old_id, phone, name = consumer.pk, consumer.phone, consumer.name
    money_before = {
        "orders": Order.objects.filter(consumer_id=old_id).count(),
        "payments": Payment.objects.filter(payer_id=old_id).count(),
        "ledger": LedgerEntry.objects.filter(card__consumer_id=old_id).count(),
        "settlement": SettlementEntry.objects.count(),
    }
    review_rating = Review.objects.get(consumer_id=old_id).rating
    other_before = User.objects.filter(pk=other.pk).values("phone", "name").get()
    export_file = world.export_a.file.name
    assert default_storage.exists(export_file) and default_storage.exists(photo.image.name)
    assert tables_mentioning(phone.as_e164)  # the walk does find what is there

    assert deletions_due_erase(now=timezone.now() + timedelta(days=14)) == 0  # still waiting
    with django_capture_on_commit_callbacks(execute=True):
        assert deletions_due_erase(now=timezone.now() + timedelta(days=16)) == 1

    assert not User.objects.filter(pk=old_id).exists()
    national = str(phone.national_number)
    assert tables_mentioning(national) == []
    assert tables_mentioning(name) == []
    assert references_to(old_id) == []
    assert not default_storage.exists(export_file)
    assert not default_storage.exists(photo.image.name)
    assert not default_storage.exists(photo.thumbnail.name)

    # The money records stay, with an anonymous account no one can sign in to.
    anonymous = User.objects.get(deletion_requests__status="done")
    assert anonymous.is_active is False and not anonymous.has_usable_password()
    assert anonymous.name == "" and str(anonymous.phone).startswith("+999")
    assert Order.objects.filter(consumer=anonymous).count() == money_before["orders"]
    assert Payment.objects.filter(payer=anonymous).count() == money_before["payments"]
    ledger = LedgerEntry.objects.filter(card__consumer=anonymous)
    assert ledger.count() == money_before["ledger"] + 2  # + the forfeited balance and points
    card = MembershipCard.objects.get(consumer=anonymous)
    assert (card.balance_fen, card.points) == (0, 0)
    assert SettlementEntry.objects.count() == money_before["settlement"]
    assert Review.objects.get(consumer=anonymous).rating == review_rating
    failed = [o.invariant.name for o in invariants_check() if not o.holds]
    assert failed == []

    # Other people: consumer B as before; merchant A keeps its other customers and its shop.
    assert User.objects.filter(pk=other.pk).values("phone", "name").get() == other_before
    assert DeletionRequest.objects.get(pk=world.deletion_b.pk).user_id == other.pk
    merchant = world.merchant_a
    assert Customer.objects.filter(merchant=merchant, name="老客").exists()
    listed = client_for(world.users["owner_a"]).get("/api/v1/merchant/crm/customers/").json()
    assert [c["name"] for c in listed["results"]] == ["老客"]
    assert not Customer.objects.filter(consumer=anonymous).exists()
    signed_in = api.post("/api/v1/auth/login/", {"phone": str(phone), "password": PASSWORD})
    assert signed_in.status_code == 401


def test_password_guesses_on_deletion_are_throttled(consumer):
    me = client_for(consumer)
    answers = [me.post("/api/v1/me/deletion/", {"password": f"guess-{i}"}) for i in range(11)]
    assert [a.status_code for a in answers[:10]] == [403] * 10
    assert answers[10].status_code == 429
    assert me.get("/api/v1/me/deletion/").status_code == 200  # reading is not throttled
