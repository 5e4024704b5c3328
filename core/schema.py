"""OpenAPI: every operation documents the error responses it can give, in the one error shape."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

from .coords import COORD_TYPE_PARAMETER
from .serializers import BIGINT_MAX, ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "输入有误 (code `invalid` or a domain code)",
    "401": "未登录或令牌无效 (`not_authenticated`, `token_not_valid`)",
    "403": "无权限 (`permission_denied`)",
    "404": "未找到 (`not_found`)",
    "409": "与对象当前状态冲突 (a domain code, e.g. `invalid_transition`, `claim_limit_reached`)",
    "415": "请求体格式不支持 (`unsupported_media_type`)",
    "429": "请求过于频繁 (`throttled`)",
}


def error_response(description: str) -> OpenApiResponse:
    """An error an operation gives beyond the ones AutoSchema adds, e.g. 401 on a login."""
    return OpenApiResponse(ErrorSerializer, description=description)


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

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["429"]
        if self.method in ("POST", "PUT", "PATCH") or self.method == "GET":
            codes.append("400")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
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
