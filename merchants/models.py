from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Category(models.Model):
    """Two-level taxonomy: 餐饮 > 火锅. Public services (banks, post) are never bookable."""

    # int4, like the literals the ORM sends: `category_id = 12` must match btree_gist's int4
    # operator class for the composite (category, location) GiST index to be used.
    id = models.AutoField(primary_key=True)
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
    # Checked by platform staff in the admin against the business licence (营业执照). Until
    # then the merchant's SMS reaches no phone without an account.
    licence_name = models.CharField(_("营业执照名称"), max_length=100, blank=True)
    licence_number = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    verified_at = models.DateTimeField(_("平台核验时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("商户")
        verbose_name_plural = _("商户")

    def __str__(self):
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


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
    # Pinyin of the name, kept by shop_create/shop_update: "xinyuehuoguo" and "xyhg".
    name_pinyin = models.CharField(max_length=400, blank=True, editable=False)
    name_initials = models.CharField(max_length=100, blank=True, editable=False)
    description = models.TextField(_("简介"), blank=True)
    categories = models.ManyToManyField(Category, through="ShopCategory", related_name="shops")
    address = models.CharField(_("地址"), max_length=200)
    location = gis_models.PointField(_("位置"), geography=True, srid=4326)
    phone = PhoneNumberField(_("电话"), blank=True)
    price_level = models.PositiveSmallIntegerField(_("价位"), default=2)
    status = models.CharField(
        _("状态"), max_length=12, choices=ShopStatus.choices, default=ShopStatus.ACTIVE
    )
    # Rating summary shown in discovery, kept by consumers.rating: a Bayesian average over
    # the reviews with the category's mean as prior; 0 until the first review.
    rating = models.FloatField(_("评分"), default=0)
    rating_count = models.PositiveIntegerField(_("评价数"), default=0)
    rating_verified_count = models.PositiveIntegerField(_("验证评价数"), default=0, db_default=0)
    rating_general_count = models.PositiveIntegerField(_("普通评价数"), default=0, db_default=0)
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
        indexes = [
            GinIndex(name="shop_name_trgm", fields=["name"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="shop_pinyin_trgm", fields=["name_pinyin"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="shop_desc_trgm", fields=["description"], opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return self.name

    @property
    def is_public_service(self) -> bool:
        return any(category.is_public_service for category in self.categories.all())


class ShopCategory(models.Model):
    """A shop in a category, with a copy of the shop's location: the composite GiST index on
    (category, location) lets "hair salons nearest to me" run as one index-ordered KNN scan."""

    shop = models.ForeignKey(Shop, related_name="category_links", on_delete=models.CASCADE)
    category = models.ForeignKey(Category, related_name="shop_links", on_delete=models.PROTECT)
    location = gis_models.PointField(geography=True, srid=4326, spatial_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "category"], name="shop_category_once")
        ]
        indexes = [GistIndex(name="shopcategory_cat_loc", fields=["category", "location"])]

    def __str__(self):
        return f"{self.shop_id} in {self.category_id}"


class OpeningHours(models.Model):
    """A span of a weekday; `closes <= opens` runs past midnight (18:00-02:00), 00:00-00:00
    is all day. A day may have several spans (lunch and dinner)."""

    shop = models.ForeignKey(Shop, related_name="hours", on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField(_("星期"), help_text="0 = Monday … 6 = Sunday")
    opens = models.TimeField(_("开门"))
    closes = models.TimeField(_("关门"))

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="hours_weekday_0_6")
        ]

    def __str__(self):
        return f"{self.weekday} {self.opens}-{self.closes}"


class HoursException(models.Model):
    """A dated exception replacing the weekday's hours: a holiday closure or special hours."""

    shop = models.ForeignKey(Shop, related_name="hours_exceptions", on_delete=models.CASCADE)
    date = models.DateField(_("日期"))
    is_closed = models.BooleanField(_("休息"), default=True)
    opens = models.TimeField(_("开门"), null=True, blank=True)
    closes = models.TimeField(_("关门"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "date"], name="one_exception_per_day"),
            models.CheckConstraint(
                condition=models.Q(is_closed=True)
                | models.Q(opens__isnull=False, closes__isnull=False),
                name="exception_open_needs_hours",
            ),
        ]

    def __str__(self):
        return f"{self.shop_id} {self.date}"


class PhotoKind(models.TextChoices):
    STOREFRONT = "storefront", _("门头")
    ENVIRONMENT = "environment", _("环境")
    EQUIPMENT = "equipment", _("设施")


class ShopPhoto(models.Model):
    shop = models.ForeignKey(Shop, related_name="photos", on_delete=models.CASCADE)
    kind = models.CharField(_("类型"), max_length=12, choices=PhotoKind.choices)
    image = models.ImageField(upload_to="shops/%Y/%m/")
    thumbnail = models.ImageField(upload_to="shops/thumbs/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self):
        return f"{self.shop_id} {self.kind}"


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
        ordering = ["pk"]
        verbose_name = _("服务")
        verbose_name_plural = _("服务")
        constraints = [
            models.CheckConstraint(condition=models.Q(price_fen__gte=0), name="service_price_gte_0")
        ]

    def __str__(self):
        return self.name


class ServicePhoto(models.Model):
    service = models.ForeignKey(Service, related_name="photos", on_delete=models.CASCADE)
    image = models.ImageField(upload_to="services/%Y/%m/")
    thumbnail = models.ImageField(upload_to="services/thumbs/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.service_id} photo"
