from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination as BaseCursorPagination

from .errors import DomainError


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    message = _("翻页游标无效，请从第一页重新加载。")


class CursorPagination(BaseCursorPagination):
    """Keyset pagination: pages stay cheap however deep a client scrolls."""

    ordering = "-pk"
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def get_page_size(self, request) -> int:
        """`limit` must be a positive integer; above the maximum it is capped."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: ["须为正整数。"]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["schema"]["maximum"] = self.max_page_size  # more is capped to it
                parameter["description"] = (
                    f"每页条数，默认 {self.page_size}，最多 {self.max_page_size}。"
                )
        return parameters

    def decode_cursor(self, request):
        """A malformed cursor is a bad parameter (400), not a missing page (DRF says 404)."""
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            message = str(InvalidCursor.message)
            raise InvalidCursor(fields={self.cursor_query_param: [message]}) from error
