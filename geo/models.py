"""A consumer's places, subscriptions, check-ins and activity area.

A subscription keeps its own coverage: the circle of `radius_m` around its place, or the union
of circles around the consumer's activity-area clusters (each cluster's radius plus the
subscription's). The coverage is a geometry under a GiST index led by the category (or the
shop), so "who is subscribed to this category near this shop" is one index scan
(`category = c AND coverage && point`, then point-in-polygon) whatever each subscription's
radius: a per-row `ST_DWithin(place, shop, radius_m)` could use no index. A deal's own radius
is then checked on those few rows against `anchor`. The circles are 64-gons made on the
geography (metres), inscribed in the circle, so a shop within 0.12% of the edge (2.4 m at
2 km) may fall just outside.
"""

from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .radius import RADIUS_MAX_M, RADIUS_MIN_M


class PlaceKind(models.TextChoices):
    HOME = "home", _("家")
    WORK = "work", _("公司")
    PIN = "pin", _("地图选点")


class Place(models.Model):
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="places", on_delete=models.CASCADE
    )
    kind = models.CharField(_("类型"), max_length=4, choices=PlaceKind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)
    location = gis_models.PointField(_("位置"), geography=True, srid=4326)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("常用地点")
        verbose_name_plural = _("常用地点")
        constraints = [
            models.UniqueConstraint(
                fields=["consumer", "kind"],
                condition=Q(kind__in=["home", "work"]),
                name="place_one_home_one_work",
            )
        ]

    def __str__(self):
        return self.name or self.get_kind_display()


class Subscription(models.Model):
    """Deals of a category (or of one shop) within `radius_m` of a place or of the activity
    area."""

    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="deal_subscriptions", on_delete=models.CASCADE
    )
    category = models.ForeignKey(
        "merchants.Category", related_name="+", null=True, blank=True, on_delete=models.CASCADE
    )
    shop = models.ForeignKey(
        "merchants.Shop", related_name="+", null=True, blank=True, on_delete=models.CASCADE
    )
    place = models.ForeignKey(
        Place, related_name="subscriptions", null=True, blank=True, on_delete=models.CASCADE
    )
    # No place: around the consumer's activity area.
    radius_m = models.PositiveIntegerField(_("距离（米）"))
    active = models.BooleanField(_("启用"), default=True)
    # Kept by geo.services.subscriptions_coverage_refresh: where the consumer is (the place,
    # or the activity area's cluster centres) and the area the subscription covers.
    anchor = gis_models.GeometryField(geography=True, srid=4326, null=True, spatial_index=False)
    coverage = gis_models.GeometryField(srid=4326, null=True, blank=True, spatial_index=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("闪购订阅")
        verbose_name_plural = _("闪购订阅")
        indexes = [
            # (category, coverage): a deal's match scans only its categories' coverages.
            GistIndex(
                fields=["category", "coverage"],
                name="subscription_category_coverage",
                condition=Q(active=True),
            ),
            GistIndex(
                fields=["shop", "coverage"],
                name="subscription_shop_coverage",
                condition=Q(active=True, shop__isnull=False),
            ),
            models.Index(fields=["consumer"], name="subscription_consumer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=False, shop__isnull=True)
                | Q(category__isnull=True, shop__isnull=False),
                name="subscription_category_or_shop",
            ),
            models.CheckConstraint(
                condition=Q(radius_m__gte=RADIUS_MIN_M, radius_m__lte=RADIUS_MAX_M),
                name="subscription_radius_100m_to_20km",
            ),
        ]

    def __str__(self):
        return f"{self.consumer_id}: {self.category_id or self.shop_id} {self.radius_m}m"


class CheckIn(models.Model):
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="check_ins", on_delete=models.CASCADE
    )
    location = gis_models.PointField(_("位置"), geography=True, srid=4326)
    shop = models.ForeignKey(
        "merchants.Shop", related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        indexes = [models.Index(fields=["consumer", "created_at"], name="checkin_consumer_time")]

    def __str__(self):
        return f"{self.consumer_id} @ {self.created_at:%Y-%m-%d}"


class ActivityArea(models.Model):
    """Whether the consumer's activity area is used, and whether they corrected it (then
    inference leaves their clusters alone until they ask for a fresh one)."""

    consumer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        related_name="activity_area",
        primary_key=True,
        on_delete=models.CASCADE,
    )
    enabled = models.BooleanField(_("启用"), default=True)
    corrected = models.BooleanField(_("已手动修改"), default=False)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("活动区域")
        verbose_name_plural = _("活动区域")

    def __str__(self):
        return f"{self.consumer_id}"


class ClusterSource(models.TextChoices):
    INFERRED = "inferred", _("根据历史推断")
    MANUAL = "manual", _("手动设置")


class ActivityCluster(models.Model):
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="activity_clusters", on_delete=models.CASCADE
    )
    center = gis_models.PointField(geography=True, srid=4326, spatial_index=False)
    radius_m = models.PositiveIntegerField()
    points = models.PositiveIntegerField(default=0, help_text=_("聚类包含的历史地点数"))
    source = models.CharField(max_length=8, choices=ClusterSource.choices)

    class Meta:
        verbose_name = _("活动区域聚类")
        verbose_name_plural = _("活动区域聚类")
        indexes = [models.Index(fields=["consumer"], name="cluster_consumer")]

    def __str__(self):
        return f"{self.consumer_id} {self.radius_m}m"


class LocationConsent(models.Model):
    """The consumer's separate consent to the use of precise location (PIPL: sensitive
    information). Without it, check-ins are refused, no activity area is inferred and no
    subscription follows the activity area; withdrawing it deletes those data
    (geo.services.location_consent_withdraw). Granted and withdrawn times stay as the record."""

    consumer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        related_name="location_consent",
        primary_key=True,
        on_delete=models.CASCADE,
    )
    granted = models.BooleanField(_("已同意"), default=False)
    version = models.PositiveIntegerField(_("说明版本"), null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=20, blank=True)
    granted_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("位置信息授权")
        verbose_name_plural = _("位置信息授权")

    def __str__(self):
        return f"{self.consumer_id}: {'granted' if self.granted else 'not granted'}"
