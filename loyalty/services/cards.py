"""Cards are applied for by consumers or granted by merchants: one per consumer per program."""

from django.db import IntegrityError, transaction
from phonenumber_field.phonenumber import PhoneNumber

from accounts.models import Role, User
from core.codes import short_code_new
from crm.services.feed import customer_touch
from merchants.models import Shop

from ..errors import CardAlreadyHeld, CardNotValidHere, NotAConsumer
from ..models import CardProgram, CardStatus, Level, MembershipCard
from ..selectors import program_valid_at


def card_create(
    *,
    program: CardProgram,
    consumer: User,
    status: str,
    level: Level | None = None,
    shop: Shop | None = None,
) -> MembershipCard:
    if consumer.role != Role.CONSUMER:
        raise NotAConsumer()
    level = level or program.levels.order_by("rank").first()
    for _ in range(5):  # a clash of random 10-symbol numbers is ~1e-15 likely; retry anyway
        if MembershipCard.objects.filter(program=program, consumer=consumer).exists():
            raise CardAlreadyHeld()
        try:
            with transaction.atomic():
                card = MembershipCard.objects.create(
                    program=program,
                    consumer=consumer,
                    level=level,
                    number=short_code_new(10),
                    status=status,
                    shop=shop,
                )
        except IntegrityError:
            continue
        customer_touch(
            merchant_id=program.merchant_id,
            consumer_id=consumer.pk,
            kind="card",
            reference=f"card:{card.number}",
            summary=f"办理会员卡 {card.number}",
        )
        return card
    raise CardAlreadyHeld()


@transaction.atomic
def card_apply(*, consumer: User, shop: Shop) -> MembershipCard:
    """A consumer applies at a shop: active at once, or pending until the merchant approves."""
    program = CardProgram.objects.filter(merchant_id=shop.merchant_id).first()
    if program is None or not program_valid_at(program, shop):
        raise CardNotValidHere()
    status = CardStatus.ACTIVE if program.auto_approve else CardStatus.PENDING
    return card_create(program=program, consumer=consumer, status=status, shop=shop)


@transaction.atomic
def card_grant(
    *, program: CardProgram, phone: PhoneNumber, level: Level | None = None
) -> MembershipCard:
    """The merchant grants a card to a registered customer by phone number: only to an account
    that proved the phone by SMS code (anyone may have signed up with a number)."""
    consumer = User.objects.filter(
        phone=phone, role=Role.CONSUMER, phone_verified_at__isnull=False
    ).first()
    if consumer is None:
        raise NotAConsumer(fields={"phone": [str(NotAConsumer.message)]})
    return card_create(program=program, consumer=consumer, status=CardStatus.ACTIVE, level=level)


@transaction.atomic
def card_status_set(*, card: MembershipCard, status: str) -> MembershipCard:
    """Approve a pending card, freeze or unfreeze one."""
    card = MembershipCard.objects.select_for_update(of=("self",)).get(pk=card.pk)
    card.status = status
    card.save(update_fields=["status"])
    return card
