"""Output shapes shared by the merchant's and the consumer's views of a shop."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.coords import point_out
from core.serializers import BoundedDateField, LocalTimeField
from merchants.models import Category, HoursException, OpeningHours, Service, Shop, ShopPhoto
from moderation.serializers import UnderReviewField


@extend_schema_field(
    {
        "type": "object",
        "properties": {"lat": {"type": "number"}, "lng": {"type": "number"}},
        "required": ["lat", "lng"],
    }
)
class LatLngField(serializers.Field):
    """A point as {"lat", "lng"}: the order people read coordinates in."""

    def to_representation(self, point):
        lat, lng = point_out(point.y, point.x, self.context)  # the request's coord_type
        return {"lat": lat, "lng": lng}


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name_zh", "name_en", "is_public_service"]


class HoursSerializer(serializers.ModelSerializer):
    opens = LocalTimeField()
    closes = LocalTimeField()

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class HoursExceptionSerializer(serializers.ModelSerializer):
    date = BoundedDateField()
    opens = LocalTimeField(required=False, allow_null=True)
    closes = LocalTimeField(required=False, allow_null=True)

    class Meta:
        model = HoursException
        fields = ["date", "is_closed", "opens", "closes", "note"]


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShopPhoto
        fields = ["id", "kind", "image", "thumbnail", "width", "height"]


class ServicePhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    image = serializers.ImageField()
    thumbnail = serializers.ImageField()


class ServiceSerializer(serializers.ModelSerializer):
    photos = ServicePhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "shop",
            "name",
            "description",
            "price_fen",
            "duration_minutes",
            "bookable",
            "is_active",
            "photos",
        ]


class MerchantServiceSerializer(ServiceSerializer):
    """A service as its merchant sees it: with the texts waiting for review."""

    under_review = UnderReviewField("merchants.service")

    class Meta(ServiceSerializer.Meta):
        fields = [*ServiceSerializer.Meta.fields, "under_review"]


class RatingSerializer(serializers.Serializer):
    """The shop's Bayesian rating (README: "Ratings") and the reviews behind it."""

    score = serializers.FloatField(source="rating", help_text="0-5; 0 while there is no review")
    count = serializers.IntegerField(source="rating_count", help_text="all counted reviews")
    verified_count = serializers.IntegerField(
        source="rating_verified_count", help_text="reviews of consumed orders"
    )
    general_count = serializers.IntegerField(
        source="rating_general_count", help_text="unverified reviews (weigh half)"
    )


class ShopDetailSerializer(serializers.ModelSerializer):
    location = LatLngField()
    phone = serializers.CharField()
    categories = CategoryBriefSerializer(many=True)
    hours = HoursSerializer(many=True)
    hours_exceptions = HoursExceptionSerializer(many=True)
    photos = PhotoSerializer(many=True)
    services = ServiceSerializer(many=True, source="active_services")
    rating = RatingSerializer(source="*")
    is_open_now = serializers.BooleanField()
    is_public_service = serializers.BooleanField()
    merchant = serializers.IntegerField(
        source="merchant_id", read_only=True, help_text="whose membership card is valid here"
    )

    class Meta:
        model = Shop
        fields = [
            "id",
            "merchant",
            "name",
            "description",
            "categories",
            "address",
            "location",
            "phone",
            "price_level",
            "status",
            "rating",
            "is_open_now",
            "is_public_service",
            "hours",
            "hours_exceptions",
            "photos",
            "services",
        ]


class MerchantShopSerializer(ShopDetailSerializer):
    """A shop as its merchant sees it: with the texts waiting for review."""

    under_review = UnderReviewField("merchants.shop")

    class Meta(ShopDetailSerializer.Meta):
        fields = [*ShopDetailSerializer.Meta.fields, "under_review"]
