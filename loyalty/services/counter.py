"""The counter's card actions, one service each, called alike by the API and the dashboard:
the card found for this shop's merchant, the consumption password before any spending, the
way of taking money, and the write run once per idempotency key (core.idempotency.Once). The
caller only renders: `render` turns the result into the body that is stored and replayed."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from accounts.models import User
from core.idempotency import Once
from merchants.models import Shop
from payments.backends import PayRequest, payment_backend, payment_backends, payment_code_backend

from ..errors import CounterPaymentInvalid
from ..models import MembershipCard
from ..selectors import merchant_card_by_code
from .password import card_spending_authorize
from .purchases import PurchaseResult, card_purchase_record
from .top_up import TopUpResult, card_top_up

#: `method` for a payment code whose gateway is known from the code itself.
PAYMENT_CODE = "code"


def card_at_counter(*, shop: Shop, code: str) -> MembershipCard:
    """This merchant's card with the scanned QR or typed number; another merchant's is not
    found, a forged QR is InvalidCode."""
    return merchant_card_by_code(merchant=shop.merchant, code=code)


def card_counter_purchase(
    *,
    user: User,
    shop: Shop,
    code: str,
    amount_fen: int,
    points: int,
    balance_fen: int,
    password: str | None,
    once: Once,
    render: Callable[[PurchaseResult], tuple[int, dict]],
) -> tuple[MembershipCard, tuple[int, dict, bool]]:
    """Record a purchase on the card at `shop`, once per key: the card and (status, body,
    replayed). Not atomic as a whole: the password's wrong tries must outlive a refusal."""
    card = card_at_counter(shop=shop, code=code)
    card_spending_authorize(
        card_id=card.pk, password=password, points=points, balance_fen=balance_fen, once=once
    )

    def perform():
        return render(
            card_purchase_record(
                card_id=card.pk,
                amount_fen=amount_fen,
                points_to_use=points,
                balance_to_use_fen=balance_fen,
                shop=shop,
                by=user,
                idempotency_key=once.key,
            )
        )

    return card, once.run(scope="loyalty.purchase", perform=perform)


def counter_method_check(method: str, auth_code: str) -> str:
    """The backend that takes the money: an offline one (cash, a payment code); `code` is
    the payment code's own gateway, known from its prefix. A code backend needs the code."""
    if method == PAYMENT_CODE:
        method = payment_code_backend(auth_code)
    if method not in payment_backends(online=False):
        raise CounterPaymentInvalid(fields={"method": [_("门店只能使用线下收款方式。")]})
    if "code" in payment_backend(method).channels and not auth_code:
        raise CounterPaymentInvalid(fields={"auth_code": [_("请扫描顾客的付款码。")]})
    return method


def card_counter_top_up(
    *,
    user: User,
    shop: Shop,
    code: str,
    amount_fen: int,
    method: str,
    auth_code: str,
    once: Once,
    render: Callable[[TopUpResult], tuple[int, dict]],
) -> tuple[MembershipCard, tuple[int, dict, bool]]:
    """Top the card up with money taken at `shop`, once per key: the card and (status, body,
    replayed). With a payment code the customer may have to confirm on the phone: the payment
    is then pending and its `progress` tells each step (payments.services)."""
    card = card_at_counter(shop=shop, code=code)
    method = counter_method_check(method, auth_code)
    channel = "code" if "code" in payment_backend(method).channels else ""

    def perform():
        return render(
            card_top_up(
                card=card,
                amount_fen=amount_fen,
                backend=method,
                by=user,
                shop=shop,
                idempotency_key=once.key,
                pay=PayRequest(channel=channel, auth_code=auth_code, description="会员卡充值"),
            )
        )

    return card, once.run(scope="loyalty.top_up", perform=perform)
