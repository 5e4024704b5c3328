"""SMS codes that prove a phone: kept as an HMAC of the code, never the code itself."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class CodePurpose(models.TextChoices):
    LOGIN = "login", _("短信登录")  # signs in, or creates the consumer
    REGISTER = "register", _("注册")  # password registration proves the phone
    DELETION = "deletion", _("注销账户")  # re-authentication before account cancellation


class SmsCode(models.Model):
    phone = PhoneNumberField(_("手机号"))
    purpose = models.CharField(_("用途"), max_length=10, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)  # wrong codes tried
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["phone", "created_at"], name="smscode_phone_created")]

    def __str__(self):
        return f"{self.phone} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
