"""Idempotent writes: a retried request with the same `Idempotency-Key` gets the first answer.

Counter operations (redeem a coupon, spend on a card, top up) and payments take the header. The
key is claimed by inserting a row under a unique constraint in the same transaction as the work:
a concurrent request with the same key waits on that insert, then finds the committed answer and
replays it. If the work fails, the claim rolls back with it and a retry runs afresh. Reusing a key
for a different request body is refused (422 `idempotency_key_reused`), as Stripe does.
"""

import hashlib
import re
from collections.abc import Callable

import orjson
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from .errors import DomainError
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{8,100}")

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="8-100 characters [A-Za-z0-9_.:-], e.g. a UUID made by the client per attempt "
    "of one operation. A retry with the same key replays the first answer "
    "(header `Idempotent-Replayed: true`).",
)


class IdempotencyKeyMissing(DomainError):
    code = "idempotency_key_required"
    message = _("请在请求头 Idempotency-Key 中提供 8-100 位的唯一请求编号。")


class IdempotencyKeyReused(DomainError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"
    message = _("该 Idempotency-Key 已用于另一个不同的请求。")


def request_fingerprint(request: Request) -> str:
    body = orjson.dumps(request.data, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(request.path.encode() + b"\n" + body).hexdigest()


def idempotent(
    request: Request, *, scope: str, perform: Callable[[], tuple[int, dict]]
) -> Response:
    """Run `perform` once per (user, scope, key); it returns (status, body) and may raise.

    `perform` runs inside this function's transaction, so its writes and the stored answer
    commit together or not at all.
    """
    key = request.headers.get(HEADER, "")
    status_code, body, replayed = idempotent_run(
        user=request.user,
        scope=scope,
        key=key,
        fingerprint=request_fingerprint(request),
        perform=perform,
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(body, status=status_code, headers=headers)


def idempotent_run(
    *, user, scope: str, key: str, fingerprint: str, perform: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """The rule behind `idempotent`, for callers other than DRF views (the dashboard's
    counter forms): (status, body, replayed)."""
    if not KEY_PATTERN.fullmatch(key):
        raise IdempotencyKeyMissing(fields={HEADER: [str(IdempotencyKeyMissing.message)]})
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, scope=scope, key=key, request_hash=fingerprint
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
            if record.request_hash != fingerprint:
                raise IdempotencyKeyReused(
                    fields={HEADER: [str(IdempotencyKeyReused.message)]}
                ) from None
            return record.status_code, record.body, True
        status_code, body = perform()
        record.status_code, record.body = status_code, body
        record.save(update_fields=["status_code", "body"])
    return status_code, body, False
