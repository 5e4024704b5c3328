"""Account cancellation (注销): re-authenticate, see what is left (open orders, stored value,
points, unused coupons), wait PRIVACY_DELETION_WAIT_DAYS (signing in cancels), then erase.

Erasure keeps the money records the law and settlement need (orders, payments, refunds, card
ledgers, redemptions, settlement) but without identity: they move to a fresh anonymous account
(no phone, no name, no link to the old id), every foreign key to the old account and every
audit snapshot follows, and the old account row is deleted. Everything else personal is
deleted: places, check-ins, the activity area, subscriptions, devices, messages, consents,
exports, review text and photos, contact details on orders, merchants' CRM records (so the
customer disappears from every merchant's lists) and the merchants' coupon audience lists.
"""

import secrets
from datetime import datetime, timedelta

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from pghistory.models import Context

from accounts.locks import user_lock
from accounts.models import Role, User
from consumers.models import Dispute, Order, OrderEvent, Review, ReviewPhoto, ReviewReport
from consumers.models.orders import DisputeStatus, OrderState
from core.models import IdempotencyRecord
from coupons.models import CampaignCustomer, Coupon, CouponStatus
from crm.models import Customer
from deals.models import DealRecipient
from geo.models import LocationConsent, Place
from geo.services import location_data_delete
from loyalty.models import CardInvitation, MembershipCard
from loyalty.services.purchases import card_adjust
from moderation.models import ModerationItem
from notifications.models import (
    Device,
    InboxMessage,
    MarketingConsent,
    MarketingOptOut,
    OutboxMessage,
    Preference,
    PushCounter,
    SmsReply,
)
from verification.errors import SmsCodeExhausted, SmsCodeInvalid
from verification.models import SmsCode
from verification.services import sms_code_reauthenticate

from ..errors import DeletionBlocked, DeletionNotPending, ReauthenticationFailed
from ..locks import deletion_request_lock, pending_deletion_lock
from ..models import Consent, DataExport, DeletionRequest, DeletionStatus

OPEN_ORDER_STATES = [OrderState.PENDING, OrderState.CONFIRMED]
FORFEITABLE = ("stored_value", "points", "coupons")


def deletion_blockers(*, user: User, now: datetime | None = None) -> dict[str, list[dict]]:
    """What stands in the way: open orders and disputes must be settled (or refunded) first;
    stored value, points and unused coupons can be spent, refunded or explicitly forfeited."""
    now = now or timezone.now()
    cards = MembershipCard.objects.filter(consumer=user).select_related("program__merchant")
    return {
        "open_orders": [
            {"id": o.pk, "code": o.code, "state": o.state, "amount_fen": o.amount_fen}
            for o in Order.objects.filter(consumer=user, state__in=OPEN_ORDER_STATES)
        ],
        "open_disputes": [
            {"id": d.pk, "order": d.order_id}
            for d in Dispute.objects.filter(order__consumer=user, status=DisputeStatus.OPEN)
        ],
        "stored_value": [
            {"card": c.pk, "merchant": c.program.merchant.name, "balance_fen": c.balance_fen}
            for c in cards
            if c.balance_fen > 0
        ],
        "points": [
            {"card": c.pk, "merchant": c.program.merchant.name, "points": c.points}
            for c in cards
            if c.points > 0
        ],
        "coupons": [
            {
                "id": c.pk,
                "campaign": c.campaign.title,
                "valid_until": timezone.localtime(c.valid_until).isoformat(),
            }
            for c in Coupon.objects.filter(
                holder=user, status=CouponStatus.AVAILABLE, valid_until__gt=now
            ).select_related("campaign")
        ],
    }


def blockers_refusal(blockers: dict, *, forfeit: bool) -> dict[str, list[str]]:
    refused = {}
    for key, items in blockers.items():
        if items and (key not in FORFEITABLE or not forfeit):
            refused[key] = [str(item) for item in items]
    return refused


def reauthenticate(*, user: User, password: str = "", sms_code: str = "") -> None:
    """The account's password, or an SMS code sent to its phone (purpose `deletion`, or a
    `login` code). Runs outside any transaction: a wrong code's try must stay counted."""
    if password:
        if not user.check_password(password):
            raise ReauthenticationFailed()
        return
    if sms_code:
        try:
            sms_code_reauthenticate(user=user, code=sms_code)
        except SmsCodeExhausted as error:
            raise SmsCodeExhausted(fields={"sms_code": [str(error.detail)]}) from error
        except SmsCodeInvalid as error:
            raise ReauthenticationFailed(fields={"sms_code": [str(error.detail)]}) from error
        return
    raise ReauthenticationFailed(fields={"password": [_("请输入登录密码或短信验证码。")]})


def deletion_request(
    *,
    user: User,
    password: str = "",
    sms_code: str = "",
    forfeit: bool = False,
    channel: str = "app",
) -> DeletionRequest:
    reauthenticate(user=user, password=password, sms_code=sms_code)
    return deletion_request_record(user=user, forfeit=forfeit, channel=channel)


@transaction.atomic
def deletion_request_record(*, user: User, forfeit: bool, channel: str) -> DeletionRequest:
    user_lock(user.pk)  # one request at a time per account
    refused = blockers_refusal(deletion_blockers(user=user), forfeit=forfeit)
    if refused:
        raise DeletionBlocked(fields=refused)
    pending = DeletionRequest.objects.filter(user=user, status=DeletionStatus.PENDING).first()
    if pending is not None:
        return pending
    now = timezone.now()
    return DeletionRequest.objects.create(
        user=user,
        status=DeletionStatus.PENDING,
        forfeit=forfeit,
        channel=channel,
        requested_at=now,
        due_at=now + timedelta(days=settings.PRIVACY_DELETION_WAIT_DAYS),
    )


@transaction.atomic
def deletion_cancel(*, user: User) -> DeletionRequest:
    pending = pending_deletion_lock(user)
    if pending is None:
        raise DeletionNotPending()
    pending.status, pending.cancelled_at = DeletionStatus.CANCELLED, timezone.now()
    pending.save(update_fields=["status", "cancelled_at"])
    return pending


def deletion_pending(*, user: User) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(user=user, status=DeletionStatus.PENDING).first()


def deletions_due_erase(*, now: datetime | None = None) -> int:
    """Beat's work: erase each account whose waiting period is over; one that has an open
    order again waits for it (it is tried again on the next run)."""
    now = now or timezone.now()
    due = DeletionRequest.objects.filter(status=DeletionStatus.PENDING, due_at__lte=now)
    erased = 0
    for request_id in due.values_list("pk", flat=True):
        if account_erase(request_id=request_id, now=now):
            erased += 1
    return erased


@transaction.atomic
def account_erase(*, request_id: int, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    request = deletion_request_lock(request_id)
    if request is None or request.status != DeletionStatus.PENDING or request.due_at > now:
        return False
    user = user_lock(request.user_id)
    blockers = deletion_blockers(user=user, now=now)
    if blockers_refusal(blockers, forfeit=request.forfeit):
        return False
    forfeit_what_is_left(user=user, now=now)
    personal_data_delete(user=user)
    anonymous = anonymous_account_new()
    identity_move(old_id=user.pk, new_id=anonymous.pk)
    request.refresh_from_db()
    request.status, request.completed_at = DeletionStatus.DONE, now
    request.save(update_fields=["status", "completed_at"])
    return True


def forfeit_what_is_left(*, user: User, now: datetime) -> None:
    """The consumer forfeited it when they asked: written as adjustments in the ledger (so
    balances still equal the ledger's sums) and coupons ended now."""
    for card in MembershipCard.objects.filter(consumer=user).order_by("pk"):
        if card.balance_fen > 0:
            card_adjust(
                card_id=card.pk,
                by=user,
                note="账户注销，用户放弃余额",
                balance_delta_fen=-card.balance_fen,
            )
            card.refresh_from_db()
        if card.points > 0:
            card_adjust(
                card_id=card.pk, by=user, note="账户注销，用户放弃积分", points_delta=-card.points
            )
    Coupon.objects.filter(holder=user, status=CouponStatus.AVAILABLE, valid_until__gt=now).update(
        valid_until=now
    )


def files_delete(queryset: models.QuerySet, *fields: str) -> None:
    """The files go from storage once the erasure commits (a rollback keeps them)."""
    for obj in queryset:
        for name in fields:
            file = getattr(obj, name)
            if file:
                stored, storage = file.name, file.storage
                transaction.on_commit(lambda n=stored, s=storage: s.delete(n))


def personal_data_delete(*, user: User) -> None:
    phone = user.phone
    location_data_delete(consumer_id=user.pk)
    Place.objects.filter(consumer=user).delete()  # its subscriptions go with it
    LocationConsent.objects.filter(consumer=user).delete()
    for model, field in [
        (InboxMessage, "recipient"),
        (OutboxMessage, "recipient"),
        (Device, "consumer"),
        (Preference, "user"),
        (PushCounter, "user"),
        (DealRecipient, "consumer"),
        (ReviewReport, "reporter"),
        (Consent, "user"),
        (IdempotencyRecord, "user"),
    ]:
        model.objects.filter(**{field: user}).delete()
    exports = DataExport.objects.filter(user=user)
    files_delete(exports, "file")
    exports.delete()
    # Merchants' records of this customer: their directory rows (with timelines, complaints,
    # tasks) and the phone lists their campaigns target.
    Customer.objects.filter(Q(consumer=user) | Q(phone=phone)).delete()
    CampaignCustomer.objects.filter(phone=phone).delete()
    # Kept by phone: marketing consents, opt-outs, replies, codes, merchants' card invitations.
    for model in (MarketingConsent, MarketingOptOut, SmsReply, SmsCode, CardInvitation):
        model.objects.filter(phone=str(phone)).delete()
    # What stays for the money's sake, without what identifies the person.
    photos = ReviewPhoto.objects.filter(review__consumer=user)
    files_delete(photos, "image", "thumbnail")
    photos.delete()
    Review.objects.filter(consumer=user).update(text="", reply_text="")
    Order.objects.filter(consumer=user).update(address="", location=None, contact_phone="", note="")
    OrderEvent.objects.filter(order__consumer=user).update(note="")
    Dispute.objects.filter(order__consumer=user, opened_by=user).update(reason="（已注销）")
    Coupon.objects.filter(holder=user).update(holder_phone="")
    ModerationItem.objects.filter(submitted_by=user).delete()  # texts they wrote, waiting
    sign_in_traces_delete(user=user)


def sign_in_traces_delete(*, user: User) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    OutstandingToken.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=str(user.phone)).delete()


def anonymous_account_new() -> User:
    """An account no one can sign in to, holding a deleted consumer's money records. Its phone
    is in the +999 range (reserved by the ITU, never a subscriber's number)."""
    account = User(phone=f"+999{secrets.randbelow(10**12):012d}", role=Role.CONSUMER)
    account.is_active = False
    account.set_unusable_password()
    account.save()
    return account


def user_foreign_keys() -> list[tuple[type[models.Model], models.Field]]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:  # views (pghistory's events)
            continue
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.related_model is User:
                found.append((model, field))
    return found


def identity_move(*, old_id: int, new_id: int) -> None:
    """Every reference to the old account, audit history included, moves to the anonymous one;
    then the old account row goes. Audit tables are append-only (their triggers refuse updates
    and deletes), so this one operation runs with pgtrigger's triggers ignored; it writes no
    new audit snapshot of the erased person either."""
    user_event = apps.get_model("audit", "UserEvent")
    with connection.cursor() as cursor:  # the ledger's own guard lets created_by move
        cursor.execute("SELECT set_config('o2o.identity_move', 'on', true)")
    with pgtrigger.ignore():
        user_event.objects.filter(pgh_obj_id=old_id).delete()  # snapshots of phone and name
        for model, field in user_foreign_keys():
            if model is user_event:
                continue
            model._base_manager.filter(**{field.attname: old_id}).update(**{field.attname: new_id})
        for context in Context.objects.filter(metadata__user=old_id):
            context.metadata = {**context.metadata, "user": new_id}
            context.save(update_fields=["metadata"])
        coupon_event = apps.get_model("audit", "CouponEvent")
        coupon_event.objects.filter(holder_id=new_id).update(holder_phone="")
        moderation_event = apps.get_model("audit", "ModerationItemEvent")
        moderation_event.objects.filter(submitted_by_id=new_id).update(text="")
        User.objects.filter(pk=old_id).delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('o2o.identity_move', 'off', true)")
