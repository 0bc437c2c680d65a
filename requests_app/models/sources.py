from functools import reduce
from operator import or_
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language_info
from simple_history.models import HistoricalRecords

from ..text.quotes import divergence, quote_in_text
from .actors import Actor
from .base import SluggedModel, SlugQuerySet, TimeStampedModel
from .dates import format_partial_date, precision_constraint, precision_field


class SourceArticle(SluggedModel):
    """A news article the facts come from, with its text cleaned of site boilerplate."""

    title = models.CharField(
        max_length=300, help_text="The headline, in the article's own language."
    )
    title_translation = models.CharField(
        max_length=300,
        blank=True,
        help_text="The headline in English, for an article in another language.",
    )
    publisher = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles_published",
        limit_choices_to={"kind": Actor.Kind.MEDIA_OUTLET},
        help_text="Blank when neither the text nor its site furniture identifies the outlet.",
    )
    publisher_evidence = models.TextField(
        blank=True,
        help_text="How the publisher was identified: a byline, site furniture, a donation appeal…",
    )
    url = models.URLField(max_length=500, blank=True, help_text="Where it was published, if known.")
    author = models.CharField(max_length=200, blank=True, help_text="The byline, if any.")
    published_on = models.DateField(help_text="When it was published, as precisely as known.")
    published_on_precision = precision_field()
    date_evidence = models.TextField(
        help_text="How the publication date was established: a dateline, weekday names, "
        "'yesterday' next to a known date…"
    )
    language = models.CharField(
        max_length=12, default="en", help_text="BCP 47 code of the text, e.g. 'en', 'ko', 'uk'."
    )
    body = models.TextField(
        help_text="The article text without navigation, promos, related links or donation appeals."
    )

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = "source article"
        constraints = [
            precision_constraint("published_on", "sourcearticle_published_on_precision"),
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="sourcearticle_unique_url"
            ),
        ]

    def __str__(self) -> str:
        # Title and date only: menus of articles must not load each one's publisher.
        return f"{self.title} ({self.published_on_display})"

    def get_absolute_url(self) -> str:
        return reverse("tracker:source-detail", args=[self.pk])

    @property
    def publisher_name(self) -> str:
        """The outlet, or failing that the site of its address, or a plain 'publisher not
        recorded'."""
        if self.publisher:
            return self.publisher.name
        if self.url:
            return urlsplit(self.url).hostname.removeprefix("www.")
        return "publisher not recorded"

    @property
    def published_on_display(self) -> str:
        return format_partial_date(self.published_on, self.published_on_precision)

    @property
    def language_name(self) -> str:
        """'Korean' for 'ko' or 'ko-KR'; the code itself for one Django does not name."""
        try:
            return get_language_info(self.language)["name"]
        except KeyError:
            return self.language


class CitationQuerySet(models.QuerySet):
    def get_by_natural_key(self, source_slug: str, target_field: str, target_slug: str, quote: str):
        return self.get(
            source__slug=source_slug, quote=quote, **{f"{target_field}__slug": target_slug}
        )


QUOTE_MARKS = "\"'“”‘’«»„"

# The facts a citation can support or dispute; exactly one is set.
TARGET_FIELDS = ("request", "response", "stance", "contribution", "event", "role", "action")


class Citation(TimeStampedModel):
    """A verbatim quote from a source article that reports one fact, or disputes it."""

    TARGET_FIELDS = TARGET_FIELDS

    class Relation(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        DISPUTES = "disputes", "Disputes"

    class Translator(models.TextChoices):
        OUTLET = "outlet", "The outlet's own English edition"
        CURATOR = "curator", "The curator"
        OTHER = "other", "Another source, named"

    class Attribution(models.TextChoices):
        ON_RECORD = "on_record", "On the record"
        ANONYMOUS = "anonymous", "Anonymous sources"
        RELAYED = "relayed", "Relayed from another outlet"

    source = models.ForeignKey(SourceArticle, on_delete=models.PROTECT, related_name="citations")
    quote = models.CharField(
        max_length=600,
        help_text="Copied verbatim from the article body, in its language; whitespace, "
        "quotation marks and full-width or half-width forms may differ.",
    )
    quote_translation = models.CharField(
        max_length=1000,
        blank=True,
        help_text="The quote in English, for a quote in another language.",
    )
    translation_source = models.CharField(
        max_length=7,
        choices=Translator,
        blank=True,
        help_text="Who translated the quote: the outlet's English edition of the article, "
        "the curator, or another source named beside.",
    )
    translation_source_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a translation from another source: who made it (an outlet, an agency).",
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="How this source frames the fact, where it differs from other sources.",
    )
    relation = models.CharField(
        max_length=8,
        choices=Relation,
        default=Relation.SUPPORTS,
        help_text="Whether the quote reports the fact, or says it is false or did not happen "
        "(a minister denying a request was made).",
    )
    attribution = models.CharField(
        max_length=9,
        choices=Attribution,
        default=Attribution.ON_RECORD,
        help_text="How the source knows: from a named person or document, from unnamed "
        "officials, or by repeating another outlet's report.",
    )
    relayed_from = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_relayed",
        help_text="For a relayed report: the outlet or agency that first reported it.",
    )
    request = models.ForeignKey(
        "AidRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    response = models.ForeignKey(
        "AidResponse", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    stance = models.ForeignKey(
        "PolicyStance", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    contribution = models.ForeignKey(
        "Contribution", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    event = models.ForeignKey(
        "Event", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    role = models.ForeignKey(
        "Role", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    action = models.ForeignKey(
        "Action", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    objects = CitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "pk"]
        indexes = [
            # The few citations that dispute a fact, read by FactQuerySet.disputed_ids.
            models.Index(
                fields=["relation"], condition=Q(relation="disputes"), name="citation_disputes"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=reduce(
                    or_,
                    (
                        Q(**{f"{field}__isnull": field != chosen for field in TARGET_FIELDS})
                        for chosen in TARGET_FIELDS
                    ),
                ),
                name="citation_supports_exactly_one_fact",
                violation_error_message="A citation supports exactly one fact.",
            ),
            models.CheckConstraint(
                condition=Q(attribution="relayed", relayed_from__isnull=False)
                | ~Q(attribution="relayed") & Q(relayed_from__isnull=True),
                name="citation_relayed_names_its_outlet",
                violation_error_message="A relayed report names the outlet it relays "
                "(relayed_from), and only a relayed report does.",
            ),
            models.CheckConstraint(
                condition=Q(quote_translation="", translation_source="")
                | ~Q(quote_translation="") & ~Q(translation_source=""),
                name="citation_translation_says_who_translated",
                violation_error_message="A translation says who made it (translation_source), "
                "and only a translation does.",
            ),
            models.CheckConstraint(
                condition=Q(translation_source="other") & ~Q(translation_source_name="")
                | ~Q(translation_source="other") & Q(translation_source_name=""),
                name="citation_other_translator_named",
                violation_error_message="A translation by another source names it "
                "(translation_source_name), and only such a translation does.",
            ),
            # Partial, so that each citation has one entry in one of these indexes, not six.
            *(
                models.UniqueConstraint(
                    fields=[field, "source", "quote"],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"citation_unique_quote_per_{field}",
                )
                for field in TARGET_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"“{self.quote[:80]}”"

    @property
    def quoted(self) -> str:
        """The quote in quotation marks, unless its own words open and close with them."""
        if self.quote[:1] in QUOTE_MARKS and self.quote[-1:] in QUOTE_MARKS:
            return self.quote
        return f"“{self.quote}”"

    def get_absolute_url(self) -> str:
        return f"{self.source.get_absolute_url()}#citation-{self.pk}"

    @classmethod
    def target_field_for(cls, model) -> str:
        """The field of a citation that points to a fact of `model`."""
        return next(f for f in cls.TARGET_FIELDS if cls._meta.get_field(f).related_model is model)

    @property
    def target_field(self) -> str | None:
        return next((f for f in self.TARGET_FIELDS if getattr(self, f"{f}_id")), None)

    @property
    def target(self):
        """The fact this citation supports."""
        return getattr(self, self.target_field) if self.target_field else None

    @property
    def target_label(self) -> str:
        """'Aid request: Cheongung air defence missile systems', for a link to the fact."""
        target = self.target
        return f"{target._meta.verbose_name.capitalize()}: {target}"

    def natural_key(self) -> tuple[str, str, str, str]:
        return (self.source.slug, self.target_field, self.target.slug, self.quote)

    natural_key.dependencies = [
        "requests_app.sourcearticle",
        "requests_app.aidrequest",
        "requests_app.aidresponse",
        "requests_app.policystance",
        "requests_app.contribution",
        "requests_app.event",
        "requests_app.role",
        "requests_app.action",
    ]

    @property
    def disputes(self) -> bool:
        return self.relation == self.Relation.DISPUTES

    @property
    def attribution_display(self) -> str:
        """How the source knows, as a reader is told: 'citing Yonhap'."""
        if self.attribution == self.Attribution.RELAYED and self.relayed_from_id:
            return f"citing {self.relayed_from.name}"
        if self.attribution == self.Attribution.ANONYMOUS:
            return "according to unnamed sources"
        return ""

    @property
    def translation_credit(self) -> str:
        """Who translated the quote, as a reader is told: 'Translation: the curator'."""
        if self.translation_source == self.Translator.OTHER:
            return f"Translation: {self.translation_source_name}"
        if self.translation_source == self.Translator.OUTLET:
            return "Translation: the outlet's English edition"
        if self.translation_source == self.Translator.CURATOR:
            return "Translation: the curator"
        return ""

    def clean(self) -> None:
        super().clean()
        if self.quote_translation and not self.translation_source:
            raise ValidationError({"translation_source": "Say who translated the quote."})
        if self.translation_source and not self.quote_translation:
            raise ValidationError(
                {"quote_translation": "A translator is named only beside a translation."}
            )
        if (self.translation_source == self.Translator.OTHER) != bool(self.translation_source_name):
            raise ValidationError(
                {
                    "translation_source_name": "Name the source of the translation "
                    "when it is another source, and only then."
                }
            )
        if self.attribution == self.Attribution.RELAYED and not self.relayed_from_id:
            raise ValidationError({"relayed_from": "A relayed report names the outlet it relays."})
        if self.attribution != self.Attribution.RELAYED and self.relayed_from_id:
            raise ValidationError(
                {"relayed_from": "Only a relayed report names an outlet it relays."}
            )
        if self.source_id and self.quote and not quote_in_text(self.quote, self.source.body):
            raise ValidationError(
                {
                    "quote": f"This quote does not occur in “{self.source.title}”: "
                    f"“{self.quote}”. {divergence(self.quote, self.source.body)}"
                }
            )
