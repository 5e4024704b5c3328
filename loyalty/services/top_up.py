"""Stored value: a top-up is a payment through a backend, then `top_up` (+ `bonus`) rows."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from merchants.models import Shop
from payments.backends import payment_backend
from payments.models import Payment, PaymentStatus
from payments.services import payment_charge, payment_refund

from ..errors import TopUpNotAllowed
from ..models import Channel, EntryKind, LedgerEntry, MembershipCard
from ..selectors import top_up_bonus_fen
from .ledger import Movement, card_lock, entry_append
from .purchases import card_reference_reverse, card_usable_check

TOP_UP_PURPOSE = "card_top_up"


@dataclass
class TopUpResult:
    card: MembershipCard
    payment: Payment
    entries: list[LedgerEntry] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.payment.status == PaymentStatus.SUCCEEDED


def top_up_check(card: MembershipCard, amount_fen: int, backend: str, at_counter: bool) -> None:
    program = card.program
    if not program.top_up_enabled:
        raise TopUpNotAllowed()
    if not program.min_top_up_fen <= amount_fen <= program.max_top_up_fen:
        raise TopUpNotAllowed(
            fields={
                "amount_fen": [
                    _("充值金额须在 %(low).2f 元到 %(high).2f 元之间。")
                    % {"low": program.min_top_up_fen / 100, "high": program.max_top_up_fen / 100}
                ]
            }
        )
    if payment_backend(backend).online == at_counter:
        raise TopUpNotAllowed(fields={"method": [_("此处不能使用该支付方式。")]})


@transaction.atomic
def card_top_up(
    *,
    card: MembershipCard,
    amount_fen: int,
    backend: str,
    by: User,
    idempotency_key: str,
    token: str = "",
    shop: Shop | None = None,
) -> TopUpResult:
    """Charge `amount_fen` through `backend` (staff at the counter use offline backends such as
    cash, consumers online ones), then credit the card and the best bonus tier. A declined
    payment is returned with no rows. Locks: the card row, after the charge (no lock is held
    while a gateway answers)."""
    at_counter = by.pk != card.consumer_id
    card_usable_check(card, shop)
    top_up_check(card, amount_fen, backend, at_counter)
    payment = payment_charge(
        payer=card.consumer,
        merchant=card.program.merchant,
        amount_fen=amount_fen,
        purpose=TOP_UP_PURPOSE,
        reference=f"card:{card.pk}",
        backend=backend,
        created_by=by,
        token=token,
        shop=shop,
    )
    if payment.status != PaymentStatus.SUCCEEDED:
        return TopUpResult(card, payment)
    card = card_lock(card.pk)
    common = {
        "channel": Channel.COUNTER if at_counter else Channel.ONLINE,
        "reference": f"payment:{payment.pk}",
        "idempotency_key": idempotency_key,
        "shop": shop,
        "by": by,
    }
    entries = [
        entry_append(card, Movement(kind=EntryKind.TOP_UP, balance_delta_fen=amount_fen, **common))
    ]
    if bonus := top_up_bonus_fen(card.program, amount_fen):
        entries.append(
            entry_append(card, Movement(kind=EntryKind.BONUS, balance_delta_fen=bonus, **common))
        )
    return TopUpResult(card, payment, entries)


@transaction.atomic
def card_top_up_refund(*, payment: Payment, by: User, reason: str = "") -> Payment:
    """Refund a whole top-up: the top-up and its bonus are reversed (refused if the balance has
    been spent below them), then the payment is refunded through its backend."""
    card_reference_reverse(reference=f"payment:{payment.pk}", by=by, note=reason)
    payment_refund(payment=payment, amount_fen=payment.refundable_fen, created_by=by, reason=reason)
    payment.refresh_from_db()
    return payment
