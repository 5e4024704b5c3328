from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import DomainError


class InvalidSubscription(DomainError):
    code = "invalid_subscription"
    message = _("订阅设置有误，请检查标出的字段。")


class PlaceTaken(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "place_taken"
    message = _("已设置过该类型的地点（家和公司各一个），请修改原有地点。")


class LocationConsentRequired(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "location_consent_required"
    message = _("需要先同意使用位置信息（我的 → 隐私与授权）。")
