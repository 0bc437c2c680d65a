import textwrap
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from requests_app import services
from requests_app.models import Actor, SourceArticle
from requests_app.models.dates import parse_partial_date
from requests_app.services.articles import DuplicateArticle, actors_named, article_with_url
from requests_app.text import intake, names


def line_numbers(text: str) -> frozenset[int]:
    """'3,7 12' as {3, 7, 12}."""
    try:
        return frozenset(int(n) for n in text.replace(",", " ").split())
    except ValueError as error:
        raise CommandError(f"Line numbers are whole numbers: “{text}”.") from error


class Command(BaseCommand):
    help = (
        "Create a source article from a page's text as copied from the browser. Lines recognised "
        "as site furniture are removed and listed; the byline and the dateline give the author "
        "and the date. With --dry-run, nothing is saved: the preview shows the article as it "
        "would be stored, every line removed, and the actors and items it names."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The article's text, as copied from the page.")
        parser.add_argument(
            "--publisher",
            default="",
            help="The outlet: slug, name or alias of an actor; a name no actor has creates a "
            "media outlet of that name.",
        )
        parser.add_argument("--url", default="", help="Where the article was published.")
        parser.add_argument(
            "--published-on",
            default="",
            help="YYYY-MM-DD, or YYYY-MM / YYYY if that is all; by default the page's dateline.",
        )
        parser.add_argument("--title", default="", help="The headline, if not the page's.")
        parser.add_argument("--author", default="", help="The author, if not the byline's.")
        parser.add_argument("--date-evidence", default="", help="How the date was established.")
        parser.add_argument(
            "--language",
            default="",
            help="BCP 47 code of the text ('ko', 'uk'); by default read from its script.",
        )
        parser.add_argument(
            "--keep", default="", help="Numbers of removed lines to put back: '12,14'."
        )
        parser.add_argument("--drop", default="", help="Numbers of kept lines to remove: '31 35'.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the preview; save nothing."
        )

    def handle(self, *args, file: Path, publisher: str, dry_run: bool, **options) -> None:
        try:
            raw_text = file.read_text(encoding="utf-8")
            page = intake.read_page(
                raw_text,
                title=options["title"],
                keep=line_numbers(options["keep"]),
                drop=line_numbers(options["drop"]),
            )
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        day, precision = None, "day"
        if options["published_on"]:
            try:
                day, precision = parse_partial_date(options["published_on"])
            except ValueError as error:
                raise CommandError(f"Nothing was imported. {error}") from error
        self.preview(page, publisher, options["url"], options["language"])
        if dry_run:
            self.stdout.write(
                "\nNothing was saved (--dry-run). Put removed lines back with --keep, take kept "
                "ones out with --drop (line numbers as above), then run again without --dry-run."
            )
            return
        try:
            imported = services.article_import(
                raw_text=raw_text,
                new_outlet=publisher,
                url=options["url"],
                title=options["title"],
                author=options["author"],
                published_on=day,
                published_on_precision=precision,
                date_evidence=options["date_evidence"],
                language=options["language"],
                keep=line_numbers(options["keep"]),
                drop=line_numbers(options["drop"]),
            )
        except DuplicateArticle as error:
            raise CommandError(f"Nothing was imported. {self.duplicate(error.article)}") from error
        except ValidationError as error:
            raise CommandError("Nothing was imported. " + " ".join(error.messages)) from error
        article = imported.article
        if imported.outlet_created:
            self.stdout.write(
                self.style.WARNING(
                    f"Created the media outlet “{article.publisher}” [{article.publisher.slug}]: "
                    "no actor had that name. Complete it in the admin."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Imported article {article.pk}: {article}"))

    def preview(self, page: intake.Intake, publisher: str, url: str, language: str) -> None:
        """What would be stored, what was removed, and who and what the article names."""
        write = self.stdout.write
        write(f"Title:     {page.title or '(none found: give --title)'}")
        write(f"Author:    {page.author or '(no byline found)'}")
        write(f"Dateline:  {page.dateline or '(none found: give --published-on)'}")
        if page.published_on:
            write(f"Date:      {page.published_on:%Y-%m-%d}")
        write(f"Publisher: {self.publisher_outcome(publisher)}")
        write(f"Language:  {language or f'{page.language} (from its script: give --language)'}")
        if existing := article_with_url(url):
            write(self.style.ERROR(self.duplicate(existing)))
        paragraphs = page.body.split("\n\n") if page.body else []
        write(f"\nBody as it would be stored ({len(paragraphs)} paragraphs):")
        for line in page.lines:
            if line.kept:
                write(textwrap.fill(line.text, 96, initial_indent=f"{line.number:>4}  ",
                                    subsequent_indent="      "))  # fmt: skip
        write("\nLines removed (put one back with --keep N):")
        for line in page.removed_by_cleaning:
            mark = "put back" if line.kept else line.reason
            write(f"{line.number:>4}  [{mark}] {textwrap.shorten(line.text, 80)}")
        if not page.removed_by_cleaning:
            write("      (none)")
        if page.doubtful:
            write("\nLines kept that may not be article text (take one out with --drop N):")
            for line in page.doubtful:
                mark = "taken out" if not line.kept else line.reason
                write(f"{line.number:>4}  [{mark}] {textwrap.shorten(line.text, 80)}")
        found = names.mentions(page.body)
        self.report("Known actors mentioned", found.actors)
        self.report("Known items mentioned", found.items)
        write("\nNames that are not actors or items yet:")
        for candidate in found.candidates:
            write(f"  {candidate.name} ({self.where(candidate.paragraphs)})")
        if not found.candidates:
            write("  (none)")

    def report(self, heading: str, mentions: list[names.Mention]) -> None:
        self.stdout.write(f"\n{heading}:")
        for mention in mentions:
            self.stdout.write(
                f"  {mention.record} [{mention.record.slug}]: {', '.join(mention.spellings)} "
                f"({self.where(mention.paragraphs)})"
            )
        if not mentions:
            self.stdout.write("  (none)")

    @staticmethod
    def where(paragraphs: list[int]) -> str:
        return "paragraph " + ", ".join(map(str, paragraphs))

    @staticmethod
    def publisher_outcome(name: str) -> str:
        if not name:
            return "(none given: --publisher)"
        named = list(actors_named(name)[:2])
        if not named:
            return f"{name}: no actor has that name or alias; a media outlet will be created"
        if len(named) > 1 or named[0].kind != Actor.Kind.MEDIA_OUTLET:
            return f"{name}: not a single media outlet (see the error when saving)"
        return f"{named[0]} [{named[0].slug}]"

    @staticmethod
    def duplicate(article: SourceArticle) -> str:
        change = reverse("admin:requests_app_sourcearticle_change", args=[article.pk])
        return (
            f"An article with this URL is already stored: “{article.title}” (article "
            f"{article.pk}): {change} in the admin, {article.get_absolute_url()} on the site."
        )
