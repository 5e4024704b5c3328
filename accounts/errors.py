from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import Conflict, DomainError


class PhoneTaken(Conflict):
    code = "phone_taken"
    message = _("该手机号已注册。")


class InvalidCredentials(DomainError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = "invalid_credentials"
    message = _("手机号或密码错误。")


class LoginLocked(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "login_locked"
    message = _("登录失败次数过多，账户已暂时锁定，请 15 分钟后再试。")


class WeakPassword(DomainError):
    code = "weak_password"
    message = _("密码强度不够。")


class AccountDisabled(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "account_disabled"
    message = _("该账户已停用。")
