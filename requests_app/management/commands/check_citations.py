from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from requests_app.models import Citation, SourceArticle
from requests_app.text.quotes import quote_in_text


class Command(BaseCommand):
    help = "Report every citation whose quote does not occur in its article; fail if any."

    def handle(self, *args, **options) -> None:
        articles = SourceArticle.objects.only("pk", "title", "body").prefetch_related(
            Prefetch("citations", Citation.objects.only("pk", "source_id", "quote"))
        )
        total = articles.count()
        checked, missing = 0, []
        for number, article in enumerate(articles.iterator(chunk_size=200), start=1):
            for citation in article.citations.all():
                checked += 1
                if not quote_in_text(citation.quote, article.body):
                    missing.append(citation)
                    self.stdout.write(
                        f"Citation {citation.pk} in “{article.title}”: quote not found: "
                        f"“{citation.quote}”"
                    )
            if number % 1000 == 0 or number == total:
                self.stderr.write(f"  {number}/{total} articles checked")
        if missing:
            raise CommandError(
                f"{len(missing)} of {checked} citations quote text that is not in their article."
            )
        self.stdout.write(self.style.SUCCESS(f"All {checked} citations found in their articles."))
