from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class NotAMerchant(DomainError):
    status_code = 403
    code = "not_a_merchant"
    message = _("当前账户不属于任何商户。")


class StaffPermissionMissing(DomainError):
    status_code = 403
    code = "permission_denied"
    message = _("店主未授予此操作的权限。")


class PublicServiceNotBookable(DomainError):
    code = "public_service_not_bookable"
    message = _("公共服务类门店不能预约或售卖服务。")


class InvalidHours(DomainError):
    code = "invalid_hours"
    message = _("营业时间无效。")


class ShopNotAssigned(StaffPermissionMissing):
    code = "shop_not_assigned"
    message = _("此操作涉及未分配给你的门店，请联系店主。")
