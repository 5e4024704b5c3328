"""Stored value: a top-up is a payment through a backend, then `top_up` (+ `bonus`) rows."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from merchants.models import Shop
from payments.backends import PayRequest, payment_backend
from payments.models import Payment, PaymentStatus
from payments.services import payment_charge, payment_refund

from ..errors import TopUpNotAllowed
from ..locks import card_lock
from ..models import Channel, EntryKind, LedgerEntry, MembershipCard
from ..selectors import top_up_bonus_fen
from .ledger import Movement, entry_append
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
    pay: PayRequest | None = None,
) -> TopUpResult:
    """Charge `amount_fen` through `backend` (staff at the counter use offline backends such as
    cash or a payment code, consumers online ones); once paid the card is credited with the
    best bonus tier (`top_up_payment_paid`): at once for cash and the sandbox, on the gateway's
    verified notification for a real one (the result's payment is then pending, with what the
    app needs to pay). A declined payment is returned with no rows. The request's
    `idempotency_key` is the API's; the ledger rows are keyed by the payment."""
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
        shop=shop,
        request=pay or PayRequest(token=token),
    )
    entries = LedgerEntry.objects.filter(card=card, reference=f"payment:{payment.pk}")
    return TopUpResult(
        MembershipCard.objects.get(pk=card.pk), payment, list(entries.order_by("pk"))
    )


def top_up_payment_paid(payment: Payment) -> bool:
    """Credit the card a paid top-up was for: `top_up` and `bonus` rows, once per payment."""
    card = card_lock(int(payment.reference.split(":")[1]))
    key = f"payment:{payment.pk}"
    if LedgerEntry.objects.filter(card=card, idempotency_key=key).exists():
        return True
    common = {
        "channel": Channel.ONLINE if payment.created_by_id == card.consumer_id else Channel.COUNTER,
        "reference": key,
        "idempotency_key": key,
        "shop": payment.shop,
        "by": payment.created_by,
    }
    amount = payment.amount_fen
    entry_append(card, Movement(kind=EntryKind.TOP_UP, balance_delta_fen=amount, **common))
    if bonus := top_up_bonus_fen(card.program, amount):
        entry_append(card, Movement(kind=EntryKind.BONUS, balance_delta_fen=bonus, **common))
    return True


def top_up_payment_closed(payment: Payment) -> None:
    """An unpaid top-up held nothing."""


@transaction.atomic
def card_top_up_refund(*, payment: Payment, by: User, reason: str = "") -> Payment:
    """Refund a whole top-up: the top-up and its bonus are reversed (refused if the balance has
    been spent below them), then the payment is refunded through its backend."""
    card_reference_reverse(reference=f"payment:{payment.pk}", by=by, note=reason)
    payment_refund(payment=payment, amount_fen=payment.refundable_fen, created_by=by, reason=reason)
    payment.refresh_from_db()
    return payment
