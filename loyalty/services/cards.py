"""Cards are applied for by consumers, or offered by merchants as invitations the consumer
accepts: one per consumer per program."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from accounts.models import Role, User
from core import events
from core.codes import short_code_new
from core.errors import NotFound
from merchants.models import Shop

from ..errors import CardAlreadyHeld, CardNotValidHere, NotAConsumer
from ..locks import card_lock, pending_invitation_lock
from ..models import (
    CardInvitation,
    CardProgram,
    CardStatus,
    InvitationStatus,
    Level,
    MembershipCard,
)
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
        events.publish(
            "customer_touched",
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
    """A card for the registered consumer with this phone, without asking them: demo data and
    tests only. The API offers cards by phone through card_invite, which reveals nothing. Only
    an account that proved the phone by SMS code counts (anyone may sign up with a number)."""
    consumer = User.objects.proven_consumers([phone]).first()
    if consumer is None:
        raise NotAConsumer(fields={"phone": [str(NotAConsumer.message)]})
    return card_create(program=program, consumer=consumer, status=CardStatus.ACTIVE, level=level)


@transaction.atomic
def card_status_set(*, card: MembershipCard, status: str) -> MembershipCard:
    """Approve a pending card, freeze or unfreeze one."""
    card = card_lock(card.pk)
    card.status = status
    card.save(update_fields=["status"])
    return card


@transaction.atomic
def card_invite(
    *,
    program: CardProgram,
    phone: PhoneNumber,
    level: Level | None = None,
    invited_by: User | None = None,
) -> CardInvitation:
    """Offer the program's card to whoever holds `phone`. No account is looked up, so the answer
    is the same whether the phone is registered, a consumer's, or already holds the card; a
    pending invitation to the same phone is returned as it is."""
    pending = {"program": program, "phone": phone, "status": InvitationStatus.PENDING}
    invitation = CardInvitation.objects.filter(**pending).first()
    if invitation is not None:
        return invitation
    try:
        with transaction.atomic():
            return CardInvitation.objects.create(**pending, level=level, invited_by=invited_by)
    except IntegrityError:  # the same invitation, sent concurrently
        return CardInvitation.objects.get(**pending)


def invitation_lock(*, invitation_id: int, consumer: User) -> CardInvitation:
    """The consumer's pending invitation, locked; any other is not found."""
    invitation = pending_invitation_lock(invitation_id=invitation_id, phone=consumer.phone)
    if invitation is None or consumer.role != Role.CONSUMER or not consumer.phone_verified:
        raise NotFound()
    return invitation


@transaction.atomic
def card_invitation_accept(*, invitation_id: int, consumer: User) -> MembershipCard:
    """The invited consumer accepts: an active card at the invitation's level."""
    invitation = invitation_lock(invitation_id=invitation_id, consumer=consumer)
    card = card_create(
        program=invitation.program,
        consumer=consumer,
        status=CardStatus.ACTIVE,
        level=invitation.level,
    )
    invitation.status, invitation.card = InvitationStatus.ACCEPTED, card
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "card", "answered_at"])
    return card


@transaction.atomic
def card_invitation_decline(*, invitation_id: int, consumer: User) -> CardInvitation:
    invitation = invitation_lock(invitation_id=invitation_id, consumer=consumer)
    invitation.status, invitation.answered_at = InvitationStatus.DECLINED, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation
