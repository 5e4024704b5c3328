"""Output shapes of orders, slots and reviews, shared by the consumer's and merchant's views."""

from django.utils import timezone
from rest_framework import serializers

from core.codes import qr_payload, short_code_format
from core.coords import point_out
from core.redaction import phone_masked
from merchants.models import Shop
from moderation.serializers import UnderReviewField
from payments.models import PaymentStatus
from payments.serializers import PaymentSerializer

from ..models import (
    Order,
    OrderKind,
    OrderState,
    Review,
    ReviewPhoto,
    ShopOrderPolicy,
    TimeSlot,
)
from ..services.orders import cancellation_fee, dispute_is_open


class ShopBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shop
        fields = ["id", "name", "address"]


class SlotSerializer(serializers.ModelSerializer):
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = TimeSlot
        fields = [
            "id",
            "shop",
            "service",
            "resource_kind",
            "resource_name",
            "starts_at",
            "ends_at",
            "capacity",
            "booked",
            "available",
        ]


class OrderSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField(help_text="Short code to type: K7QM-3XHD-PA")
    qr_payload = serializers.SerializerMethodField(help_text="What the order's QR code carries")
    state_label = serializers.CharField(source="get_state_display")
    shop = ShopBriefSerializer()
    service_name = serializers.CharField(source="service.name")
    resource_name = serializers.SerializerMethodField()
    cancellation_fee_fen = serializers.SerializerMethodField(
        help_text="What cancelling now would cost the consumer; null when it cannot be cancelled."
    )
    has_review = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    paid_fen = serializers.SerializerMethodField(
        help_text="Money charged through the payment backend: amount_fen once paid, 0 for an "
        "order with nothing left to pay (all points, or free)."
    )
    payment_method = serializers.SerializerMethodField(
        help_text="The payment backend that charged the order (e.g. sandbox); empty if unpaid."
    )
    payment = PaymentSerializer(
        allow_null=True,
        help_text="While the order awaits payment: what the app needs to pay (pay_params).",
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "code",
            "qr_payload",
            "kind",
            "state",
            "state_label",
            "shop",
            "service",
            "service_name",
            "slot",
            "resource_name",
            "quantity",
            "unit_price_fen",
            "list_amount_fen",
            "member_discount_fen",
            "points_used",
            "points_discount_fen",
            "amount_fen",
            "paid_fen",
            "payment_method",
            "payment",
            "fee_fen",
            "refunded_fen",
            "cancellation_fee_fen",
            "fulfilment",
            "address",
            "location",
            "contact_phone",
            "note",
            "starts_at",
            "ends_at",
            "valid_until",
            "accept_by",
            "consumed_via",
            "has_review",
            "created_at",
            "confirmed_at",
            "consumed_at",
            "closed_at",
        ]
        # The price breakdown: list - member discount - points discount = amount (to pay).
        extra_kwargs = {
            "unit_price_fen": {"help_text": "The service's list price per unit, in fen."},
            "list_amount_fen": {"help_text": "List price × quantity, in fen."},
            "member_discount_fen": {
                "help_text": "Taken off by the level of the consumer's membership card valid "
                "at the shop (its member price), in fen."
            },
            "points_used": {"help_text": "Card points spent on the order."},
            "points_discount_fen": {
                "help_text": "What the points took off, at the card program's redeem rate."
            },
            "amount_fen": {
                "help_text": "To pay: list_amount_fen - member_discount_fen - "
                "points_discount_fen, in fen; points are earned on it at consumption."
            },
            "fee_fen": {
                "help_text": "Kept by the shop on a late cancellation or a no-show, in fen."
            },
            "refunded_fen": {
                "help_text": "Given back to the payment method, in fen; spent points are "
                "returned to the card on every refund."
            },
        }

    def get_code(self, order) -> str:
        return short_code_format(order.code)

    def get_qr_payload(self, order) -> str:
        return qr_payload("O", order.code)

    def get_resource_name(self, order) -> str:
        return order.slot.resource_name if order.slot else ""

    def get_cancellation_fee_fen(self, order) -> int | None:
        if order.state not in (
            OrderState.AWAITING_PAYMENT,
            OrderState.PENDING,
            OrderState.CONFIRMED,
        ):
            return None
        now = timezone.now()
        if order.kind == OrderKind.BOOKING and order.starts_at <= now:
            return None
        return cancellation_fee(order, now)

    def get_paid_fen(self, order) -> int:
        payment = order.payment
        return payment.amount_fen if payment and payment.status == PaymentStatus.SUCCEEDED else 0

    def get_payment_method(self, order) -> str:
        return order.payment.backend if order.payment else ""

    def get_has_review(self, order) -> bool:
        return hasattr(order, "review")

    def get_location(self, order) -> dict | None:
        if not order.location:
            return None
        lat, lng = point_out(order.location.y, order.location.x, self.context)  # coord_type
        return {"lat": lat, "lng": lng}


class ConsumerBriefSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone_masked = serializers.SerializerMethodField(help_text="138****0000")

    def get_phone_masked(self, user) -> str:
        return phone_masked(user.phone)


class MerchantOrderSerializer(OrderSerializer):
    """An order as the shop sees it: the consumer's name and masked phone, no QR payload."""

    consumer = ConsumerBriefSerializer()

    class Meta(OrderSerializer.Meta):
        fields = [f for f in OrderSerializer.Meta.fields if f not in ("qr_payload", "payment")] + [
            "consumer"
        ]


class CounterOrderSerializer(MerchantOrderSerializer):
    """What the cashier sees after a scan, and whether the order can be redeemed now."""

    can_consume = serializers.SerializerMethodField()
    blocked_reason = serializers.SerializerMethodField(
        help_text="Why it cannot be redeemed: a state label, or empty when it can."
    )

    class Meta(MerchantOrderSerializer.Meta):
        fields = [*MerchantOrderSerializer.Meta.fields, "can_consume", "blocked_reason"]

    def get_can_consume(self, order) -> bool:
        return order.state == OrderState.CONFIRMED and not self.disputed(order)

    def get_blocked_reason(self, order) -> str:
        if order.state != OrderState.CONFIRMED:
            return str(order.get_state_display())
        return "订单有待平台处理的争议" if self.disputed(order) else ""

    @staticmethod
    def disputed(order) -> bool:
        return dispute_is_open(order)


class ReviewPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewPhoto
        fields = ["id", "image", "thumbnail", "width", "height"]


class ReviewSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(help_text="The author's name, partly hidden")
    photos = ReviewPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "shop",
            "author",
            "is_verified",
            "rating",
            "text",
            "photos",
            "reply_text",
            "replied_at",
            "created_at",
        ]

    def get_author(self, review) -> str:
        name = review.consumer.name or "用户"
        return name[0] + "*" * max(1, len(name) - 1)


class MyReviewSerializer(ReviewSerializer):
    """The author's own review: with the texts waiting for review."""

    under_review = UnderReviewField("consumers.review")

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "under_review"]


class MerchantReviewSerializer(ReviewSerializer):
    under_review = UnderReviewField("consumers.review")

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "status", "order", "under_review"]


class OrderPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = ShopOrderPolicy
        fields = [
            "shop",
            "requires_acceptance",
            "acceptance_minutes",
            "cancel_cutoff_minutes",
            "late_cancel_fee_percent",
            "no_show_fee_percent",
            "voucher_valid_days",
            "service_mode",
            "home_service_radius_m",
        ]
        read_only_fields = ["shop"]
        extra_kwargs = {
            "late_cancel_fee_percent": {"max_value": 100},
            "no_show_fee_percent": {"max_value": 100},
            "acceptance_minutes": {"min_value": 5},
        }
