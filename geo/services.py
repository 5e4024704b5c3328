"""Writes of the consumer's geography: places, subscriptions, check-ins, the activity area.

Every change that moves what a subscription covers (its place, its radius, the activity area)
recomputes the stored coverage in the same transaction (subscriptions_coverage_refresh).
"""

from datetime import datetime, timedelta

from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User
from merchants.models import Category, Shop

from .errors import InvalidSubscription, LocationConsentRequired, PlaceTaken
from .locks import activity_area_lock, location_consent_lock
from .models import (
    ActivityArea,
    ActivityCluster,
    CheckIn,
    ClusterSource,
    LocationConsent,
    Place,
    Subscription,
)

HISTORY_DAYS = 180
CLUSTER_EPS_M = 500  # points within 500 m of each other belong together
CLUSTER_MIN_POINTS = 2
CLUSTER_MARGIN_M = 300
CLUSTER_RADIUS_MIN_M, CLUSTER_RADIUS_MAX_M = 500, 5000
MAX_CLUSTERS = 5


def point(lat: float, lng: float) -> Point:
    return Point(lng, lat, srid=4326)


# --- location consent: the gate every caller passes ------------------------------------


def location_consented(*, consumer_id: int) -> bool:
    """Whether the consumer agreed to the use of their precise location (and has not
    withdrawn it): check-ins, the activity area and subscriptions around it need it."""
    return LocationConsent.objects.filter(consumer_id=consumer_id, granted=True).exists()


def location_consent_require(*, consumer_id: int) -> None:
    if not location_consented(consumer_id=consumer_id):
        raise LocationConsentRequired()


@transaction.atomic
def location_consent_grant(
    *, consumer: User, channel: str = "app", version: int | None = None
) -> LocationConsent:
    now = timezone.now()
    consent = location_consent_lock(consumer)
    consent.granted, consent.channel, consent.version = True, channel, version
    consent.granted_at, consent.withdrawn_at = now, None
    consent.save()
    subscriptions_coverage_refresh(consumer_id=consumer.pk)
    return consent


@transaction.atomic
def location_consent_withdraw(*, consumer: User) -> LocationConsent:
    """Stop every location feature and delete what they hold: check-ins, the activity area
    and its clusters, and the subscriptions around it (those around a saved place stay)."""
    consent = location_consent_lock(consumer)
    consent.granted, consent.withdrawn_at = False, timezone.now()
    consent.save()
    location_data_delete(consumer_id=consumer.pk)
    return consent


def location_data_delete(*, consumer_id: int) -> None:
    CheckIn.objects.filter(consumer_id=consumer_id).delete()
    ActivityCluster.objects.filter(consumer_id=consumer_id).delete()
    ActivityArea.objects.filter(consumer_id=consumer_id).delete()
    Subscription.objects.filter(consumer_id=consumer_id, place__isnull=True).delete()


def check_ins_purge(*, before: datetime) -> int:
    """Retention: raw check-ins older than `before` are deleted."""
    deleted, _ = CheckIn.objects.filter(created_at__lt=before).delete()
    return deleted


# --- coverage ----------------------------------------------------------------------------


def subscriptions_coverage_refresh(*, consumer_id: int, subscription_id: int | None = None) -> None:
    """Recompute the coverage of a consumer's subscriptions (or one of them), in SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE geo_subscription s SET anchor = CASE
              WHEN s.place_id IS NOT NULL THEN (
                SELECT p.location FROM geo_place p WHERE p.id = s.place_id)
              ELSE (
                SELECT ST_Collect(c.center::geometry)::geography
                FROM geo_activitycluster c
                JOIN geo_activityarea a ON a.consumer_id = c.consumer_id AND a.enabled
                JOIN geo_locationconsent lc ON lc.consumer_id = c.consumer_id AND lc.granted
                WHERE c.consumer_id = s.consumer_id)
            END,
            coverage = CASE
              WHEN s.place_id IS NOT NULL THEN (
                SELECT ST_Buffer(p.location, s.radius_m, 'quad_segs=16')::geometry
                FROM geo_place p WHERE p.id = s.place_id)
              ELSE (
                SELECT ST_Multi(ST_Union(
                  ST_Buffer(c.center, c.radius_m + s.radius_m, 'quad_segs=16')::geometry))
                FROM geo_activitycluster c
                JOIN geo_activityarea a ON a.consumer_id = c.consumer_id AND a.enabled
                JOIN geo_locationconsent lc ON lc.consumer_id = c.consumer_id AND lc.granted
                WHERE c.consumer_id = s.consumer_id)
            END
            WHERE s.consumer_id = %s AND (%s::bigint IS NULL OR s.id = %s)""",
            [consumer_id, subscription_id, subscription_id],
        )


# --- places ------------------------------------------------------------------------------


@transaction.atomic
def place_create(*, consumer: User, kind: str, lat: float, lng: float, name: str = "") -> Place:
    try:
        with transaction.atomic():
            return Place.objects.create(
                consumer=consumer, kind=kind, name=name, location=point(lat, lng)
            )
    except IntegrityError as error:
        raise PlaceTaken(fields={"kind": [str(PlaceTaken.message)]}) from error


@transaction.atomic
def place_update(*, place: Place, **changes) -> Place:
    if "name" in changes:
        place.name = changes["name"]
    if "lat" in changes or "lng" in changes:
        lat = changes.get("lat", place.location.y)
        lng = changes.get("lng", place.location.x)
        place.location = point(lat, lng)
    place.save()
    subscriptions_coverage_refresh(consumer_id=place.consumer_id)
    return place


@transaction.atomic
def place_delete(*, place: Place) -> None:
    """Its subscriptions go with it (a subscription without its place covers nothing)."""
    place.delete()


# --- subscriptions -----------------------------------------------------------------------


@transaction.atomic
def subscription_create(
    *,
    consumer: User,
    radius_m: int,
    category: Category | None = None,
    shop: Shop | None = None,
    place: Place | None = None,
) -> Subscription:
    """Deals of a category or of one shop, within radius_m of a place (one of the consumer's)
    or, without a place, of the consumer's activity area."""
    problems = {}
    if (category is None) == (shop is None):
        problems["category"] = ["请选择一个分类或一家门店（二选一）。"]
    if place is not None and place.consumer_id != consumer.pk:
        problems["place"] = ["只能选择自己的地点。"]
    if problems:
        raise InvalidSubscription(fields=problems)
    if place is None:  # around the activity area: location consent first
        location_consent_require(consumer_id=consumer.pk)
    subscription = Subscription.objects.create(
        consumer=consumer, category=category, shop=shop, place=place, radius_m=radius_m
    )
    subscriptions_coverage_refresh(consumer_id=consumer.pk, subscription_id=subscription.pk)
    subscription.refresh_from_db()
    return subscription


@transaction.atomic
def subscription_update(
    *, subscription: Subscription, radius_m: int | None = None, active: bool | None = None
) -> Subscription:
    if radius_m is not None:
        subscription.radius_m = radius_m
    if active is not None:
        subscription.active = active
    subscription.save(update_fields=["radius_m", "active"])
    subscriptions_coverage_refresh(
        consumer_id=subscription.consumer_id, subscription_id=subscription.pk
    )
    subscription.refresh_from_db()
    return subscription


# --- check-ins ---------------------------------------------------------------------------


def check_in_create(*, consumer: User, lat: float, lng: float, shop: Shop | None = None) -> CheckIn:
    location_consent_require(consumer_id=consumer.pk)
    return CheckIn.objects.create(consumer=consumer, location=point(lat, lng), shop=shop)


# --- the activity area -------------------------------------------------------------------


def activity_area_of(consumer: User) -> ActivityArea:
    area, _ = ActivityArea.objects.get_or_create(consumer=consumer)
    return area


CLUSTER_SQL = """
    WITH history AS (
    SELECT s.location::geometry FROM consumers_order o JOIN merchants_shop s ON s.id = o.shop_id
      WHERE o.consumer_id = %(consumer)s AND o.created_at >= %(since)s
        AND o.fulfilment = 'in_shop'
    UNION ALL
    SELECT o.location::geometry FROM consumers_order o
      WHERE o.consumer_id = %(consumer)s AND o.created_at >= %(since)s
        AND o.location IS NOT NULL
    UNION ALL
    SELECT s.location::geometry FROM coupons_redemption r
      JOIN coupons_coupon c ON c.id = r.coupon_id JOIN merchants_shop s ON s.id = r.shop_id
      WHERE c.holder_id = %(consumer)s AND r.reversed_at IS NULL AND r.redeemed_at >= %(since)s
    UNION ALL
    SELECT location::geometry FROM geo_checkin
      WHERE consumer_id = %(consumer)s AND created_at >= %(since)s),
    scale AS (SELECT cos(radians(avg(ST_Y(h.location)))) AS k FROM history h(location)),
    clustered AS (
      SELECT h.location AS g,
             ST_ClusterDBSCAN(ST_Transform(h.location, 3857),
                              eps := %(eps)s / (SELECT k FROM scale),
                              minpoints := %(min_points)s) OVER () AS cid
      FROM history h(location)),
    centres AS (
      SELECT cid, ST_Centroid(ST_Collect(g)) AS c, count(*) AS n
      FROM clustered WHERE cid IS NOT NULL GROUP BY cid)
    SELECT ST_Y(ce.c), ST_X(ce.c), ce.n, max(ST_Distance(cl.g::geography, ce.c::geography))
    FROM centres ce JOIN clustered cl ON cl.cid = ce.cid
    GROUP BY ce.cid, ce.c, ce.n ORDER BY ce.n DESC, ce.cid LIMIT %(limit)s
"""


def activity_clusters_infer(*, consumer_id: int, now: datetime) -> list[tuple]:
    """(lat, lng, points, radius_m) of the places the consumer is usually in, from the last
    HISTORY_DAYS of orders, redemptions and check-ins: DBSCAN clusters (in Web Mercator,
    eps scaled by latitude to stay CLUSTER_EPS_M on the ground), largest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            CLUSTER_SQL,
            {
                "consumer": consumer_id,
                "since": now - timedelta(days=HISTORY_DAYS),
                "eps": CLUSTER_EPS_M,
                "min_points": CLUSTER_MIN_POINTS,
                "limit": MAX_CLUSTERS,
            },
        )
        rows = cursor.fetchall()
    return [
        (
            lat,
            lng,
            n,
            int(
                min(
                    max(spread + CLUSTER_MARGIN_M, CLUSTER_RADIUS_MIN_M),
                    CLUSTER_RADIUS_MAX_M,
                )
            ),
        )
        for lat, lng, n, spread in rows
    ]


@transaction.atomic
def activity_area_refresh(
    *, consumer: User, now: datetime | None = None, discard_corrections: bool = False
) -> ActivityArea:
    """Infer the area again. A corrected area is kept unless the consumer asks for a fresh
    one (discard_corrections)."""
    now = now or timezone.now()
    area = activity_area_lock(consumer)
    if not location_consented(consumer_id=consumer.pk):  # no inference without consent
        ActivityCluster.objects.filter(consumer=consumer).delete()
        return area
    if area.corrected and not discard_corrections:
        return area
    clusters = activity_clusters_infer(consumer_id=consumer.pk, now=now)
    ActivityCluster.objects.filter(consumer=consumer).delete()
    ActivityCluster.objects.bulk_create(
        ActivityCluster(
            consumer=consumer,
            center=point(lat, lng),
            radius_m=radius,
            points=n,
            source=ClusterSource.INFERRED,
        )
        for lat, lng, n, radius in clusters
    )
    area.corrected = False
    area.computed_at = now
    area.save()
    subscriptions_coverage_refresh(consumer_id=consumer.pk)
    return area


@transaction.atomic
def activity_area_correct(
    *, consumer: User, enabled: bool | None = None, clusters: list[dict] | None = None
) -> ActivityArea:
    """Switch the area off or on, or replace its clusters with the consumer's own
    ({lat, lng, radius_m} each); corrected clusters survive later inference."""
    area = activity_area_lock(consumer)
    if enabled is not None:
        area.enabled = enabled
    if clusters is not None:
        location_consent_require(consumer_id=consumer.pk)
        ActivityCluster.objects.filter(consumer=consumer).delete()
        ActivityCluster.objects.bulk_create(
            ActivityCluster(
                consumer=consumer,
                center=point(c["lat"], c["lng"]),
                radius_m=c["radius_m"],
                source=ClusterSource.MANUAL,
            )
            for c in clusters
        )
        area.corrected = True
    area.save()
    subscriptions_coverage_refresh(consumer_id=consumer.pk)
    return area


def activity_areas_refresh_recent(*, now: datetime | None = None) -> int:
    """The beat task's work: refresh the areas of consumers active in the last day."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT consumer_id FROM consumers_order WHERE created_at >= %(since)s
               UNION SELECT consumer_id FROM geo_checkin WHERE created_at >= %(since)s
               UNION SELECT c.holder_id FROM coupons_redemption r
                 JOIN coupons_coupon c ON c.id = r.coupon_id
                 WHERE r.redeemed_at >= %(since)s AND c.holder_id IS NOT NULL""",
            {"since": since},
        )
        ids = [row[0] for row in cursor.fetchall()]
    consented = LocationConsent.objects.filter(consumer_id__in=ids, granted=True)
    for consumer in User.objects.filter(pk__in=consented.values("consumer_id")):
        activity_area_refresh(consumer=consumer, now=now)
    return len(ids)
