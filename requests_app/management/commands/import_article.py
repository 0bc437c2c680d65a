from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from requests_app import services
from requests_app.models import Actor
from requests_app.text import intake


class Command(BaseCommand):
    help = (
        "Create a source article from a text file: site furniture (navigation, counters, promos, "
        "related links, donation appeals, repeated headlines) is removed, and the known actors "
        "and items it mentions, by any spelling, are listed with candidates for new ones."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The article's text, as copied from the page.")
        parser.add_argument(
            "--publisher", help="The outlet: slug, name or alias of a media outlet."
        )
        parser.add_argument("--url", default="", help="Where the article was published.")
        parser.add_argument(
            "--published-on", required=True, help="YYYY-MM-DD, or YYYY-MM / YYYY if that is all."
        )
        parser.add_argument("--title", default="", help="The headline, if not the first line.")
        parser.add_argument("--date-evidence", default="", help="How the date was established.")
        parser.add_argument("--language", default="en", help="BCP 47 code of the text.")

    def handle(self, *args, file: Path, publisher: str | None, **options) -> None:
        try:
            raw_text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            article = services.article_import(
                raw_text=raw_text,
                publisher=self.find_publisher(publisher) if publisher else None,
                published_on=options["published_on"],
                url=options["url"],
                title=options["title"],
                date_evidence=options["date_evidence"],
                language=options["language"],
            )
        except (ValueError, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError("Nothing was imported. " + " ".join(messages)) from error
        found = intake.mentions(article.body)
        self.stdout.write(self.style.SUCCESS(f"Imported article {article.pk}: {article}"))
        self.stdout.write(f"  {len(article.body.split(chr(10) * 2))} paragraphs kept.")
        self.report("Known actors mentioned", found.actors)
        self.report("Known items mentioned", found.items)
        self.stdout.write("Names that are not actors or items yet:")
        for name in found.candidates or ["(none)"]:
            self.stdout.write(f"  {name}")

    def report(self, heading: str, mentions) -> None:
        self.stdout.write(f"{heading}:")
        for mention in mentions:
            self.stdout.write(
                f"  {mention.record} [{mention.record.slug}]: {', '.join(mention.spellings)}"
            )
        if not mentions:
            self.stdout.write("  (none)")

    @staticmethod
    def find_publisher(name: str) -> Actor:
        outlets = Actor.objects.filter(kind=Actor.Kind.MEDIA_OUTLET)
        match = outlets.filter(
            Q(slug=name) | Q(name__iexact=name) | Q(aliases__name__iexact=name)
        ).distinct()
        if len(match) != 1:
            known = ", ".join(outlets.values_list("slug", flat=True)) or "none yet"
            raise CommandError(
                f"No single media outlet is called “{name}”. Known outlets: {known}. "
                "Add a new one in the admin (Actors › Add, kind Media outlet)."
            )
        return match[0]
