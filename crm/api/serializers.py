from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from core.serializers import BIRTHDAY_MIN, BoundedDateField, IdField

from ..models import (
    Complaint,
    Customer,
    HandOver,
    Interaction,
    MaintenancePlan,
    ServiceStandard,
    Task,
)
from ..timeline import timeline_text

MAX_FEN = 10**11
TAGS = ["merchant: crm"]
CONFLICT = OpenApiResponse(description="状态冲突")


class CrmFlagSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="overdue (the churn model's at-risk call), spend_drop, spend_spike, arrears"
    )
    reason = serializers.CharField()


class CrmMarketingConsentSerializer(serializers.Serializer):
    granted = serializers.BooleanField(help_text="May get this merchant's marketing SMS now")
    source = serializers.CharField(help_text="app, counter, sms_reply, link, staff")
    changed_at = serializers.DateTimeField(allow_null=True)
    opted_out = serializers.BooleanField(help_text="Refused all marketing SMS (R/T, link)")


class CrmCustomerSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(allow_null=True)
    flags = CrmFlagSerializer(many=True)
    grade_reasons = serializers.ListField(child=serializers.CharField())
    level = serializers.SerializerMethodField(help_text="Member level of the customer's card.")
    churn_probability = serializers.FloatField(
        allow_null=True,
        read_only=True,
        help_text="P(no visit within the merchant's horizon), from the nightly churn fit.",
    )
    churn_method = serializers.SerializerMethodField(help_text="pareto_nbd or recency.")
    churn_explanation = serializers.SerializerMethodField(
        help_text="The habit, the silence, the probability and the yearly value, in words."
    )
    consents = serializers.SerializerMethodField(
        help_text='What the customer agreed to, e.g. {"location": true}; null: no account.'
    )
    marketing_consent = serializers.SerializerMethodField(
        help_text="Consent to this merchant's marketing SMS, with its source and time; null: "
        "never given (no marketing SMS is sent)."
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "phone",
            "birthday",
            "birthday_lunar",
            "tags",
            "notes",
            "preferred_channel",
            "contact_every_days",
            "satisfaction",
            "source",
            "owner",
            "arrears_fen",
            "level",
            "spend_fen",
            "visits",
            "first_visit_at",
            "last_visit_at",
            "last_contact_at",
            "score",
            "tier",
            "recommendation",
            "grade_reasons",
            "segment",
            "flags",
            "at_risk",
            "churn_probability",
            "churn_method",
            "churn_explanation",
            "yearly_value_fen",
            "at_stake_fen",
            "graded_at",
            "created_at",
            "consents",
            "marketing_consent",
        ]

    def get_level(self, customer) -> str:
        return self.context.get("levels", {}).get(customer.pk, "")

    def get_churn_method(self, customer) -> str:
        return customer.churn_figures.get("method", "")

    def get_churn_explanation(self, customer) -> str:
        from ..services.churn import churn_explanation

        return churn_explanation(customer.churn_figures)

    def get_consents(self, customer) -> dict[str, bool] | None:
        return self.context.get("consents", {}).get(customer.pk)

    @extend_schema_field(CrmMarketingConsentSerializer(allow_null=True))
    def get_marketing_consent(self, customer) -> dict | None:
        state = self.context.get("marketing", {}).get(str(customer.phone))
        return None if state is None else CrmMarketingConsentSerializer(state).data


class CrmCustomerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    birthday = BoundedDateField(required=False, allow_null=True, earliest=BIRTHDAY_MIN)
    birthday_lunar = serializers.BooleanField(required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=30
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    preferred_channel = serializers.ChoiceField(
        choices=Customer._meta.get_field("preferred_channel").choices, required=False
    )
    contact_every_days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, allow_null=True
    )
    arrears_fen = serializers.IntegerField(min_value=0, max_value=MAX_FEN, required=False)
    owner = IdField(required=False, allow_null=True, help_text="Staff user id.")


class CrmCustomerCreateSerializer(CrmCustomerInputSerializer):
    phone = PhoneNumberField()


class CrmInteractionSerializer(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", default="")
    text = serializers.SerializerMethodField(help_text="The summary in the request's language.")

    def get_text(self, event: Interaction) -> str:
        return timeline_text(event)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "kind",
            "at",
            "summary",
            "text",
            "channel",
            "purpose",
            "satisfaction",
            "note",
            "item_key",
            "item_keys",
            "campaign",
            "staff",
            "staff_name",
        ]


class CrmStandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceStandard
        fields = ["tier", "channel", "every_days"]
        extra_kwargs = {"every_days": {"min_value": 1, "max_value": 3650}}


class CrmComplaintSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name")

    class Meta:
        model = Complaint
        fields = [
            "id",
            "customer",
            "customer_name",
            "channel",
            "content",
            "owner",
            "respond_by",
            "status",
            "resolution",
            "resolved_at",
            "callback_at",
            "created_at",
        ]


class CrmTaskSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name")

    class Meta:
        model = Task
        fields = [
            "id",
            "customer",
            "customer_name",
            "kind",
            "plan",
            "assigned_to",
            "title",
            "due",
            "status",
            "outcome",
            "retained",
            "spent_fen",
            "done_at",
            "created_at",
        ]


class CrmPlanSerializer(serializers.ModelSerializer):
    tasks_open = serializers.SerializerMethodField()

    class Meta:
        model = MaintenancePlan
        fields = [
            "id",
            "customer",
            "tier",
            "goal",
            "methods",
            "staff",
            "budget_fen",
            "deadline",
            "status",
            "created_by",
            "review_note",
            "reviewed_at",
            "result",
            "spent_fen",
            "tasks_open",
            "created_at",
        ]

    def get_tasks_open(self, plan) -> int:
        return sum(1 for t in plan.tasks.all() if t.status == "open")


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "integer"}},
    }
)
class MovedField(serializers.JSONField):
    pass


class CrmHandOverSerializer(serializers.ModelSerializer):
    moved = MovedField()

    class Meta:
        model = HandOver
        fields = ["id", "from_staff", "to_staff", "by", "reason", "moved", "at"]
