from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import DomainError


class InvalidDeal(DomainError):
    code = "invalid_deal"
    message = _("闪购设置有误，请检查标出的字段。")


class DealAlreadyPublished(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "deal_already_published"
    message = _("该闪购已发布。")


class DealOver(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "deal_over"
    message = _("闪购已结束，不能再发布。")
