import itertools
import uuid
from decimal import Decimal

from django.db.models import Sum

from accounts.models import Role
from loyalty.models import LedgerEntry, MembershipCard, PointsLot
from loyalty.services import card_program_save
from loyalty.services.cards import card_create
from loyalty.services.password import card_password_set
from tests.factories import MerchantFactory, ShopFactory, UserFactory

LEVELS = [
    {
        "name": "普通卡",
        "rank": 0,
        "points_per_yuan": Decimal(1),
        "percent_off": 0,
        "threshold": 0,
    },
    {
        "name": "银卡",
        "rank": 1,
        "points_per_yuan": Decimal("1.5"),
        "percent_off": 5,
        "threshold": 100_000,
    },
    {
        "name": "VIP",
        "rank": 2,
        "points_per_yuan": Decimal(2),
        "percent_off": 12,
        "threshold": 500_000,
    },
]
PIN = "135790"
numbers = itertools.count(1)


def program_create(merchant=None, **fields):
    merchant = merchant or MerchantFactory()
    options = {
        "name": f"{merchant.name}会员卡",
        "top_up_enabled": True,
        "max_top_up_fen": 1_000_000,
        **fields,
    }
    bonus_tiers = options.pop("bonus_tiers", [{"min_amount_fen": 50_000, "bonus_fen": 5_000}])
    return card_program_save(
        merchant=merchant,
        levels=[dict(level) for level in LEVELS],
        bonus_tiers=bonus_tiers,
        **options,
    )


def card_create_for(program=None, consumer=None, *, pin: str | None = PIN, **fields):
    program = program or program_create()
    consumer = consumer or UserFactory(role=Role.CONSUMER)
    card = card_create(program=program, consumer=consumer, status="active", **fields)
    if pin:
        card = card_password_set(card=card, password=pin)
    return MembershipCard.objects.select_related("program", "level").get(pk=card.pk)


def shop_for(program):
    return ShopFactory(merchant=program.merchant)


def key() -> str:
    return f"test-{uuid.uuid4().hex}"


def ledger_violations(card_ids=None) -> list[str]:
    """Every way the cached figures can disagree with the ledger and the lots."""
    cards = MembershipCard.objects.all()
    if card_ids is not None:
        cards = cards.filter(pk__in=card_ids)
    problems = []
    for card in cards:
        sums = LedgerEntry.objects.filter(card=card).aggregate(
            points=Sum("points_delta"), balance=Sum("balance_delta_fen")
        )
        lots = PointsLot.objects.filter(card=card).aggregate(left=Sum("remaining"))["left"] or 0
        last = LedgerEntry.objects.filter(card=card).order_by("-pk").first()
        if (sums["points"] or 0) != card.points or (sums["balance"] or 0) != card.balance_fen:
            problems.append(f"card {card.pk}: cache differs from the ledger sums")
        if lots != card.points:
            problems.append(f"card {card.pk}: lots hold {lots}, card {card.points}")
        if last and (last.points_after, last.balance_after_fen) != (card.points, card.balance_fen):
            problems.append(f"card {card.pk}: last row's figures differ from the card")
        if card.points < 0 or card.balance_fen < 0:
            problems.append(f"card {card.pk}: negative")
    return problems
