from rest_framework.pagination import CursorPagination as BaseCursorPagination


class CursorPagination(BaseCursorPagination):
    """Keyset pagination: pages stay cheap however deep a client scrolls."""

    ordering = "-pk"
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100
