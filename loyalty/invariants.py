"""Invariants of cards and their ledger (see core/invariants.py)."""

from django.db import connection

from core.invariants import invariant


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@invariant("loyalty.card_equals_ledger_sums", "每张卡的积分与余额等于其流水之和")
def card_equals_ledger_sums():
    for number, points, balance, points_sum, balance_sum in rows(
        """SELECT card.number, card.points, card.balance_fen,
                  COALESCE(SUM(entry.points_delta), 0), COALESCE(SUM(entry.balance_delta_fen), 0)
           FROM loyalty_membershipcard card
           LEFT JOIN loyalty_ledgerentry entry ON entry.card_id = card.id
           GROUP BY card.id
           HAVING card.points <> COALESCE(SUM(entry.points_delta), 0)
               OR card.balance_fen <> COALESCE(SUM(entry.balance_delta_fen), 0)"""
    ):
        yield (
            f"card {number}: points {points}, balance {balance} fen; "
            f"the ledger sums to {points_sum} points, {balance_sum} fen"
        )


@invariant("loyalty.ledger_rows_chain", "每行流水的结余 = 上一行结余 + 本行变动，最后一行等于卡")
def ledger_rows_chain():
    for number, entry_id in rows(
        """SELECT card.number, chained.id FROM (
               SELECT id, card_id, points_after, balance_after_fen,
                      COALESCE(LAG(points_after) OVER w, 0) + points_delta AS points_expected,
                      COALESCE(LAG(balance_after_fen) OVER w, 0) + balance_delta_fen
                          AS balance_expected
               FROM loyalty_ledgerentry WINDOW w AS (PARTITION BY card_id ORDER BY id)
           ) chained JOIN loyalty_membershipcard card ON card.id = chained.card_id
           WHERE chained.points_after <> chained.points_expected
              OR chained.balance_after_fen <> chained.balance_expected"""
    ):
        yield f"card {number}: entry {entry_id} does not follow from the row before it"
    for number, entry_id in rows(
        """SELECT card.number, last.id FROM loyalty_membershipcard card
           JOIN LATERAL (SELECT id, points_after, balance_after_fen FROM loyalty_ledgerentry
                         WHERE card_id = card.id ORDER BY id DESC LIMIT 1) last ON TRUE
           WHERE (last.points_after, last.balance_after_fen) <> (card.points, card.balance_fen)"""
    ):
        yield f"card {number}: its last entry {entry_id} ends at other figures than the card"


@invariant("loyalty.lots_hold_the_points", "积分批次的剩余之和等于卡上的积分")
def lots_hold_the_points():
    for number, points, remaining in rows(
        """SELECT card.number, card.points, COALESCE(SUM(lot.remaining), 0)
           FROM loyalty_membershipcard card
           LEFT JOIN loyalty_pointslot lot ON lot.card_id = card.id
           GROUP BY card.id HAVING card.points <> COALESCE(SUM(lot.remaining), 0)"""
    ):
        yield f"card {number}: {points} points, but its lots hold {remaining}"
