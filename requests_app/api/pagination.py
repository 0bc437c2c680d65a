from rest_framework.pagination import PageNumberPagination

from ..pagination import IdPaginator


class Pagination(PageNumberPagination):
    """25 rows a page; clients may ask for up to 100 with `page_size`."""

    django_paginator_class = IdPaginator
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
