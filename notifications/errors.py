from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class InvalidQuietHours(DomainError):
    code = "invalid_quiet_hours"
    message = _("免打扰时段需同时填写开始和结束时间，且两者不能相同。")
