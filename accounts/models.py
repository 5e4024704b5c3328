from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Role(models.TextChoices):
    CONSUMER = "consumer", _("消费者")
    MERCHANT_OWNER = "merchant_owner", _("商户老板")
    MERCHANT_STAFF = "merchant_staff", _("商户店员")
    ADMIN = "admin", _("平台管理员")


# Where a user acted from, recorded with their consents (privacy).
CLIENT_CHANNELS = ["app", "mini_program", "web", "dashboard"]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, phone, password=None, **extra_fields):
        user = self.model(phone=phone, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def proven_consumers(self, phones):
        """The consumer accounts that proved these phones by SMS code: only those receive what
        is addressed to a phone (anyone may sign up with a number they do not hold)."""
        return self.filter(phone__in=phones, role=Role.CONSUMER, phone_verified_at__isnull=False)

    def create_superuser(self, phone, password=None, **extra_fields):
        extra_fields.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        return self.create_user(phone, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One account per phone number and role: merchant accounts are separate from consumers',
    as in Meituan's and Dianping's merchant apps, so a shop's staff log in with work numbers."""

    phone = PhoneNumberField(_("手机号"), unique=True)
    name = models.CharField(_("姓名"), max_length=60, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CONSUMER)
    is_active = models.BooleanField(_("有效"), default=True)
    is_staff = models.BooleanField(_("可进入管理后台"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    # When the holder proved the phone with an SMS code. Until then nothing addressed to the
    # phone (coupons or lists a merchant keyed by phone) is shown to or attached to the account.
    phone_verified_at = models.DateTimeField(_("手机号验证时间"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return f"{self.name or self.phone} ({self.get_role_display()})"

    @property
    def phone_verified(self) -> bool:
        return self.phone_verified_at is not None
