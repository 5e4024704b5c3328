from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    SEAT = "seat", _("座位/桌")
    STAFF = "staff", _("技师/服务人员")
    ROOM = "room", _("房间")


class TimeSlot(models.Model):
    """A bookable period with a capacity: 10 tables at 18:00, Tony 老师 at 10:00, 5 rooms a night.

    `booked` only changes through a conditional UPDATE (`booked + n <= capacity`), and a check
    constraint backs it, so concurrent bookings can never oversell a slot.
    """

    shop = models.ForeignKey("merchants.Shop", related_name="time_slots", on_delete=models.CASCADE)
    service = models.ForeignKey(
        "merchants.Service",
        related_name="time_slots",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("空 = 本店任意可预约服务共用此时段"),
    )
    resource_kind = models.CharField(
        _("资源类型"), max_length=8, choices=ResourceKind.choices, default=ResourceKind.SEAT
    )
    resource_name = models.CharField(_("资源名称"), max_length=40, blank=True)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    capacity = models.PositiveIntegerField(_("容量"))
    booked = models.PositiveIntegerField(_("已订"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="slot_never_oversold"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["shop", "starts_at"], name="slot_shop_start")]

    def __str__(self):
        return (
            f"{self.resource_name or self.get_resource_kind_display()} {self.starts_at:%m-%d %H:%M}"
        )

    @property
    def available(self) -> int:
        return self.capacity - self.booked
