"""A merchant sets up its program: rules, levels, top-up bonus tiers, valid shops."""

import itertools

from django.db import transaction
from django.utils.translation import gettext as _

from merchants.models import Merchant, Shop

from ..errors import InvalidProgram
from ..locks import card_program_lock
from ..models import CardProgram, Level, TopUpBonusTier

PROGRAM_FIELDS = {
    "name",
    "auto_approve",
    "earn_online",
    "earn_offline",
    "points_rounding",
    "points_expiry_days",
    "redeem_points",
    "redeem_fen",
    "upgrade_basis",
    "upgrade_window_days",
    "downgrade_enabled",
    "top_up_enabled",
    "min_top_up_fen",
    "max_top_up_fen",
}


def levels_validate(levels: list[dict]) -> None:
    ranks = [level["rank"] for level in levels]
    if not levels or sorted(ranks) != list(range(len(levels))):
        raise InvalidProgram(fields={"levels": [_("等级序号须从 0 开始连续编号。")]})
    ordered = sorted(levels, key=lambda level: level["rank"])
    if ordered[0].get("threshold", 0) != 0:
        raise InvalidProgram(fields={"levels": [_("最低等级的升级门槛须为 0。")]})
    thresholds = [level.get("threshold", 0) for level in ordered]
    if any(b <= a for a, b in itertools.pairwise(thresholds)):
        raise InvalidProgram(fields={"levels": [_("等级越高，升级门槛须越高。")]})


@transaction.atomic
def card_program_save(
    *,
    merchant: Merchant,
    levels: list[dict],
    bonus_tiers: list[dict] | None = None,
    shops: list[Shop] | None = None,
    **fields,
) -> CardProgram:
    """Create or replace the merchant's program. Levels are matched by rank: existing ones are
    updated (cards keep them), new ranks created; a rank that cards still hold stays."""
    levels_validate(levels)
    program = card_program_lock(merchant=merchant, name=fields.get("name") or merchant.name)
    for field in set(fields) & PROGRAM_FIELDS:
        setattr(program, field, fields[field])
    if program.max_top_up_fen < program.min_top_up_fen:
        raise InvalidProgram(fields={"max_top_up_fen": [_("单次最高充值不能低于最低充值。")]})
    program.save()
    kept = set()
    for data in levels:
        level, _created = Level.objects.update_or_create(
            program=program,
            rank=data["rank"],
            defaults={k: v for k, v in data.items() if k != "rank"},
        )
        kept.add(level.pk)
    dropped = program.levels.exclude(pk__in=kept)
    if dropped.filter(cards__isnull=False).exists():
        raise InvalidProgram(fields={"levels": [_("仍有会员持有的等级不能删除。")]})
    dropped.delete()
    if bonus_tiers is not None:
        amounts = [tier["min_amount_fen"] for tier in bonus_tiers]
        if len(set(amounts)) != len(amounts):
            raise InvalidProgram(fields={"bonus_tiers": [_("同一充值金额只能设一档赠送。")]})
        program.bonus_tiers.all().delete()
        TopUpBonusTier.objects.bulk_create(
            TopUpBonusTier(program=program, **tier) for tier in bonus_tiers
        )
    if shops is not None:
        program.shops.set(shops)
    return program
