"""OpenAPI: every operation documents the error responses it can give, in the one error shape.

- Every operation may answer 429 (throttles) and 503 (`service_unavailable`: the database or
  Redis is away, core/errors.py), besides what its method and permissions imply.
- A view lists the domain errors it can raise in `errors` (a tuple, or a dict from action or
  method to a tuple, "*" for all): each status is declared with the codes that give it.
- An operation that takes an `Idempotency-Key` also declares 422 `idempotency_key_reused`.
- A list paged by cursor also declares 400 `invalid_cursor`.
- Public operations (every permission AllowAny) carry no security requirement.
- Path parameters that can only be digits are integers.
"""

import re
from collections import defaultdict

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

from .coords import COORD_TYPE_PARAMETER
from .errors import DomainError, ServiceUnavailable
from .idempotency import HEADER, IdempotencyKeyMissing, IdempotencyKeyReused
from .pagination import CursorPagination, InvalidCursor
from .serializers import BIGINT_MAX, ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "输入有误 (code `invalid` or a domain code)",
    "401": "未登录或令牌无效 (`not_authenticated`, `token_not_valid`)",
    "403": "无权限 (`permission_denied`)",
    "404": "未找到 (`not_found`)",
    "409": "与对象当前状态冲突 (a domain code)",
    "415": "请求体格式不支持 (`unsupported_media_type`)",
    "429": "请求过于频繁 (`throttled`)",
    "503": "服务暂时不可用，请稍后重试，见 Retry-After (`service_unavailable`)",
}
DIGITS = re.compile(r"^\^?(\\d|\[0-9\])(\+|\{1,\d+\})\$?$")
ID_NAME = re.compile(r"^(id|pk|.+_id|.+_pk)$")


def error_response(description: str) -> OpenApiResponse:
    """An error an operation gives beyond the ones AutoSchema adds, e.g. 401 on a login."""
    return OpenApiResponse(ErrorSerializer, description=description)


def errors_description(errors) -> str:
    return "; ".join(f"`{error.code}`: {error.message}" for error in errors)


class AutoSchema(BaseAutoSchema):
    def get_serializer_name(self, serializer, direction):
        """Views nest `InputSerializer`/`OutputSerializer` (HackSoft style): name the component
        after the view, e.g. `LoginInput`, so nested serializers never collide."""
        name = super().get_serializer_name(serializer, direction)
        outer, _, inner = type(serializer).__qualname__.rpartition(".")
        if outer and inner in ("InputSerializer", "OutputSerializer", "FilterSerializer"):
            return outer.removesuffix("View").removesuffix("ViewSet") + name
        return name

    def get_override_parameters(self):
        """A view with core.coords.CoordTypeMixin takes `coord_type` on every operation that
        reads or writes coordinates."""
        parameters = super().get_override_parameters()
        if getattr(self.view, "takes_coord_type", False) and self.method != "DELETE":
            parameters = [*parameters, COORD_TYPE_PARAMETER]
        return parameters

    def map_parsers(self):
        """Request bodies are documented as JSON, the API's encoding; an upload view, whose
        parsers exclude JSON, documents multipart. Form encodings stay accepted as a
        convenience for htmx pages, undocumented: a form body cannot be "not an object", so a
        schema promising them would promise to refuse what no form can express."""
        media_types = super().map_parsers()
        return [m for m in media_types if m == "application/json"] or media_types

    def is_public(self) -> bool:
        return all(isinstance(p, AllowAny) for p in self.view.get_permissions())

    def get_auth(self):
        """A public operation needs no login: no security requirement, so a generated client
        calls it without credentials (a signed-in caller may still send its token)."""
        if self.is_public():
            super().get_auth()  # registers the schemes in components all the same
            return []
        return super().get_auth()

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("type") != "string" or schema.get("format"):
                continue
            pattern = schema.get("pattern")
            if (pattern and DIGITS.match(pattern)) or (
                not pattern and ID_NAME.match(parameter["name"])
            ):
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters

    def _get_pagination_parameters(self):
        """Only a GET reads a page: a write answering a list (the slots it opened) takes no
        `cursor` or `limit`."""
        return super()._get_pagination_parameters() if self.method == "GET" else []

    def takes_idempotency_key(self) -> bool:
        return any(
            getattr(parameter, "name", None) == HEADER
            for parameter in self.get_override_parameters()
        )

    def domain_errors(self) -> list[type[DomainError]]:
        declared = getattr(self.view, "errors", None) or ()
        if isinstance(declared, dict):
            action = getattr(self.view, "action", None) or self.method.lower()
            declared = (*declared.get(action, ()), *declared.get("*", ()))
        errors = list(declared)
        pagination = getattr(self.view, "pagination_class", None)
        if (
            self.method == "GET"
            and isinstance(pagination, type)
            and issubclass(pagination, CursorPagination)
            and self._is_list_view()
            and InvalidCursor not in errors
        ):
            errors.append(InvalidCursor)  # a cursor the server did not make
        if self.takes_idempotency_key():
            errors += [IdempotencyKeyMissing, IdempotencyKeyReused]
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        by_status = defaultdict(list)
        for error in self.domain_errors():
            by_status[str(error.status_code)].append(error)
        for code, errors in sorted(by_status.items()):
            text = errors_description(errors)
            if code in responses:
                if "description" in responses[code] and text not in responses[code]["description"]:
                    responses[code]["description"] = f"{responses[code]['description']}; {text}"
                continue
            response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            response["description"] = (
                f"{ERROR_DESCRIPTIONS[code]}; {text}" if code in ERROR_DESCRIPTIONS else text
            )
            responses[code] = response
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["429", str(ServiceUnavailable.status_code)]
        if self.method in ("POST", "PUT", "PATCH") or self.method == "GET":
            codes.append("400")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        if not self.is_public():
            codes += ["401", "403"]
        elif self.view.get_authenticators():  # a public view still refuses a bad token
            codes.append("401")
        # A view that finds its object from the body or the query (a shop id, a scanned code, the
        # merchant's program) says so with `finds_objects = True`.
        if "{" in self.path or getattr(self.view, "finds_objects", False):
            codes.append("404")
        # A write to an existing object can meet it in a state that refuses the change (an
        # order already consumed, a campaign already ended, a limit already reached).
        if "{" in self.path and self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("409")
        return sorted(codes)


# --- bounds in the schema (core.serializers' bounded fields) -----------------------------------


class BoundedDateScheme(OpenApiSerializerFieldExtension):
    """JSON Schema has no bounds for dates: carried as x-minimum / x-maximum."""

    target_class = "core.serializers.BoundedDateField"
    match_subclasses = True
    schema_format = "date"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "format": self.schema_format,
            "x-minimum": self.target.earliest.isoformat(),
            "x-maximum": self.target.latest.isoformat(),
        }


class BoundedDateTimeScheme(BoundedDateScheme):
    target_class = "core.serializers.BoundedDateTimeField"
    schema_format = "date-time"


class PrimaryKeyScheme(OpenApiSerializerFieldExtension):
    """A related row's id: 1 .. 2^63-1 (every model has a BigAutoField key); a larger number
    is simply a row that does not exist (400 naming the field)."""

    target_class = "rest_framework.relations.PrimaryKeyRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if schema.get("type") == "integer":
            schema.setdefault("minimum", 1)
            schema.setdefault("maximum", BIGINT_MAX)
        return schema


def bound_id_parameters(result, generator, request, public):
    """POSTPROCESSING_HOOKS: every integer path or query parameter is a row id (`{id}`,
    `?shop=`) or the page size, whose bounds the pagination sets: 1 .. 2^63-1 unless stated."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if schema.get("type") == "integer":
                    schema.setdefault("minimum", 1)
                    schema.setdefault("maximum", BIGINT_MAX)
    return result
