"""Domain errors and the one handler that renders every API error as {code, detail, fields}."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from .faults import RETRY_AFTER_SECONDS, is_unavailable, unavailable_noted


class DomainError(Exception):
    """A business rule said no. Subclasses set a stable `code`, an HTTP status and a message."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code: str = "invalid"
    message: Any = _("请求无效。")

    def __init__(self, detail: Any = None, *, fields: dict[str, list[str]] | None = None):
        self.detail = detail if detail is not None else self.message
        self.fields = fields or {}
        super().__init__(str(self.detail))


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
    message = _("未找到。")


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"
    message = _("与当前状态冲突。")


class ServiceUnavailable(DomainError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "service_unavailable"
    message = _("服务暂时不可用，请稍后重试。")


def error_body(code: str, detail: Any, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "detail": str(detail), "fields": fields or {}}


def flatten_fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"items": [{"price": ["..."]}]} -> {"items.0.price": ["..."]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            out.update(flatten_fields(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and detail and not all(isinstance(d, str) for d in detail):
        out = {}
        for index, value in enumerate(detail):
            out.update(flatten_fields(value, f"{prefix}.{index}" if prefix else str(index)))
        return out
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(m) for m in messages]}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if is_unavailable(exc):
        unavailable_noted(exc)
        body = error_body(ServiceUnavailable.code, ServiceUnavailable.message)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return Response(body, status=ServiceUnavailable.status_code, headers=headers)
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.detail, exc.fields), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django logs it and answers 500

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", _("输入有误，请检查标出的字段。"), flatten_fields(exc.detail))
    elif isinstance(exc.detail, dict):  # simplejwt: {"detail", "code", "messages"}
        body = error_body(str(exc.detail.get("code", exc.default_code)), exc.detail.get("detail"))
    else:
        body = error_body(str(exc.get_codes()), exc.detail)
    return Response(body, status=exc.status_code, headers=headers)
