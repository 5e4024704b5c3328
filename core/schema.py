"""OpenAPI: every operation documents the error responses it can give, in the one error shape."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework.permissions import AllowAny

from .serializers import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "输入有误 (code `invalid` or a domain code)",
    "401": "未登录或令牌无效 (`not_authenticated`, `token_not_valid`)",
    "403": "无权限 (`permission_denied`)",
    "404": "未找到 (`not_found`)",
    "429": "请求过于频繁 (`throttled`)",
}


class AutoSchema(BaseAutoSchema):
    def get_serializer_name(self, serializer, direction):
        """Views nest `InputSerializer`/`OutputSerializer` (HackSoft style): name the component
        after the view, e.g. `LoginInput`, so nested serializers never collide."""
        name = super().get_serializer_name(serializer, direction)
        outer, _, inner = type(serializer).__qualname__.rpartition(".")
        if outer and inner in ("InputSerializer", "OutputSerializer", "FilterSerializer"):
            return outer.removesuffix("View").removesuffix("ViewSet") + name
        return name

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
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        return sorted(codes)
