"""One counter entry point: `POST /api/v1/merchant/counter/scan/ {shop, code}`.

Whatever the cashier scanned (a QR payload) or typed (any case, with or without dashes) is read
by core.codes.code_read and, for a typed code, its kind found by core.codes.scan_resolve (each
app's finder), the same two steps as the counter page. The answer is a union on `kind`
(coupon, card, order): what the cashier must see, as the kind's own lookup gives it, and the
actions possible now, each with the endpoint that performs it. Unreadable or unknown codes
count toward the device's code-failure throttle (THROTTLE_COUNTER_CODE_FAILURES), shared with
the other counter calls.
"""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMerchantMember
from consumers.api.serializers import CounterOrderSerializer
from consumers.errors import OrderWrongShop
from consumers.selectors import order_for_counter
from core.codes import KINDS, InvalidCode, code_read, scan_resolve
from core.errors import NotFound
from core.serializers import IdField
from core.throttling import CodeFailuresThrottled
from coupons.api.counter import LookupSerializer, coupon_counter_view
from coupons.selectors import coupon_at_counter
from loyalty.api.counter import CounterCardSerializer, counter_view_of
from loyalty.models import CardStatus
from loyalty.services import card_at_counter
from merchants.errors import NotAMerchant
from merchants.models import StaffPermission
from merchants.selectors import shop_for_edit

TAGS = ["merchant: counter"]


class ScanInputSerializer(serializers.Serializer):
    shop = IdField(help_text="The cashier's shop")
    code = serializers.CharField(
        max_length=200,
        help_text="A scanned QR payload (O2O:C|M|O:...) or a typed code, any case, dashes "
        "and spaces optional.",
    )


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="redeem, purchase, top_up or consume")
    method = serializers.CharField()
    path = serializers.CharField(
        help_text="The endpoint that performs it (send an Idempotency-Key)"
    )
    body = serializers.DictField(help_text="The fields it needs that the scan already knows")


def scan_output(kind: str, name: str, detail) -> type[serializers.Serializer]:
    return type(
        f"Scan{kind.title()}Serializer",
        (serializers.Serializer,),
        {
            "kind": serializers.ChoiceField(choices=[kind]),
            name: detail,
            "actions": ActionSerializer(many=True, help_text="What the cashier may do now"),
            "__module__": __name__,
        },
    )


ScanCouponSerializer = scan_output("coupon", "coupon", LookupSerializer())
ScanCardSerializer = scan_output("card", "card", CounterCardSerializer())
ScanOrderSerializer = scan_output("order", "order", CounterOrderSerializer())

SCAN_ANSWER = PolymorphicProxySerializer(
    component_name="CounterScan",
    serializers={
        "coupon": ScanCouponSerializer,
        "card": ScanCardSerializer,
        "order": ScanOrderSerializer,
    },
    resource_type_field_name="kind",
)


def action(name: str, method: str, path: str, **body) -> dict:
    return {"action": name, "method": method, "path": path, "body": body}


def coupon_answer(request, shop, value: str) -> dict:
    check = coupon_at_counter(shop=shop, code=value)
    view = coupon_counter_view(check)
    actions = []
    if check.usable:
        body = {"shop": shop.pk, "code": check.coupon.code}
        actions.append(action("redeem", "POST", "/api/v1/merchant/redemptions/", **body))
    return {"kind": "coupon", "coupon": view, "actions": actions}


def card_answer(request, shop, value: str) -> dict:
    card = card_at_counter(shop=shop, code=value)
    view = counter_view_of(card, shop)
    actions = []
    if card.status == CardStatus.ACTIVE and view["valid_here"]:
        body = {"shop": shop.pk, "code": card.number}
        actions.append(action("purchase", "POST", "/api/v1/merchant/counter/purchases/", **body))
        if card.program.top_up_enabled:
            actions.append(action("top_up", "POST", "/api/v1/merchant/counter/top-ups/", **body))
    return {"kind": "card", "card": view, "actions": actions}


def order_answer(request, shop, value: str) -> dict:
    order = order_for_counter(user=request.user, code=value, shop_id=shop.pk)
    view = CounterOrderSerializer(order, context={"request": request}).data
    actions = []
    if view["can_consume"]:
        body = {"shop": shop.pk, "code": order.code}
        actions.append(action("consume", "POST", "/api/v1/merchant/orders/consume/", **body))
    return {"kind": "order", "order": view, "actions": actions}


ANSWERS = {"C": coupon_answer, "M": card_answer, "O": order_answer}
assert set(ANSWERS) == set(KINDS)


class CounterScanView(CodeFailuresThrottled, APIView):
    permission_classes = [IsMerchantMember]
    finds_objects = True
    errors = (
        InvalidCode,
        NotFound,
        OrderWrongShop,
        NotAMerchant,
    )

    @extend_schema(
        tags=TAGS,
        summary="Counter: what a scanned or typed code is, and what can be done with it",
        description="A POST although it changes nothing: codes are bearer credentials and stay "
        "out of URLs and logs. The answer's `kind` (coupon, card, order) says which shape "
        "follows; `actions` name the endpoint of each step possible now.",
        request=ScanInputSerializer,
        responses=SCAN_ANSWER,
    )
    def post(self, request):
        data = ScanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        scan = code_read(fields["code"])
        shop = shop_for_edit(
            user=request.user, shop_id=fields["shop"], permission=StaffPermission.REDEEM
        )
        scan = scan_resolve(user=request.user, shop=shop, scan=scan)
        return Response(ANSWERS[scan.kind](request, shop, scan.value))
