"""Pages that stay cheap deep into a large list."""

from django.core.paginator import Paginator


class IdPaginator(Paginator):
    """Finds a page's ids on the bare table first, then loads only those rows with everything
    they join and prefetch: an OFFSET far into the list skips index entries, not joined rows.

    `rows` is the unfiltered queryset the rows are loaded from, so that a costly filter (a
    search) runs to count and to find the ids, not a third time to load them.
    """

    def __init__(self, object_list, per_page, *args, rows=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = object_list if rows is None else rows

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        page_ids = self.object_list.prefetch_related(None).values_list("pk", flat=True)
        ids = list(page_ids[bottom : bottom + self.per_page])
        rows = {row.pk: row for row in self.rows.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
