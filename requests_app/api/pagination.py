import functools

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ..pagination import BadCursor, IdPaginator


class PlainPagination(PageNumberPagination):
    """25 rows a page; clients may ask for up to 100 with `page_size`."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class Pagination(PlainPagination):
    """Pages of a model's rows, found by id first (see IdPaginator): numbered with `page`, or
    read with `cursor` (empty for the first page, then the one each `next` link carries), whose
    cost is the same at any depth. `count` is exact up to 10,000 rows and estimated beyond,
    which `count_is_estimate` says."""

    cursor_query_param = "cursor"
    # Loads the page's rows; the fast read path (api/reads.py) uses one that gives their ids.
    paginator_class = IdPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # The page's rows are loaded from the view's queryset, without its filters again.
        rows = view.get_queryset() if view is not None else queryset
        paginator_class = functools.partial(self.paginator_class, rows=rows, request=request)
        if self.cursor_query_param not in request.query_params:
            self.django_paginator_class = paginator_class
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        paginator = paginator_class(queryset, self.get_page_size(request))
        try:
            self.page = paginator.cursor_page(request.query_params[self.cursor_query_param])
        except BadCursor as error:
            raise ValidationError({self.cursor_query_param: [str(error)]}) from error
        return list(self.page)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_estimate": self.page.paginator.count_is_estimate,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_is_estimate": {
                "type": "boolean",
                "example": False,
                "description": "True when `count` is PostgreSQL's estimate (over 10,000 rows).",
            },
            **{k: v for k, v in response["properties"].items() if k != "count"},
        }
        response["required"] = [*response.get("required", []), "count_is_estimate"]
        return response

    def _cursor_link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self):
        if not getattr(self.page, "is_keyset", False):
            return super().get_next_link()
        return self._cursor_link(self.page.next_cursor)

    def get_previous_link(self):
        if not getattr(self.page, "is_keyset", False):
            return super().get_previous_link()
        return self._cursor_link(self.page.previous_cursor)

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Read the list by cursor: empty for the first page, then the "
                "value in each `next` or `previous` link. The cost of a page does not grow "
                "with its depth.",
                "schema": {"type": "string"},
            },
        ]
