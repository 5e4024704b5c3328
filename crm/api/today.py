"""Today's list of a staff member and logging contacts (which close its items)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import IsMerchantMember
from core.errors import NotFound
from core.pagination import WholeList, whole_page
from core.serializers import IdField
from crm.errors import NotOurStaff
from merchants.errors import NotAMerchant
from merchants.selectors import shops_of

from .. import selectors, services
from ..models import ContactChannel, Purpose
from ..today import TodaySource, today_list
from .serializers import TAGS, CrmInteractionSerializer


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
    source = serializers.ChoiceField(choices=TodaySource.choices)
    reason = serializers.CharField()
    due = serializers.DateField()
    customer_id = serializers.IntegerField()
    customer_name = serializers.CharField()
    phone = serializers.CharField()
    tel = serializers.CharField(help_text="tel: link")
    sms = serializers.CharField(help_text="sms: link")


class TodayView(APIView):
    """The staff member's list for today, each item with its reason and tel:/sms: links."""

    errors = {"get": (NotAMerchant, NotOurStaff, NotFound)}

    permission_classes = [IsMerchantMember]
    pagination_class = WholeList

    class FilterSerializer(serializers.Serializer):
        staff = serializers.IntegerField(
            required=False, min_value=1, max_value=2**62, help_text="Owner only: whose list."
        )
        shop = IdField(
            required=False,
            help_text="Only the customers of this shop (one of the caller's shops): those who "
            "ordered, redeemed a coupon, opened or used a membership card there.",
        )

    @extend_schema(
        tags=TAGS, parameters=[FilterSerializer], responses=TodayItemSerializer(many=True)
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        merchant, staff = acting_staff(request, params.validated_data.get("staff"))
        shop = params.validated_data.get("shop")
        if shop is not None and not shops_of(request.user).filter(pk=shop).exists():
            raise NotFound()  # another merchant's shop, or one outside a staff member's scope
        items = today_list(merchant, staff, shop_ids=None if shop is None else [shop])
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
    item_keys = serializers.ListField(
        child=serializers.CharField(max_length=80),
        max_length=len(TodaySource.values) * 10,
        required=False,
        default=list,
        help_text="Or every item of the customer's entry: one contact closes them all.",
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
