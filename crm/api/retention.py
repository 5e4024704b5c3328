"""At-risk customers and the churn model, retention tasks and the task list."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import IsMerchantMember
from core.errors import NotFound
from core.pagination import CursorPagination, WholeList, whole_page
from core.serializers import BoundedDateField, IdField
from merchants.errors import NotAMerchant

from .. import selectors, services
from ..models import (
    ChurnMethod,
    Task,
    TaskKind,
    TaskStatus,
)
from .directory import customers_out
from .serializers import (
    CONFLICT,
    TAGS,
    CrmCustomerSerializer,
    CrmTaskSerializer,
)


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
