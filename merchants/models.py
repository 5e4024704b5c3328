from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Category(models.Model):
    """Two-level taxonomy: 餐饮 > 火锅. Public services (banks, post) are never bookable."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    slug = models.SlugField(unique=True)
    name_zh = models.CharField(_("中文名"), max_length=40)
    name_en = models.CharField(_("英文名"), max_length=60)
    is_public_service = models.BooleanField(_("公共服务"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("分类")
        verbose_name_plural = _("分类")

    def __str__(self):
        return self.name_zh


class Merchant(models.Model):
    """The business: one owner account, one or more shops, staff accounts."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="merchant", on_delete=models.PROTECT
    )
    name = models.CharField(_("商户名称"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("商户")
        verbose_name_plural = _("商户")

    def __str__(self):
        return self.name


class StaffPermission(models.TextChoices):
    MANAGE_SHOPS = "manage_shops", _("管理门店与服务")
    MANAGE_COUPONS = "manage_coupons", _("管理优惠券与闪购")
    REDEEM = "redeem", _("前台核销与记账")
    MANAGE_CARDS = "manage_cards", _("管理会员卡")
    VIEW_CUSTOMERS = "view_customers", _("查看顾客")
    MANAGE_CUSTOMERS = "manage_customers", _("维护顾客")
    VIEW_ANALYTICS = "view_analytics", _("查看经营分析")


class StaffMember(models.Model):
    """A staff account of a merchant: the owner picks its shops and what it may do."""

    merchant = models.ForeignKey(Merchant, related_name="staff", on_delete=models.CASCADE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="staff_membership", on_delete=models.CASCADE
    )
    permissions = ArrayField(
        models.CharField(max_length=30, choices=StaffPermission.choices), default=list, blank=True
    )
    shops = models.ManyToManyField("Shop", related_name="staff", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("店员")
        verbose_name_plural = _("店员")

    def __str__(self):
        return f"{self.user} @ {self.merchant}"


class ShopStatus(models.TextChoices):
    ACTIVE = "active", _("营业中")
    SUSPENDED = "suspended", _("已暂停")
    HIDDEN = "hidden", _("已隐藏")


class Shop(models.Model):
    merchant = models.ForeignKey(Merchant, related_name="shops", on_delete=models.PROTECT)
    name = models.CharField(_("店名"), max_length=100)
    description = models.TextField(_("简介"), blank=True)
    categories = models.ManyToManyField(Category, related_name="shops")
    address = models.CharField(_("地址"), max_length=200)
    location = gis_models.PointField(_("位置"), geography=True, srid=4326)
    phone = PhoneNumberField(_("电话"), blank=True)
    price_level = models.PositiveSmallIntegerField(_("价位"), default=2)
    status = models.CharField(
        _("状态"), max_length=12, choices=ShopStatus.choices, default=ShopStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("门店")
        verbose_name_plural = _("门店")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_level__gte=1, price_level__lte=4),
                name="shop_price_level_1_to_4",
            )
        ]

    def __str__(self):
        return self.name


class Service(models.Model):
    """A service or product a shop sells; price in fen."""

    shop = models.ForeignKey(Shop, related_name="services", on_delete=models.CASCADE)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    price_fen = models.BigIntegerField(_("价格（分）"))
    duration_minutes = models.PositiveIntegerField(_("时长（分钟）"), null=True, blank=True)
    bookable = models.BooleanField(_("可预约"), default=False)
    is_active = models.BooleanField(_("上架"), default=True)

    class Meta:
        verbose_name = _("服务")
        verbose_name_plural = _("服务")
        constraints = [
            models.CheckConstraint(condition=models.Q(price_fen__gte=0), name="service_price_gte_0")
        ]

    def __str__(self):
        return self.name
