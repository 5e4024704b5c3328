"""Who changed what: an append-only history of permissions, roles, shops, money, points and
coupons, written by PostgreSQL triggers (django-pghistory).

Triggers see every write, `save()`, `queryset.update()`, a conditional UPDATE, raw SQL or a
bulk operation alike, in the writing transaction. Each event carries the request's context:
`{"user": <acting user id>, "url": <path>}` (pghistory's middleware; for JWT requests the user
is filled in when DRF authenticates, see `core` settings), so "who" is answered in SQL.

Tracking another model is one line here, then `manage.py makemigrations audit`:

    CardEvent = track(MembershipCard)
"""

import pghistory

from accounts.models import User
from coupons.models import Campaign, Coupon, Redemption
from loyalty.models import CardProgram, Level, MembershipCard
from merchants.models import Merchant, Shop, StaffMember
from moderation.models import BannedWord, ModerationItem
from payments.models import Payment, Refund
from settlement.models import CommissionRate, PayoutBatch


def track(
    model,
    *,
    fields: list[str] | None = None,
    exclude: list[str] | None = None,
    name: str | None = None,
):
    """An event model named `<Model>Event` in this app, recording inserts, updates of the
    tracked fields and deletes of `model`; rows can be added, never changed or removed."""
    return pghistory.create_event_model(
        model,
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        fields=fields,
        exclude=exclude,
        model_name=name or f"{model._meta.object_name}Event",
        app_label="audit",
        append_only=True,
        abstract=False,
    )


# Roles and access; never the password hash, nor last_login (it changes on every login).
UserEvent = track(User, fields=["phone", "name", "role", "is_active", "is_staff", "is_superuser"])
MerchantEvent = track(Merchant)
StaffMemberEvent = track(StaffMember)
# Which shops a staff member works in (the many-to-many table).
StaffShopEvent = track(StaffMember.shops.through, name="StaffShopEvent")
ShopEvent = track(Shop, exclude=["name_pinyin", "name_initials", "updated_at"])

# Money and points: the cards' cached figures, level and status (the ledger rows themselves are
# append-only already), the rules that make them, payments, refunds, commission and payouts.
# Never the consumption password's hash; its wrong-try counter would be noise.
MembershipCardEvent = track(MembershipCard, exclude=["password", "password_failures"])
CardProgramEvent = track(CardProgram)
LevelEvent = track(Level)
PaymentEvent = track(Payment)
RefundEvent = track(Refund)
CommissionRateEvent = track(CommissionRate)
PayoutBatchEvent = track(PayoutBatch)
# Coupons: the terms, each coupon's state (never its code, a bearer secret), the redemptions.
CampaignEvent = track(Campaign)
CouponEvent = track(Coupon, exclude=["code"])
RedemptionEvent = track(Redemption)

# Content review: the word list staff keep and every decision on the queue (who, when, what).
BannedWordEvent = track(BannedWord)
ModerationItemEvent = track(ModerationItem)
