"""Pages that stay cheap deep into a large list."""

from django.core.paginator import Paginator


class IdPaginator(Paginator):
    """Finds a page's ids on the bare table first, then loads only those rows with everything
    they join and prefetch: an OFFSET far into the list skips index entries, not joined rows."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(
            self.object_list.prefetch_related(None).values_list("pk", flat=True)[
                bottom : bottom + self.per_page
            ]
        )
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
