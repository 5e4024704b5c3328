"""Property-based tests of the ledger: whatever happens to a card, in whatever order, the
cached figures equal the ledger's sums and the lots, nothing goes negative, spends take the
soonest-expiring points first and expired points are never spent."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from loyalty.models import EntryKind, LedgerEntry, PointsLot
from loyalty.services import (
    card_adjust,
    card_purchase_record,
    card_reference_reverse,
    card_top_up,
)
from loyalty.tasks import points_expire_due

from .factories import card_create_for, key, ledger_violations, program_create, shop_for

operations = st.lists(
    st.one_of(
        st.tuples(st.just("purchase"), st.integers(1, 60_000), st.just(0), st.just(0)),
        st.tuples(
            st.just("purchase"),
            st.integers(1, 60_000),
            st.integers(0, 30).map(lambda n: n * 100),
            st.integers(0, 30_000),
        ),
        st.tuples(st.just("top_up"), st.integers(100, 80_000), st.just(0), st.just(0)),
        st.tuples(st.just("reverse"), st.integers(0, 50), st.just(0), st.just(0)),
        st.tuples(st.just("adjust"), st.integers(-800, 800), st.just(0), st.just(0)),
        st.tuples(st.just("wait"), st.integers(0, 120), st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=25,
)


class Clock:
    """timezone.now() under the test's control, so points can expire."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now


def check_spend_order(entry: LedgerEntry, now) -> None:
    """A spend drained lots soonest-expiring first: no lot still open expires before a lot it
    emptied, and no lot past its expiry is left open."""
    far = now + timedelta(days=100_000)
    used = {lot_id for lot_id, _ in entry.lots_used}
    lots = {lot.pk: lot for lot in PointsLot.objects.filter(card=entry.card)}
    drained = [lots[i].expires_at or far for i in used if lots[i].remaining == 0]
    for lot in lots.values():
        if lot.remaining > 0:
            assert (lot.expires_at or far) > now, "expired points were left spendable"
            assert all((lot.expires_at or far) >= d for d in drained), "a later lot went first"


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=operations)
def test_any_sequence_keeps_the_cache_equal_to_the_ledger(steps):
    clock = Clock()
    with mock.patch("django.utils.timezone.now", clock), transaction.atomic():
        program = program_create(points_expiry_days=90)
        shop = shop_for(program)
        card = card_create_for(program)
        owner = program.merchant.owner
        references = []
        last_spend = None
        for index, (op, a, b, c) in enumerate(steps):
            reference = f"op:{index}"
            try:
                if op == "purchase":
                    card_purchase_record(
                        card_id=card.pk,
                        amount_fen=a,
                        points_to_use=b,
                        balance_to_use_fen=c,
                        shop=shop,
                        by=owner,
                        idempotency_key=key(),
                        reference=reference,
                    )
                    references.append(reference)
                elif op == "top_up":
                    result = card_top_up(
                        card=card, amount_fen=a, backend="cash", by=owner, idempotency_key=key()
                    )
                    references.append(f"payment:{result.payment.pk}")
                elif op == "reverse" and references:
                    card_reference_reverse(reference=references[a % len(references)], by=owner)
                elif op == "adjust" and a:
                    card_adjust(card_id=card.pk, points_delta=a, by=owner, note="校正")
                elif op == "wait":
                    clock.now += timedelta(days=a)
            except DomainError:
                pass  # refused (not enough points or balance, ...): nothing may have changed
            spend = LedgerEntry.objects.filter(card=card, kind=EntryKind.SPEND).last()
            if spend and spend.pk != last_spend and spend.lots_used:  # this step spent points
                check_spend_order(spend, clock.now)
            last_spend = spend.pk if spend else None
            assert ledger_violations([card.pk]) == []
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_points_are_spent_soonest_expiring_first_and_the_rest_expires():
    clock = Clock()
    with mock.patch("django.utils.timezone.now", clock):
        program = program_create(points_expiry_days=30)
        shop = shop_for(program)
        card = card_create_for(program)
        owner = program.merchant.owner

        def buy(amount, points=0):
            card_purchase_record(
                card_id=card.pk,
                amount_fen=amount,
                points_to_use=points,
                shop=shop,
                by=owner,
                idempotency_key=key(),
            )

        buy(50_000)  # 500 points, expiring in 30 days
        clock.now += timedelta(days=20)
        buy(30_000)  # 300 points, expiring 20 days later than the first
        buy(10_000, points=400)  # 400 of the first lot's 500
        first, second = PointsLot.objects.filter(card=card, points__gt=100).order_by("pk")
        assert (first.remaining, second.remaining) == (100, 300)
        clock.now += timedelta(days=11)  # the first lot has expired
        assert points_expire_due() == 1
        card.refresh_from_db()
        expired = LedgerEntry.objects.get(card=card, kind=EntryKind.EXPIRE)
        assert expired.points_delta == -100
        # The second lot and the last purchase's 96 points (earned on 96 yuan paid in money).
        assert card.points == 300 + 96
        assert ledger_violations([card.pk]) == []
