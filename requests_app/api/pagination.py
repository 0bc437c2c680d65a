import functools

from rest_framework.pagination import PageNumberPagination

from ..pagination import IdPaginator


class PlainPagination(PageNumberPagination):
    """25 rows a page; clients may ask for up to 100 with `page_size`."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class Pagination(PlainPagination):
    """Pages of a model's rows, found by id first (see IdPaginator)."""

    def paginate_queryset(self, queryset, request, view=None):
        # The page's rows are loaded from the view's queryset, without its filters again.
        rows = view.get_queryset() if view is not None else queryset
        self.django_paginator_class = functools.partial(IdPaginator, rows=rows)
        return super().paginate_queryset(queryset, request, view)
