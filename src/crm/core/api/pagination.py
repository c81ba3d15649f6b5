from rest_framework.pagination import PageNumberPagination as BasePagination
from rest_framework.response import Response

from crm.core.pagination import CappedPaginator, ListPaginator


class PageNumberPagination(BasePagination):
    """API.md lists: ?page=, ?page_size= (max 200); {count, next, previous, results}."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


class CappedPageNumberPagination(PageNumberPagination):
    """For big tables: `count` stops at the cap (10,000) and `count_capped` says it did."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.is_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"True when there are more than {self.django_paginator_class.cap} records; "
            "`next` still leads on while records follow.",
        }
        result["required"] = [*result.get("required", []), "count_capped"]
        return result


class ListPagination(CappedPageNumberPagination):
    """`count` stops at 1,000 (`count_capped`); `next` goes on while rows follow, to row 10,000."""

    django_paginator_class = ListPaginator
