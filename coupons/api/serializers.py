"""Output shapes shared by the merchant's, the counter's and the consumer's coupon views."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.codes import qr_payload, short_code_format
from core.redaction import phone_masked
from core.serializers import MoneyFenField
from merchants.models import Service
from moderation.serializers import UnderReviewField

from ..benefits import COLUMNS, benefit_choices, benefit_text, validity_text
from ..models import Campaign, Coupon
from ..selectors import coupon_state


def _benefit_input_fields() -> dict:
    """The benefit terms' input fields, from the kinds' specs (coupons.benefits)."""
    return {
        "benefit_kind": serializers.ChoiceField(choices=benefit_choices()),
        **{name: column.api_field() for name, column in COLUMNS.items()},
        "min_spend_fen": MoneyFenField(required=False),
    }


class BenefitInputSerializer(
    type("BenefitInputFields", (serializers.Serializer,), _benefit_input_fields())
):
    """The benefit terms as every view that takes them parses them (money in fen). The kinds
    are read from the registry when the serializer is made; `merchant` narrows `service` to
    its own services."""

    def __init__(self, *args, merchant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefit_kind"].choices = benefit_choices()
        if merchant is not None:
            self.fields["service"].queryset = Service.objects.filter(shop__merchant=merchant)


class CouponShopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BenefitMixin(serializers.Serializer):
    benefit_text = serializers.SerializerMethodField(help_text="e.g. 满100元减20元, 8.5折")
    validity_text = serializers.SerializerMethodField(help_text="e.g. 领取后 7 天内有效")
    shops = CouponShopSerializer(
        many=True, read_only=True, help_text="Shops that accept it; empty = every shop."
    )

    def get_benefit_text(self, campaign) -> str:
        return benefit_text(campaign)

    def get_validity_text(self, campaign) -> str:
        return validity_text(campaign)


BENEFIT_FIELDS = [
    "benefit_kind",
    "benefit_text",
    *COLUMNS,
    "min_spend_fen",
    "valid_from",
    "valid_until",
    "valid_days_after_issue",
    "validity_text",
    "shops",
]


class CampaignSerializer(BenefitMixin, serializers.ModelSerializer):
    """A campaign as its merchant sees it."""

    remaining = serializers.IntegerField(read_only=True)
    levels = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    customer_phones = serializers.SerializerMethodField()
    under_review = UnderReviewField("coupons.campaign")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "description",
            "image",
            "status",
            *BENEFIT_FIELDS,
            "total_quantity",
            "issued_count",
            "remaining",
            "per_customer_limit",
            "audience",
            "levels",
            "customer_phones",
            "segments",
            "created_at",
            "updated_at",
            "published_at",
            "under_review",
        ]

    def get_customer_phones(self, campaign) -> list[str]:
        return [str(customer.phone) for customer in campaign.customers.all()]


class CampaignPublicSerializer(BenefitMixin, serializers.ModelSerializer):
    """A campaign as a consumer sees it in a shop's list."""

    merchant_name = serializers.CharField(source="merchant.name")
    service_name = serializers.CharField(source="service.name", default=None, allow_null=True)
    remaining = serializers.IntegerField()
    claimed_by_me = serializers.IntegerField(
        default=None, help_text="Coupons of it you hold (signed-in consumers only)."
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "merchant_name",
            "title",
            "description",
            "image",
            *BENEFIT_FIELDS,
            "service_name",
            "audience",
            "remaining",
            "per_customer_limit",
            "claimed_by_me",
        ]


class CampaignBriefSerializer(BenefitMixin, serializers.ModelSerializer):
    merchant_name = serializers.CharField(source="merchant.name")

    class Meta:
        model = Campaign
        fields = ["id", "merchant_name", "title", *BENEFIT_FIELDS]


def code_display(coupon: Coupon) -> str:
    return short_code_format(coupon.code)


class MyCouponSerializer(serializers.ModelSerializer):
    """A coupon in its holder's app: what to show, and the QR to show it with."""

    code_display = serializers.SerializerMethodField(help_text="K7QM-3XHD-PA")
    qr_payload = serializers.SerializerMethodField(help_text="The signed text the QR carries.")
    qr_url = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    redeemed_shop = serializers.SerializerMethodField()
    campaign = CampaignBriefSerializer()

    class Meta:
        model = Coupon
        fields = [
            "id",
            "code",
            "code_display",
            "qr_payload",
            "qr_url",
            "state",
            "valid_from",
            "valid_until",
            "issued_at",
            "redeemed_at",
            "redeemed_shop",
            "campaign",
        ]

    def get_code_display(self, coupon) -> str:
        return code_display(coupon)

    def get_qr_payload(self, coupon) -> str:
        return qr_payload("C", coupon.code)

    def get_qr_url(self, coupon) -> str:
        path = reverse("my-coupon-qr", args=[coupon.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(
        serializers.ChoiceField(choices=["usable", "not_yet_valid", "used", "expired"])
    )
    def get_state(self, coupon) -> str:
        return coupon_state(coupon, timezone.now())

    @extend_schema_field(CouponShopSerializer(allow_null=True))
    def get_redeemed_shop(self, coupon) -> dict | None:
        standing = getattr(coupon, "standing", None)
        if not standing:
            return None
        return {"id": standing[0].shop_id, "name": standing[0].shop.name}


class MerchantCouponSerializer(serializers.ModelSerializer):
    """A coupon as its merchant sees it; the holder's phone is masked (138****0000)."""

    code_display = serializers.SerializerMethodField()
    phone_masked = serializers.SerializerMethodField(help_text="The holder's phone: 138****0000")

    class Meta:
        model = Coupon
        fields = [
            "id",
            "code",
            "code_display",
            "channel",
            "phone_masked",
            "batch",
            "status",
            "valid_from",
            "valid_until",
            "issued_at",
            "redeemed_at",
        ]

    def get_code_display(self, coupon) -> str:
        return code_display(coupon)

    def get_phone_masked(self, coupon) -> str:
        return phone_masked(coupon.holder_phone)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RedemptionSerializer(serializers.Serializer):
    """One use at the counter: the benefit applied and who, where and when. A plain
    Serializer: the counter's hot path should not rebuild ModelSerializer fields per call."""

    id = serializers.IntegerField()
    code = serializers.CharField(source="coupon.code")
    code_display = serializers.SerializerMethodField()
    campaign = serializers.SerializerMethodField()
    shop = CouponShopSerializer()
    staff = PersonSerializer()
    order_amount_fen = serializers.IntegerField()
    discount_fen = serializers.IntegerField()
    payable_fen = serializers.IntegerField()
    redeemed_at = serializers.DateTimeField()
    reversed_at = serializers.DateTimeField(allow_null=True)
    reversed_by = PersonSerializer(allow_null=True)
    reversal_reason = serializers.CharField()

    def get_code_display(self, redemption) -> str:
        return code_display(redemption.coupon)

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "benefit_text": {"type": "string"},
            },
            "required": ["id", "title", "benefit_text"],
        }
    )
    def get_campaign(self, redemption) -> dict:
        campaign = redemption.campaign
        return {"id": campaign.pk, "title": campaign.title, "benefit_text": benefit_text(campaign)}
