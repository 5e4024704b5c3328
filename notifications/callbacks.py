"""What SMS gateways POST back: status reports (receipts) and replies, at
/api/v1/sms/callbacks/<gateway>/<report|reply>/<SMS_CALLBACK_TOKEN>/ (the gateways sign
nothing, so the path carries a secret); and the unsubscribe link of marketing SMS."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .backends import SMS_GATEWAYS
from .marketing import (
    marketing_opt_out,
    sms_receipts_record,
    sms_replies_record,
    unsubscribe_phone,
)
from .models import ConsentSource


class AckSerializer(serializers.Serializer):
    code = serializers.IntegerField(required=False, help_text="Aliyun: 0")
    msg = serializers.CharField(required=False)
    result = serializers.IntegerField(required=False, help_text="Tencent Cloud: 0")
    errmsg = serializers.CharField(required=False)


class SmsCallbackView(APIView):
    """A gateway's status reports (`report`) or replies (`reply`), as it documents them: Aliyun
    SmsReport / SmsUp, Tencent Cloud 状态回执 / 回复回调. Answers what the gateway expects."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []  # the gateways' servers, not clients

    @extend_schema(request=None, responses=AckSerializer, tags=["gateway callbacks"])
    def post(self, request, gateway: str, kind: str, token: str):
        expected = settings.SMS_CALLBACK_TOKEN
        known = gateway in SMS_GATEWAYS and kind in ("report", "reply")
        if not (known and expected and constant_time_compare(token, expected)):
            raise Http404
        backend = import_string(SMS_GATEWAYS[gateway])()
        if kind == "report":
            sms_receipts_record(receipts=backend.receipts_from(request.data))
        else:
            sms_replies_record(gateway=gateway, replies=backend.replies_from(request.data))
        return Response(backend.callback_ack)


def unsubscribe(request, token: str):
    """The link in a marketing SMS: a page that asks, then opts the phone out (a GET changes
    nothing, so link previews cannot unsubscribe anyone)."""
    phone = unsubscribe_phone(token)
    if phone is None:
        raise Http404
    done = False
    if request.method == "POST":
        marketing_opt_out(phone=phone, source=ConsentSource.LINK, detail="link")
        done = True
    masked = f"{phone[:-8]}****{phone[-4:]}"
    return render(request, "notifications/unsubscribe.html", {"phone": masked, "done": done})
