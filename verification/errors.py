from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import DomainError


class CaptchaInvalid(DomainError):
    code = "captcha_invalid"
    message = _("图形验证码错误或已过期，请重新获取。")


class SmsCodeTooSoon(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "sms_code_too_soon"
    message = _("验证码发送过于频繁，请稍后再试。")


class SmsCodeInvalid(DomainError):
    code = "sms_code_invalid"
    message = _("短信验证码错误或已过期。")


class SmsCodeExhausted(DomainError):
    code = "sms_code_exhausted"
    message = _("验证码错误次数过多，请重新获取。")
