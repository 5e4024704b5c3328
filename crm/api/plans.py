"""Maintenance plans with the owner's approval, and the staff hand-over."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import IsMerchantMember
from core.errors import NotFound
from core.pagination import CursorPagination
from core.serializers import BoundedDateField, IdField
from crm.errors import BudgetOverStandard, NotOurStaff
from merchants.errors import NotAMerchant

from .. import selectors, services
from ..models import HandOver, MaintenancePlan, PlanStatus, Tier
from .complaints import customer_field
from .serializers import CONFLICT, MAX_FEN, TAGS, CrmHandOverSerializer, CrmPlanSerializer


def plan_of(request, pk: int, *, mine: bool = True) -> MaintenancePlan:
    """Staff reach the plans they wrote or carry out; the owner reaches all."""
    merchant = selectors.member_check(request.user, selectors.MANAGE)
    found = MaintenancePlan.objects.filter(merchant=merchant, pk=pk)
    if mine and request.user.role != Role.MERCHANT_OWNER:
        found = found.filter(created_by=request.user) | found.filter(staff=request.user)
    plan = found.prefetch_related("tasks").first()
    if plan is None:
        raise NotFound()
    return plan


class PlanInputSerializer(serializers.Serializer):
    customer = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**62
    )
    tier = serializers.ChoiceField(choices=Tier.choices, required=False, allow_blank=True)
    goal = serializers.CharField(max_length=200)
    methods = serializers.CharField(max_length=4000)
    staff = IdField(required=False, allow_null=True)
    budget_fen = serializers.IntegerField(min_value=0, max_value=MAX_FEN, default=0)
    deadline = BoundedDateField()

    def validate(self, attrs):
        if self.partial:
            return attrs
        if bool(attrs.get("customer")) == bool(attrs.get("tier")):
            raise serializers.ValidationError(
                {"customer": ["请指定一位顾客或一个等级（二选一）。"]}
            )
        return attrs


class PlanPagination(CursorPagination):
    ordering = "-pk"


class PlanListView(APIView):
    errors = {"get": (NotAMerchant,), "post": (BudgetOverStandard, NotAMerchant, NotOurStaff)}
    pagination_class = PlanPagination
    """Plans for a customer or a tier; staff see the ones they wrote or carry out."""

    permission_classes = [IsMerchantMember]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=PlanStatus.choices, required=False)

    @extend_schema(tags=TAGS, parameters=[FilterSerializer], responses=CrmPlanSerializer(many=True))
    def get(self, request):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = MaintenancePlan.objects.filter(merchant=merchant)
        if request.user.role != Role.MERCHANT_OWNER:
            found = found.filter(created_by=request.user) | found.filter(staff=request.user)
        if "status" in params.validated_data:
            found = found.filter(status=params.validated_data["status"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found.prefetch_related("tasks"), request, view=self)
        return paginator.get_paginated_response(CrmPlanSerializer(page, many=True).data)

    @extend_schema(tags=TAGS, request=PlanInputSerializer, responses={201: CrmPlanSerializer})
    def post(self, request):
        merchant = selectors.member_check(request.user, selectors.MANAGE)
        data = PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        customer_id = fields.pop("customer", None)
        plan = services.plan_create(
            merchant=merchant,
            created_by=request.user,
            staff=selectors.team_member(merchant, fields.pop("staff", None)),
            customer=customer_field(merchant, customer_id) if customer_id else None,
            tier=fields.pop("tier", "") or "",
            **fields,
        )
        return Response(CrmPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailView(APIView):
    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, responses=CrmPlanSerializer)
    def get(self, request, pk: int):
        return Response(CrmPlanSerializer(plan_of(request, pk)).data)

    @extend_schema(
        tags=TAGS, request=PlanInputSerializer, responses={200: CrmPlanSerializer, 409: CONFLICT}
    )
    def patch(self, request, pk: int):
        plan = plan_of(request, pk)
        data = PlanInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k not in ("customer", "tier")}
        if "staff" in fields:
            fields["staff"] = selectors.team_member(plan.merchant, fields["staff"])
        plan = services.plan_update(plan=plan, **fields)
        return Response(CrmPlanSerializer(plan_of(request, plan.pk)).data)


class PlanSubmitView(APIView):
    permission_classes = [IsMerchantMember]

    @extend_schema(tags=TAGS, request=None, responses={200: CrmPlanSerializer, 409: CONFLICT})
    def post(self, request, pk: int):
        plan = services.plan_submit(plan=plan_of(request, pk))
        return Response(CrmPlanSerializer(plan_of(request, plan.pk)).data)


class ReviewInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def owners_plan(request, pk: int) -> MaintenancePlan:
    merchant = selectors.owner_check(request.user)
    plan = MaintenancePlan.objects.filter(merchant=merchant, pk=pk).first()
    if plan is None:
        raise NotFound()
    return plan


class PlanApproveView(APIView):
    """The owner approves: the plan's customers become tasks of its staff member."""

    permission_classes = [IsMerchantMember]

    @extend_schema(
        tags=TAGS, request=ReviewInputSerializer, responses={200: CrmPlanSerializer, 409: CONFLICT}
    )
    def post(self, request, pk: int):
        plan = owners_plan(request, pk)
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_approve(plan=plan, note=data.validated_data["note"])
        return Response(CrmPlanSerializer(plan_of(request, plan.pk)).data)


class PlanReturnView(APIView):
    """The owner sends the plan back with a note; staff edit and submit again."""

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=200)

    @extend_schema(
        tags=TAGS, request=InputSerializer, responses={200: CrmPlanSerializer, 409: CONFLICT}
    )
    def post(self, request, pk: int):
        plan = owners_plan(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_return(plan=plan, note=data.validated_data["note"])
        return Response(CrmPlanSerializer(plan_of(request, plan.pk)).data)


class PlanSummaryView(APIView):
    """Close an approved plan with its result and the money spent (default: its tasks')."""

    permission_classes = [IsMerchantMember]

    class InputSerializer(serializers.Serializer):
        result = serializers.CharField(max_length=4000)
        spent_fen = serializers.IntegerField(
            min_value=0, max_value=MAX_FEN, required=False, allow_null=True
        )

    @extend_schema(
        tags=TAGS, request=InputSerializer, responses={200: CrmPlanSerializer, 409: CONFLICT}
    )
    def post(self, request, pk: int):
        plan = plan_of(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_summarize(
            plan=plan,
            result=data.validated_data["result"],
            spent_fen=data.validated_data.get("spent_fen"),
        )
        return Response(CrmPlanSerializer(plan_of(request, plan.pk)).data)


class HandOverView(APIView):
    """GET the hand-over log; POST (owner) moves a leaving staff member's customers, open
    tasks, complaints and plans to another, as one audited action."""

    errors = {"get": (NotAMerchant,), "post": (NotAMerchant, NotOurStaff)}

    permission_classes = [IsMerchantMember]
    pagination_class = PlanPagination  # newest first

    class InputSerializer(serializers.Serializer):
        from_staff = serializers.IntegerField(min_value=1, max_value=2**62)
        to_staff = serializers.IntegerField(min_value=1, max_value=2**62)
        reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(tags=TAGS, responses=CrmHandOverSerializer(many=True))
    def get(self, request):
        merchant = selectors.owner_check(request.user)
        found = HandOver.objects.filter(merchant=merchant)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(CrmHandOverSerializer(page, many=True).data)

    @extend_schema(tags=TAGS, request=InputSerializer, responses={201: CrmHandOverSerializer})
    def post(self, request):
        merchant = selectors.owner_check(request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        record = services.staff_hand_over(
            merchant=merchant,
            from_staff=selectors.team_member(merchant, fields["from_staff"]),
            to_staff=selectors.team_member(merchant, fields["to_staff"]),
            by=request.user,
            reason=fields["reason"],
        )
        return Response(CrmHandOverSerializer(record).data, status=status.HTTP_201_CREATED)
