"""One page shape for every list: {"next": url|null, "next_cursor": str|null, "results": [...]}.

Lists that can grow page by cursor (CursorPagination). A small or bounded list (the taxonomy,
the RFM segments, today's work list, a KPI series) is the whole list on one page in the same
shape, through `whole_page` (APIViews) or `WholeList` (the pagination class, which also declares
the page in the schema): `{"next": null, "next_cursor": null, "results": [...]}`.

`next_cursor` is the cursor token itself, so a client can pass it back as `?cursor=` without
parsing a URL. A cursor the server did not make (malformed, or naming a position of the wrong
type) is 400 `invalid_cursor`, never a 404 or a 500.
"""

from urllib import parse

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.pagination import CursorPagination as BaseCursorPagination
from rest_framework.response import Response

from .errors import DomainError

BIGINT_MAX = 2**63 - 1


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    message = _("翻页游标无效，请从第一页重新加载。")


def page_schema(results: dict) -> dict:
    """The OpenAPI schema of one page of `results` (an array schema)."""
    return {
        "type": "object",
        "required": ["next", "next_cursor", "results"],
        "properties": {
            "next": {
                "type": "string",
                "format": "uri",
                "nullable": True,
                "description": "下一页的完整地址；最后一页为 null。",
            },
            "next_cursor": {
                "type": "string",
                "nullable": True,
                "description": "下一页的游标（作为 `cursor` 参数传回）；最后一页为 null。",
            },
            "results": results,
        },
    }


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
            raise ValidationError({self.page_size_query_param: [_("须为正整数。")]})
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
            if parameter["name"] == self.cursor_query_param:
                parameter["description"] = "上一页答复中的 `next_cursor`。"
        return parameters

    def get_paginated_response(self, data) -> Response:
        next_url = self.get_next_link()
        return Response(
            {
                "next": next_url,
                "next_cursor": cursor_of(next_url, self.cursor_query_param),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return page_schema(schema)

    def paginate_queryset(self, queryset, request, view=None):
        self._queryset = queryset
        return super().paginate_queryset(queryset, request, view)

    def _invalid(self, error: Exception | None = None) -> InvalidCursor:
        message = str(InvalidCursor.message)
        return InvalidCursor(fields={self.cursor_query_param: [message]})

    def decode_cursor(self, request):
        """A malformed cursor is a bad parameter (400), not a missing page (DRF says 404); so is
        a well-formed one whose position cannot be compared with the ordering's first field."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise self._invalid() from error
        if cursor is not None and cursor.position is not None:
            field = self._position_field()
            if field is not None:
                try:
                    value = field.to_python(cursor.position)
                except (DjangoValidationError, ValueError, TypeError) as error:
                    raise self._invalid() from error
                if isinstance(value, int) and abs(value) > BIGINT_MAX:
                    raise self._invalid()
                if field.choices and value not in {c for c, _label in field.flatchoices}:
                    raise self._invalid()  # e.g. a roster position that is no tier
        return cursor

    def _position_field(self) -> models.Field | None:
        name = self.ordering[0].lstrip("-")
        queryset = getattr(self, "_queryset", None)
        if queryset is None:
            return None
        annotation = queryset.query.annotations.get(name)
        if annotation is not None:
            return annotation.output_field
        meta = queryset.model._meta
        try:
            return meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            return None


def cursor_of(url: str | None, param: str = "cursor") -> str | None:
    """The cursor token in a page link, or None."""
    if not url:
        return None
    values = parse.parse_qs(parse.urlsplit(url).query).get(param)
    return values[0] if values else None


def whole_page(results) -> dict:
    """A bounded list in the one page shape: everything on one page, no next page."""
    return {"next": None, "next_cursor": None, "results": list(results)}


class WholeList(BasePagination):
    """The pagination class of a bounded list: one page holding the whole list. Set it as the
    view's `pagination_class` (the schema then declares the page shape) and answer
    `whole_page(...)` from an APIView; a generic list view uses it by itself."""

    def paginate_queryset(self, queryset, request, view=None):
        return list(queryset)

    def get_paginated_response(self, data) -> Response:
        return Response(whole_page(data))

    def get_paginated_response_schema(self, schema):
        return page_schema(schema)

    def get_schema_operation_parameters(self, view):
        return []
