"""Daily reconciliation: each gateway's statement (bill) for a day against our books, to the
fen. Every payment and refund the gateway lists must be one of ours, succeeded, for the same
amount; every one we count as succeeded that day must be on the statement. Each difference is
a `PaymentIssue` platform staff see in the admin; rerunning a day records nothing twice."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .backends import BillLine, payment_backend
from .models import IssueKind, Payment, PaymentStatus, Reconciliation, Refund, RefundStatus
from .services import issue_flag

# Our time of success is when the notification came; the gateway's, when the money moved. One
# made in the last minutes of a day may be on the next day's statement.
GRACE = timedelta(minutes=10)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time()))
    return start, start + timedelta(days=1)


@transaction.atomic
def reconcile(*, backend: str, day: date) -> Reconciliation | None:
    chosen = payment_backend(backend)
    lines = chosen.bill(day=day)
    if lines is None:
        return None
    names = statement_backends(chosen)
    start, end = day_bounds(day)
    payments = {
        p.trade_no: p
        for p in Payment.objects.filter(
            backend__in=names, status=PaymentStatus.SUCCEEDED, succeeded_at__range=(start, end)
        )
    }
    refunds = {
        r.refund_no: r
        for r in Refund.objects.filter(
            payment__backend__in=names,
            status=RefundStatus.SUCCEEDED,
            succeeded_at__range=(start, end),
        ).select_related("payment")
    }
    mismatches = 0
    for line in lines:
        if not line_matches(
            names, backend, day, line, payments if line.kind == "payment" else refunds
        ):
            mismatches += 1
    for row in [*payments.values(), *refunds.values()]:
        if row.succeeded_at >= end - GRACE:
            continue
        number = row.trade_no if isinstance(row, Payment) else row.refund_no
        issue_flag(
            kind=IssueKind.BILL_MISSING_THERE,
            payment=row if isinstance(row, Payment) else None,
            refund=row if isinstance(row, Refund) else None,
            number=number,
            day=day,
            expected_fen=row.amount_fen,
            detail=_("本系统记为成功，但渠道当日账单中没有。"),
        )
        mismatches += 1
    reconciliation, _created = Reconciliation.objects.update_or_create(
        backend=backend,
        day=day,
        defaults={
            "payments": sum(1 for line in lines if line.kind == "payment"),
            "refunds": sum(1 for line in lines if line.kind == "refund"),
            "mismatches": mismatches,
        },
    )
    return reconciliation


def statement_backends(chosen) -> list[str]:
    """The backend names whose payments one statement lists (one merchant account)."""
    if not chosen.statement:
        return [chosen.name]
    return [
        name
        for name in settings.PAYMENT_BACKENDS
        if payment_backend(name).statement == chosen.statement
    ]


def line_matches(names: list[str], backend: str, day: date, line: BillLine, books: dict) -> bool:
    """Match one statement line, taking it out of `books`; flag it when it does not match."""
    row = books.pop(line.number, None)
    if row is None:  # not succeeded that day here: succeeded at another time?
        if line.kind == "payment":
            row = Payment.objects.filter(
                backend__in=names, trade_no=line.number, status=PaymentStatus.SUCCEEDED
            ).first()
        else:
            row = Refund.objects.filter(
                payment__backend__in=names, refund_no=line.number, status=RefundStatus.SUCCEEDED
            ).first()
    if row is None:
        issue_flag(
            kind=IssueKind.BILL_MISSING_HERE,
            backend=backend,
            number=line.number,
            day=day,
            actual_fen=line.amount_fen,
            detail=(
                _("渠道账单中有这笔支付（%(reference)s），本系统没有成功记录。")
                if line.kind == "payment"
                else _("渠道账单中有这笔退款（%(reference)s），本系统没有成功记录。")
            )
            % {"reference": line.external_reference},
        )
        return False
    if row.amount_fen != line.amount_fen:
        issue_flag(
            kind=IssueKind.BILL_AMOUNT,
            payment=row if isinstance(row, Payment) else None,
            refund=row if isinstance(row, Refund) else None,
            number=line.number,
            day=day,
            expected_fen=row.amount_fen,
            actual_fen=line.amount_fen,
            detail=_("渠道账单金额与本系统不符。"),
        )
        return False
    return True
