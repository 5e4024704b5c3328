from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import Conflict, DomainError, NotFound, ServiceUnavailable


class NoCardProgram(NotFound):
    code = "no_card_program"
    message = _("该商户尚未开通会员卡。")


class CardNotUsable(Conflict):
    code = "card_not_active"
    message = _("会员卡未生效或已冻结。")


class CardNotValidHere(DomainError):
    code = "card_not_valid_here"
    message = _("该会员卡不适用于此门店。")


class CardAlreadyHeld(Conflict):
    code = "card_already_held"
    message = _("您已持有该商户的会员卡。")


class NotAConsumer(DomainError):
    code = "not_a_consumer"
    message = _("该手机号不是消费者账户。")


class InsufficientPoints(Conflict):
    code = "insufficient_points"
    message = _("积分不足。")


class InsufficientBalance(Conflict):
    code = "insufficient_balance"
    message = _("余额不足。")


class ReversalNotPossible(Conflict):
    code = "reversal_not_possible"
    message = _("余额已被使用，无法冲正。")


class InvalidRedemption(DomainError):
    code = "invalid_redemption"
    message = _("抵扣金额无效。")


class TopUpNotAllowed(DomainError):
    code = "top_up_not_allowed"
    message = _("该会员卡不支持此充值。")


class PasswordRequired(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "card_password_required"
    message = _("使用积分或余额需要输入消费密码。")


class PasswordNotSet(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "card_password_not_set"
    message = _("请先在 App 中设置消费密码。")


class PasswordWrong(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "card_password_wrong"
    message = _("消费密码错误。")


class LoginPasswordWrong(DomainError):
    """403, not 401: the session is fine, the re-entered login password is not."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "login_password_wrong"
    message = _("登录密码错误。")


class SpendingLocked(DomainError):
    status_code = status.HTTP_423_LOCKED
    code = "card_spending_locked"
    message = _("消费密码错误次数过多，该卡已暂停消费，请 15 分钟后再试或在 App 中重置密码。")


class InvalidProgram(DomainError):
    code = "invalid_card_program"
    message = _("会员计划设置有误。")


class CardFontMissing(ServiceUnavailable):
    code = "card_font_missing"
    message = _(
        "服务器未安装中文字体，无法生成卡面：请安装 fonts-wqy-microhei 或设置 CARD_FONT_PATH。"
    )


class CounterPaymentInvalid(DomainError):
    """The counter named a way of taking money it may not use, or a payment code is missing:
    the input's error, in the shape of any invalid field."""

    code = "invalid"
    message = _("输入有误，请检查标出的字段。")
