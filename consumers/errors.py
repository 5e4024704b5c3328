from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import DomainError


class IllegalTransition(DomainError):
    """The order's state does not allow this step (the state machine said no)."""

    status_code = status.HTTP_409_CONFLICT
    code = "illegal_transition"
    message = _("订单当前状态不允许此操作。")


class ServiceNotOrderable(DomainError):
    code = "service_not_orderable"
    message = _("该服务已下架或门店暂停营业，无法下单。")


class ServiceNotBookable(DomainError):
    code = "service_not_bookable"
    message = _("该服务不支持预约时段。")


class SlotRequired(DomainError):
    code = "slot_required"
    message = _("请选择预约时段。")


class SlotUnavailable(DomainError):
    code = "slot_unavailable"
    message = _("该时段不可预约（已开始或不属于此服务）。")


class SlotFull(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "slot_full"
    message = _("该时段已约满，请选择其他时段。")


class SlotHasBookings(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "slot_has_bookings"
    message = _("该时段已有预约，容量不能低于已订数量，也不能删除。")


class AddressRequired(DomainError):
    code = "address_required"
    message = _("上门服务需要填写地址、位置和联系电话。")


class FulfilmentNotOffered(DomainError):
    code = "fulfilment_not_offered"
    message = _("门店不提供该服务方式。")


class OutsideServiceArea(DomainError):
    code = "outside_service_area"
    message = _("该地址超出门店的上门服务范围。")


class CancelTooLate(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "cancel_too_late"
    message = _("服务已开始，不能再取消。")


class NotStartedYet(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "not_started_yet"
    message = _("预约时段尚未开始，不能标记爽约。")


class VoucherExpired(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "voucher_expired"
    message = _("该订单已过有效期，不能再核销，将自动退款。")


class DisputeOpen(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "dispute_open"
    message = _("该订单有待平台处理的争议。")


class DisputeNotAllowed(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "dispute_not_allowed"
    message = _("只能对已确认、已消费或爽约的订单发起争议。")


class OrderNotConsumed(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "order_not_consumed"
    message = _("订单消费后才能评价。")


class AlreadyReviewed(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_reviewed"
    message = _("该订单已评价过。")


class ReviewTooSoon(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "review_too_soon"
    message = _("30 天内只能对同一门店发表一次普通评价。")


class TooManyPhotos(DomainError):
    code = "too_many_photos"
    message = _("每条评价最多 9 张图片。")


class AlreadyReported(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_reported"
    message = _("你已举报过这条评价。")


class OrderWrongShop(DomainError):
    """The cashier's shop is not the order's: it is redeemed where it was bought."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "wrong_shop"
    message = _("该订单属于其他门店，请在下单的门店核销。")
