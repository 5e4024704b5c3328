"""Output shapes shared by the merchant, counter and consumer endpoints."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.codes import qr_payload, short_code_format
from core.redaction import phone_masked
from payments.backends import payment_backends

from ..models import CardProgram, LedgerEntry, Level, MembershipCard, TopUpBonusTier


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["id", "name", "rank", "points_per_yuan", "percent_off", "threshold"]
        read_only_fields = ["id"]
        extra_kwargs = {"rank": {"required": True}}


class BonusTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = TopUpBonusTier
        fields = ["min_amount_fen", "bonus_fen"]
        extra_kwargs = {"min_amount_fen": {"min_value": 1}, "bonus_fen": {"min_value": 1}}


class ProgramSerializer(serializers.ModelSerializer):
    levels = LevelSerializer(many=True, read_only=True)
    bonus_tiers = BonusTierSerializer(many=True, read_only=True)
    shops = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CardProgram
        fields = [
            "id",
            "name",
            "shops",
            "auto_approve",
            "earn_online",
            "earn_offline",
            "points_rounding",
            "points_expiry_days",
            "redeem_points",
            "redeem_fen",
            "upgrade_basis",
            "upgrade_window_days",
            "downgrade_enabled",
            "top_up_enabled",
            "min_top_up_fen",
            "max_top_up_fen",
            "levels",
            "bonus_tiers",
            "created_at",
        ]


class CardLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["id", "name", "rank", "percent_off", "points_per_yuan"]


class CardSerializer(serializers.ModelSerializer):
    """A card as the merchant sees it."""

    number_display = serializers.SerializerMethodField()
    level = CardLevelSerializer()
    holder_name = serializers.CharField(source="consumer.name")
    phone_masked = serializers.SerializerMethodField(
        help_text="The holder's phone, masked: 139****0000"
    )
    password_set = serializers.SerializerMethodField()

    class Meta:
        model = MembershipCard
        fields = [
            "id",
            "number",
            "number_display",
            "status",
            "level",
            "holder_name",
            "phone_masked",
            "points",
            "balance_fen",
            "password_set",
            "spending_locked_until",
            "issued_at",
        ]

    def get_number_display(self, card) -> str:
        return short_code_format(card.number)

    def get_phone_masked(self, card) -> str:
        return phone_masked(card.consumer.phone)

    def get_password_set(self, card) -> bool:
        return bool(card.password)


class LedgerEntrySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    shop_name = serializers.CharField(source="shop.name", default="")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "kind_display",
            "channel",
            "points_delta",
            "balance_delta_fen",
            "points_after",
            "balance_after_fen",
            "amount_fen",
            "reference",
            "reverses",
            "shop",
            "shop_name",
            "note",
            "created_at",
        ]


class MyCardSerializer(CardSerializer):
    """A card as its holder sees it, with the signed QR payload the counter scans."""

    merchant_id = serializers.IntegerField(source="program.merchant_id")
    merchant_name = serializers.CharField(source="program.merchant.name")
    program_name = serializers.CharField(source="program.name")
    qr_payload = serializers.SerializerMethodField(help_text="Show as a QR code at the counter.")
    top_up_enabled = serializers.BooleanField(source="program.top_up_enabled")
    top_up_methods = serializers.SerializerMethodField(help_text="Online payment backends")
    image_url = serializers.SerializerMethodField()

    class Meta(CardSerializer.Meta):
        fields = [
            f for f in CardSerializer.Meta.fields if f not in ("holder_name", "phone_masked")
        ] + [
            "merchant_id",
            "merchant_name",
            "program_name",
            "qr_payload",
            "top_up_enabled",
            "top_up_methods",
            "image_url",
        ]

    def get_top_up_methods(self, card) -> list[str]:
        return payment_backends(online=True) if card.program.top_up_enabled else []

    def get_qr_payload(self, card) -> str:
        return qr_payload("M", card.number)

    @extend_schema_field(serializers.URLField())
    def get_image_url(self, card) -> str:
        path = reverse("my-card-image", args=[card.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
