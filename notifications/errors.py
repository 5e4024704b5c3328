from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import DomainError


class InvalidQuietHours(DomainError):
    code = "invalid_quiet_hours"
    message = _("免打扰时段需同时填写开始和结束时间，且两者不能相同。")


class PhoneNotVerified(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "phone_not_verified"
    message = _("请先用短信验证码验证手机号。")


class MerchantNotVerified(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "merchant_not_verified"
    message = _("商户资质尚未通过平台核验，暂不能登记顾客的短信同意。")


class WebPushUnavailable(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "web_push_unavailable"
    message = _("本平台暂未开通网页推送。")
