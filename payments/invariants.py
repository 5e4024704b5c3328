"""Invariants of payments and refunds (see core/invariants.py)."""

from django.db import connection

from core.invariants import invariant


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@invariant("payments.refunded_matches_refunds", "每笔支付的已退款金额等于其未失败退款之和")
def refunded_matches_refunds():
    for payment_id, refunded, total in rows(
        """SELECT payment.id, payment.refunded_fen, COALESCE(SUM(refund.amount_fen), 0)
           FROM payments_payment payment
           LEFT JOIN payments_refund refund
                  ON refund.payment_id = payment.id AND refund.status <> 'failed'
           GROUP BY payment.id
           HAVING payment.refunded_fen <> COALESCE(SUM(refund.amount_fen), 0)"""
    ):
        yield f"payment {payment_id}: refunded_fen {refunded}, its refunds add up to {total}"
