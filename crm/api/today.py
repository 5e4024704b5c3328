"""Daily work: the today list and logging contacts, service standards, complaints, at-risk
customers and retention, tasks, KPIs."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import IsMerchantMember
from core.errors import NotFound
from core.pagination import CursorPagination, WholeList, whole_page
from core.serializers import BoundedDateField, BoundedDateTimeField, IdField
from crm.errors import NotOurStaff
from merchants.errors import NotAMerchant

from .. import selectors, services, worklist
from ..analytics import kpi_series
from ..models import (
    ChurnMethod,
    Complaint,
    ComplaintStatus,
    ContactChannel,
    Kpi,
    Purpose,
    Task,
    TaskKind,
    TaskStatus,
)
from .customers import TAGS, customers_out
from .serializers import (
    CrmComplaintSerializer,
    CrmCustomerSerializer,
    CrmInteractionSerializer,
    CrmStandardSerializer,
    CrmTaskSerializer,
)

CONFLICT = OpenApiResponse(description="状态冲突")


def acting_staff(request, staff_id: int | None):
    """Whose list: one's own; the owner may look at any staff member's."""
    merchant = selectors.member_check(request.user, selectors.VIEW)
    if staff_id is None or staff_id == request.user.pk:
        return merchant, request.user
    if request.user.role != Role.MERCHANT_OWNER:
        selectors.owner_check(request.user)
    return merchant, selectors.team_member(merchant, staff_id)


class TodayItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Send it back with the contact to close the item.")
    source = serializers.ChoiceField(
        choices=[
            "purchase_callback",
            "complaint",
            "birthday",
            "holiday",
            "at_risk",
            "service_level",
            "long_no_contact",
            "low_satisfaction",
            "random_sample",
        ]
    )
    reason = serializers.CharField()
    due = serializers.DateField()
    customer_id = serializers.IntegerField()
    customer_name = serializers.CharField()
    phone = serializers.CharField()
    tel = serializers.CharField(help_text="tel: link")
    sms = serializers.CharField(help_text="sms: link")


class TodayView(APIView):
    """The staff member's list for today, each item with its reason and tel:/sms: links."""

    errors = {"get": (NotAMerchant, NotOurStaff)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    class FilterSerializer(serializers.Serializer):
        staff = serializers.IntegerField(
            required=False, min_value=1, max_value=2**62, help_text="Owner only: whose list."
        )

    @extend_schema(
        tags=TAGS, parameters=[FilterSerializer], responses=TodayItemSerializer(many=True)
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        merchant, staff = acting_staff(request, params.validated_data.get("staff"))
        items = worklist.today_list(merchant, staff)
        return Response(whole_page(TodayItemSerializer(items, many=True).data))


class ContactInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    satisfaction = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True
    )
    item_key = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        default="",
        help_text="The today-list item this contact closes.",
    )


class CustomerContactView(APIView):
    """Log a contact with a customer and its outcome; with `item_key` it closes that item."""

    permission_classes = [IsMerchantMember]

    @extend_schema(
        tags=TAGS, request=ContactInputSerializer, responses={201: CrmInteractionSerializer}
    )
    def post(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.MANAGE)  # a write: not VIEW
        customer = selectors.customer_of(merchant, pk)
        data = ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_log(customer=customer, staff=request.user, **data.validated_data)
        return Response(CrmInteractionSerializer(contact).data, status=status.HTTP_201_CREATED)


# --- service standards -----------------------------------------------------------------------


class StandardsView(APIView):
    """GET the per-tier service standards; PUT (owner) replaces them (both answer the list)."""

    errors = {"get": (NotAMerchant,), "put": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    class InputSerializer(serializers.Serializer):
        standards = CrmStandardSerializer(many=True, max_length=30)

        def validate_standards(self, value):
            pairs = [(s["tier"], s["channel"]) for s in value]
            if len(set(pairs)) != len(pairs):
                raise serializers.ValidationError(_("同一等级同一渠道只能有一条标准。"))
            return value

    @extend_schema(tags=TAGS, responses=CrmStandardSerializer(many=True))
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        standards = merchant.crm_standards.all()
        return Response(whole_page(CrmStandardSerializer(standards, many=True).data))

    @extend_schema(tags=TAGS, request=InputSerializer, responses=CrmStandardSerializer(many=True))
    def put(self, request):
        merchant = selectors.owner_check(request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.service_standards_set(
            merchant=merchant, standards=data.validated_data["standards"]
        )
        return Response(whole_page(CrmStandardSerializer(saved, many=True).data))


class DueItemSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    customer_name = serializers.CharField()
    tier = serializers.CharField()
    owner = serializers.IntegerField(allow_null=True)
    channel = serializers.CharField()
    every_days = serializers.IntegerField()
    due = serializers.DateField()


class StandardsDueView(APIView):
    """Contacts due under the service standards, for the whole team."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    @extend_schema(tags=TAGS, responses=DueItemSerializer(many=True))
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        return Response(whole_page(DueItemSerializer(worklist.due_list(merchant), many=True).data))


class ComplianceView(APIView):
    """Share of customers contacted within their tier's standard, per tier and per staff."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]

    class RateSerializer(serializers.Serializer):
        tier = serializers.CharField(required=False)
        staff = serializers.IntegerField(required=False, allow_null=True)
        name = serializers.CharField(required=False)
        compliant = serializers.IntegerField()
        total = serializers.IntegerField()
        rate = serializers.FloatField(allow_null=True)

    class OutputSerializer(serializers.Serializer):
        tiers = serializers.ListField(child=serializers.DictField())
        staff = serializers.ListField(child=serializers.DictField())

    @extend_schema(tags=TAGS, responses=OutputSerializer)
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        return Response(worklist.compliance(merchant))


# --- complaints --------------------------------------------------------------------------------


def respond_by_check(value):
    now = timezone.now()
    if value is not None and not now - timedelta(days=1) <= value <= now + timedelta(days=365):
        raise serializers.ValidationError(_("答复期限须在一年之内。"))


class ComplaintPagination(CursorPagination):
    ordering = "-pk"


def complaint_of(merchant, pk: int) -> Complaint:
    found = Complaint.objects.filter(merchant=merchant, pk=pk).select_related("customer").first()
    if found is None:
        raise NotFound()
    return found


class ComplaintListView(APIView):
    errors = {"get": (NotAMerchant,), "post": (NotAMerchant, NotOurStaff)}
    pagination_class = ComplaintPagination
    permission_classes = [IsMerchantMember]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=ComplaintStatus.choices, required=False)

    class InputSerializer(serializers.Serializer):
        customer = serializers.IntegerField(min_value=1, max_value=2**62)
        channel = serializers.ChoiceField(choices=ContactChannel.choices)
        content = serializers.CharField(max_length=4000)
        owner = IdField(required=False, allow_null=True)
        respond_by = BoundedDateTimeField(
            required=False, allow_null=True, validators=[respond_by_check]
        )

    @extend_schema(
        tags=TAGS, parameters=[FilterSerializer], responses=CrmComplaintSerializer(many=True)
    )
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = Complaint.objects.filter(merchant=merchant).select_related("customer")
        if "status" in params.validated_data:
            found = found.filter(status=params.validated_data["status"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(CrmComplaintSerializer(page, many=True).data)

    @extend_schema(tags=TAGS, request=InputSerializer, responses={201: CrmComplaintSerializer})
    def post(self, request):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        customer = customer_field(merchant, fields["customer"])
        complaint = services.complaint_create(
            merchant=merchant,
            customer=customer,
            channel=fields["channel"],
            content=fields["content"],
            owner=selectors.team_member(merchant, fields.get("owner")),
            respond_by=fields.get("respond_by"),
        )
        return Response(CrmComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


def customer_field(merchant, pk: int):
    found = selectors.customers_of(merchant).filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({"customer": [_("顾客不存在。")]})
    return found


class ComplaintDetailView(APIView):
    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        owner = IdField(required=False, allow_null=True)
        respond_by = BoundedDateTimeField(required=False, validators=[respond_by_check])

    @extend_schema(tags=TAGS, responses=CrmComplaintSerializer)
    def get(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        return Response(CrmComplaintSerializer(complaint_of(merchant, pk)).data)

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses={200: CrmComplaintSerializer, 409: CONFLICT},
    )
    def patch(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        complaint = complaint_of(merchant, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "owner" in fields:
            fields["owner"] = selectors.team_member(merchant, fields["owner"])
        complaint = services.complaint_update(complaint=complaint, **fields)
        return Response(CrmComplaintSerializer(complaint_of(merchant, complaint.pk)).data)


class ComplaintResolveView(APIView):
    """Record the resolution; the customer then appears on the today list for a callback."""

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        resolution = serializers.CharField(max_length=4000)

    @extend_schema(
        tags=TAGS, request=InputSerializer, responses={200: CrmComplaintSerializer, 409: CONFLICT}
    )
    def post(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        complaint = complaint_of(merchant, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_resolve(
            complaint=complaint, resolution=data.validated_data["resolution"], by=request.user
        )
        return Response(CrmComplaintSerializer(complaint_of(merchant, pk)).data)


# --- at risk, retention, tasks ----------------------------------------------------------------


class AtRiskView(APIView):
    """Today's at-risk list: the customers the churn fit flags, ranked by probability x yearly
    value (`at_stake_fen`), cut to the merchant's `at_risk_daily_calls` (or `limit`), each
    with `churn_explanation`. The whole cut on one page."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    class FilterSerializer(serializers.Serializer):
        limit = serializers.IntegerField(required=False, min_value=1, max_value=2000)

    @extend_schema(
        tags=TAGS, parameters=[FilterSerializer], responses=CrmCustomerSerializer(many=True)
    )
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = selectors.at_risk_ranked(merchant, limit=params.validated_data.get("limit"))
        return Response(whole_page(customers_out(found, many=True)))


class ChurnModelView(APIView):
    """The merchant's churn method: the Pareto/NBD model fitted nightly on all its customers,
    or a recency threshold backtested on its own history (too few customers for a stable fit,
    or recency ranked clearly better on the shop's history one horizon ago: both AUCs shown);
    with the horizon, parameters and when it was fitted (`method` null before the first
    fit)."""

    errors = {"get": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]

    class OutputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(
            choices=ChurnMethod.choices, allow_null=True, help_text="pareto_nbd or recency"
        )
        method_label = serializers.CharField()
        params = serializers.DictField(
            child=serializers.FloatField(), help_text="r, alpha, s, beta (days)"
        )
        horizon_days = serializers.IntegerField(allow_null=True)
        horizon_from_data = serializers.BooleanField()
        recency_threshold_days = serializers.IntegerField(allow_null=True)
        customers = serializers.IntegerField()
        min_customers_for_model = serializers.IntegerField()
        log_likelihood = serializers.FloatField(allow_null=True)
        calibrated = serializers.BooleanField(
            help_text="The model's probabilities are calibrated on the shop's own backtest."
        )
        at_risk_threshold = serializers.FloatField(
            allow_null=True, help_text="At risk: probability at or above (best F1 on the backtest)."
        )
        backtest_model_auc = serializers.FloatField(
            allow_null=True,
            help_text="The calibrated model's AUC (out of fold), shop's history one horizon ago.",
        )
        backtest_raw_model_auc = serializers.FloatField(
            allow_null=True, help_text="The model's AUC there before calibration."
        )
        backtest_recency_auc = serializers.FloatField(
            allow_null=True, help_text="Plain recency's AUC there; clearly higher: recency used."
        )
        fitted_on = serializers.DateField(allow_null=True)
        fitted_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(tags=TAGS, responses=OutputSerializer)
    def get(self, request):
        from ..churn import MIN_CUSTOMERS_FOR_FIT

        merchant = selectors.member_check(request.user, selectors.VIEW)
        model = selectors.churn_model_of(merchant)
        out = {
            "method": model.method if model else None,
            "method_label": model.get_method_display() if model else "",
            "params": model.params if model else {},
            "horizon_days": model.horizon_days if model else None,
            "horizon_from_data": model.horizon_from_data if model else True,
            "recency_threshold_days": model.recency_threshold_days if model else None,
            "customers": model.customers if model else 0,
            "min_customers_for_model": MIN_CUSTOMERS_FOR_FIT,
            "log_likelihood": model.log_likelihood if model else None,
            "calibrated": bool(model and model.calibration),
            "at_risk_threshold": model.at_risk_threshold if model else None,
            "backtest_model_auc": model.backtest_model_auc if model else None,
            "backtest_raw_model_auc": model.backtest_raw_model_auc if model else None,
            "backtest_recency_auc": model.backtest_recency_auc if model else None,
            "fitted_on": model.fitted_on if model else None,
            "fitted_at": model.fitted_at if model else None,
        }
        return Response(self.OutputSerializer(out).data)


class RetentionTaskView(APIView):
    """Turn an at-risk customer into a one-to-one retention task."""

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        assigned_to = IdField(required=False, allow_null=True)
        due = BoundedDateField(required=False)
        note = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    @extend_schema(
        tags=TAGS, request=InputSerializer, responses={201: CrmTaskSerializer, 409: CONFLICT}
    )
    def post(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        customer = selectors.customer_of(merchant, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        task = services.retention_task_create(
            customer=customer,
            assigned_to=selectors.team_member(merchant, fields.get("assigned_to")),
            due=fields.get("due") or timezone.localdate() + timedelta(days=7),
            note=fields["note"],
        )
        return Response(CrmTaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskPagination(CursorPagination):
    ordering = "-pk"


class TaskListView(APIView):
    errors = {"get": (NotAMerchant,)}
    pagination_class = TaskPagination
    """Tasks: staff see theirs; the owner sees all (or one staff member's)."""

    permission_classes = [IsMerchantMember]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
        kind = serializers.ChoiceField(choices=TaskKind.choices, required=False)
        assigned_to = serializers.IntegerField(required=False, min_value=1, max_value=2**62)

    @extend_schema(tags=TAGS, parameters=[FilterSerializer], responses=CrmTaskSerializer(many=True))
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = Task.objects.filter(merchant=merchant).select_related("customer")
        if request.user.role != Role.MERCHANT_OWNER:
            found = found.filter(assigned_to=request.user)
        for name, value in params.validated_data.items():
            found = found.filter(**{name: value})
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(CrmTaskSerializer(page, many=True).data)


class TaskCompleteView(APIView):
    """Record a task's outcome (retained or not, money spent on gifts)."""

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        outcome = serializers.CharField(max_length=2000)
        retained = serializers.BooleanField(required=False, allow_null=True, default=None)
        spent_fen = serializers.IntegerField(min_value=0, max_value=10**9, default=0)

    @extend_schema(
        tags=TAGS, request=InputSerializer, responses={200: CrmTaskSerializer, 409: CONFLICT}
    )
    def post(self, request, pk: int):
        merchant = selectors.member_check(request.user, selectors.VIEW)
        found = Task.objects.filter(merchant=merchant, pk=pk)
        if request.user.role != Role.MERCHANT_OWNER:
            found = found.filter(assigned_to=request.user)
        task = found.first()
        if task is None:
            raise NotFound()
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_complete(task=task, by=request.user, **data.validated_data)
        return Response(CrmTaskSerializer(task).data)


# --- KPIs ----------------------------------------------------------------------------------------


class KpiView(APIView):
    """KPI snapshots over time, each with the target in force that day; PUT (owner) sets a
    target from a date on (both answer the series, on one page)."""

    errors = {"get": (NotAMerchant,), "put": (NotAMerchant,)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    class InputSerializer(serializers.Serializer):
        kpi = serializers.ChoiceField(choices=Kpi.choices)
        target = serializers.FloatField(min_value=0, max_value=1e6)
        valid_from = BoundedDateField(required=False)

    class ValueSerializer(serializers.Serializer):
        value = serializers.FloatField(allow_null=True)
        target = serializers.FloatField(allow_null=True)

    class OutputSerializer(serializers.Serializer):
        day = serializers.DateField()
        customers = serializers.IntegerField()
        churn_rate = serializers.DictField()
        satisfaction = serializers.DictField()
        tenure_days = serializers.DictField()

    @extend_schema(tags=TAGS, responses=OutputSerializer(many=True))
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.ANALYTICS)
        return Response(whole_page(kpi_series(merchant)))

    @extend_schema(tags=TAGS, request=InputSerializer, responses=OutputSerializer(many=True))
    def put(self, request):
        merchant = selectors.owner_check(request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        services.kpi_target_set(
            merchant=merchant,
            kpi=fields["kpi"],
            target=fields["target"],
            valid_from=fields.get("valid_from") or timezone.localdate(),
        )
        return Response(whole_page(kpi_series(merchant)))
