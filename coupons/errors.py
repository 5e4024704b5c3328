"""The coupon errors and their stable codes: a contract with the counter page and the apps."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import DomainError, NotFound


class CouponNotFound(NotFound):
    message = _("未找到该券码，请核对后重试。")


class WrongShop(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "wrong_shop"
    message = _("该券不能在本门店使用。")


class NotYetValid(DomainError):
    status_code = status.HTTP_410_GONE
    code = "not_yet_valid"
    message = _("该券尚未到使用时间。")


class Expired(DomainError):
    status_code = status.HTTP_410_GONE
    code = "expired"
    message = _("该券已过期。")


class BelowMinimumSpend(DomainError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "below_minimum_spend"
    message = _("订单金额未达到该券的最低消费。")


class OrderAmountRequired(DomainError):
    code = "order_amount_required"
    message = _("该券的优惠取决于订单金额，请填写订单金额。")


class AlreadyRedeemed(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_redeemed"
    message = _("该券已被使用。")


class AlreadyReversed(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_reversed"
    message = _("该核销已撤销。")


class ReversalWindowClosed(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "reversal_window_closed"
    message = _("已超过可撤销核销的时限。")


class SoldOut(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "sold_out"
    message = _("券已领完。")


class ClaimLimitReached(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "claim_limit_reached"
    message = _("已达到每人限领数量。")


class NotInAudience(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "not_in_audience"
    message = _("该券仅限指定顾客领取。")


class CampaignNotClaimable(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "campaign_not_claimable"
    message = _("该活动当前不可领取。")


class CampaignNotPublished(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "campaign_not_published"
    message = _("活动发布后才能发券。")


class InvalidTransition(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "invalid_transition"
    message = _("活动当前状态不允许此操作。")


class TermsLocked(DomainError):
    """A published campaign's terms may only change in the holders' favour."""

    status_code = status.HTTP_409_CONFLICT
    code = "terms_locked"
    message = _("活动已发布，只能做对持券人有利的修改。")


class InvalidCampaign(DomainError):
    code = "invalid_campaign"
    message = _("活动设置有误，请检查标出的字段。")
