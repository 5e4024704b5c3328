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
from dataclasses import dataclass

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


#: Fields that never reach the stored hash: a password (a card's six digits beside a known
#: card and amount would be found from it), and a form's own bookkeeping.
PASSWORDS = {"password", "card_password"}
FORM_UNHASHED = {"csrfmiddlewaretoken", "idempotency_key", *PASSWORDS}


def request_fingerprint(request: Request) -> str:
    """What an API request asked for (not its password): the path and the body."""
    data = request.data
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in PASSWORDS}
    body = orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(request.path.encode() + b"\n" + body).hexdigest()


def form_fingerprint(request) -> str:
    """What a dashboard form asked for (not its password): a key reused for another request is
    refused, as with the API's body."""
    items = sorted((k, v) for k, v in request.POST.items() if k not in FORM_UNHASHED)
    text = request.path + "\n" + "\n".join(f"{k}={v}" for k, v in items)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Once:
    """One counter request's claim to act once: who asks, the key and what was asked. Both
    fronts make one (`once_of_api` from the Idempotency-Key header, `once_of_form` from the
    form's hidden key) and hand it to the service, which checks the key before anything that
    costs (a password try) and runs its write through `run`."""

    user: object
    key: str
    fingerprint: str

    def check(self) -> None:
        """A request that cannot run is refused before it costs anything."""
        if not KEY_PATTERN.fullmatch(self.key):
            raise IdempotencyKeyMissing(fields={HEADER: [str(IdempotencyKeyMissing.message)]})

    def run(self, *, scope: str, perform: Callable[[], tuple[int, dict]]) -> tuple[int, dict, bool]:
        return idempotent_run(
            user=self.user,
            scope=scope,
            key=self.key,
            fingerprint=self.fingerprint,
            perform=perform,
        )


def once_of_api(request: Request) -> Once:
    return Once(request.user, request.headers.get(HEADER, ""), request_fingerprint(request))


def once_of_form(request, key: str) -> Once:
    return Once(request.user, key, form_fingerprint(request))


def once_response(answer: tuple[int, dict, bool]) -> Response:
    """An API answer from `Once.run`'s (status, body, replayed)."""
    status_code, body, replayed = answer
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(body, status=status_code, headers=headers)


def idempotent(
    request: Request, *, scope: str, perform: Callable[[], tuple[int, dict]]
) -> Response:
    """Run `perform` once per (user, scope, key); it returns (status, body) and may raise.

    `perform` runs inside this function's transaction, so its writes and the stored answer
    commit together or not at all.
    """
    return once_response(once_of_api(request).run(scope=scope, perform=perform))


def idempotent_run(
    *, user, scope: str, key: str, fingerprint: str, perform: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """The rule behind `idempotent`, for callers other than DRF views (the dashboard's
    counter forms): (status, body, replayed)."""
    Once(user, key, fingerprint).check()
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
