from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from governance.pagination import EstimatingPaginator


class Pagination(PageNumberPagination):
    django_paginator_class = EstimatingPaginator
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = self.page.paginator.is_estimate
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {"type": "boolean"}
        schema["required"] = ["count", "results"]
        return schema
