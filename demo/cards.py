"""Demo data for `manage.py seed_demo`: the demo merchant's program and the demo consumer's
card with some history. Idempotent: a merchant that has a program is left alone."""

from decimal import Decimal

from accounts.models import User
from loyalty.models import CardProgram
from loyalty.services import (
    card_design_publish,
    card_design_update,
    card_grant,
    card_password_set,
    card_program_save,
    card_purchase_record,
    card_top_up,
)
from merchants.models import Merchant

DEMO_CARD_PASSWORD = "246810"  # noqa: S105  printed by seed_demo; demo data only
LEVELS = [
    {"name": "普通会员", "rank": 0, "points_per_yuan": Decimal(1), "percent_off": 0},
    {"name": "银卡会员", "rank": 1, "points_per_yuan": Decimal("1.5"), "percent_off": 5},
    {"name": "金卡会员", "rank": 2, "points_per_yuan": Decimal(2), "percent_off": 12},
]
THRESHOLDS = [0, 100_000, 500_000]  # yuan 0 / 1,000 / 5,000 spent in a year


def demo_cards_load(merchant: Merchant, consumer: User) -> bool:
    if CardProgram.objects.filter(merchant=merchant).exists():
        return False
    program = card_program_save(
        merchant=merchant,
        name="李记会员卡",
        levels=[{**level, "threshold": t} for level, t in zip(LEVELS, THRESHOLDS, strict=True)],
        bonus_tiers=[
            {"min_amount_fen": 50_000, "bonus_fen": 5_000},
            {"min_amount_fen": 100_000, "bonus_fen": 15_000},
        ],
        points_expiry_days=365,
        top_up_enabled=True,
    )
    card_design_update(
        program=program, template="gold", title="李记会员卡", subtitle="静安五店通用"
    )
    card_design_publish(program=program)
    card = card_grant(program=program, phone=consumer.phone)
    card_password_set(card=card, password=DEMO_CARD_PASSWORD)
    owner = merchant.owner
    shops = list(merchant.shops.order_by("pk"))
    card_top_up(
        card=card,
        amount_fen=50_000,
        backend="cash",
        by=owner,
        shop=shops[0],
        idempotency_key="demo-1",
    )
    for index, amount in enumerate([12_800, 48_800, 26_800, 19_900]):
        card_purchase_record(
            card_id=card.pk,
            amount_fen=amount,
            shop=shops[index % len(shops)],
            by=owner,
            idempotency_key=f"demo-purchase-{index}",
            balance_to_use_fen=10_000 if index == 1 else 0,
            points_to_use=100 if index == 3 else 0,
        )
    return True
