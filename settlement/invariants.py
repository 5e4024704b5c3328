"""Invariants of settlement entries and payout batches (see core/invariants.py)."""

from django.db import connection

from core.invariants import invariant


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@invariant("settlement.batches_reconcile", "结算批次的合计等于其明细之和")
def batches_reconcile():
    for batch_id, count, amount, commission, sums in rows(
        """SELECT batch.id, batch.entry_count, batch.amount_fen, batch.commission_fen,
                  ARRAY[COUNT(entry.id), COALESCE(SUM(entry.amount_fen), 0),
                        COALESCE(SUM(entry.commission_fen), 0)]
           FROM settlement_payoutbatch batch
           LEFT JOIN settlement_settlemententry entry ON entry.batch_id = batch.id
           GROUP BY batch.id
           HAVING batch.entry_count <> COUNT(entry.id)
               OR batch.amount_fen <> COALESCE(SUM(entry.amount_fen), 0)
               OR batch.commission_fen <> COALESCE(SUM(entry.commission_fen), 0)"""
    ):
        yield (
            f"payout batch {batch_id}: {count} entries, {amount} fen, commission {commission}; "
            f"its entries add up to {sums[0]}, {sums[1]} fen, commission {sums[2]}"
        )


@invariant("settlement.entries_match_orders", "明细属于订单的商户；批次只收本商户的明细")
def entries_match_orders():
    for entry_id, order_id in rows(
        """SELECT entry.id, entry.order_id FROM settlement_settlemententry entry
           JOIN consumers_order o ON o.id = entry.order_id
           LEFT JOIN settlement_payoutbatch batch ON batch.id = entry.batch_id
           WHERE entry.merchant_id <> o.merchant_id OR batch.merchant_id <> entry.merchant_id"""
    ):
        yield f"settlement entry {entry_id} of order {order_id} is booked to another merchant"


@invariant("settlement.consumed_orders_earned", "每笔已消费订单恰有一条消费明细且未冲回")
def consumed_orders_earned():
    for code, sales, reversals in rows(
        """SELECT o.code,
                  COUNT(*) FILTER (WHERE entry.kind = 'sale'),
                  COUNT(*) FILTER (WHERE entry.kind = 'reversal')
           FROM consumers_order o
           LEFT JOIN settlement_settlemententry entry ON entry.order_id = o.id
           WHERE o.state = 'consumed'
           GROUP BY o.id
           HAVING COUNT(*) FILTER (WHERE entry.kind = 'sale') <> 1
               OR COUNT(*) FILTER (WHERE entry.kind = 'reversal') <> 0"""
    ):
        yield f"consumed order {code}: {sales} sale entries, {reversals} reversals"
