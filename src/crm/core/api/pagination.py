from rest_framework.pagination import PageNumberPagination as BasePagination


class PageNumberPagination(BasePagination):
    """API.md lists: ?page=, ?page_size= (max 200); {count, next, previous, results}."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
