from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from governance.pagination import EstimatingPaginator


class Pagination(PageNumberPagination):
    """`count` never exceeds what the caller may see: exact up to 20,000, else 20,000 with
    `count_is_estimate: true` (a lower bound); `next` is null on the last page that has rows."""

    django_paginator_class = EstimatingPaginator
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = self.page.paginator.is_estimate
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {
            "type": "boolean", "description": "true: count is a lower bound (there are more rows than count)"}
        schema["required"] = ["count", "results"]
        return schema
