from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .actors import Actor
from .amounts import (
    Qualifier,
    VagueQuantity,
    currency_code,
    format_amount,
    quantity_constraints,
)
from .base import (
    Disputable,
    FactQuerySet,
    Reported,
    Reviewable,
    SearchDocumentField,
    SluggedModel,
    one_of,
    review_constraints,
    words_matching,
)
from .context import PolicyStance
from .dates import elapsed, format_partial_date, precision_constraint, precision_field
from .items import Item


class AidRequestQuerySet(FactQuerySet):
    # More words than this in a search add cost, not precision.
    MAX_SEARCH_TERMS = 8
    # A word matches at most this many actors or items: a word in every name narrows nothing,
    # and listing them all would cost more than the search.
    MAX_MATCHES = 500

    def search(self, text: str):
        """Requests matching every word of `text` in their title or summary, in the quotes of
        their citations (and their answers' citations) or the quotes' translations, or in the
        name or any alias of their requester, addressee, voice or item.

        Matching actors and items are looked up first, so that each word becomes a few
        conditions on indexed columns that PostgreSQL combines from its indexes; the words of a
        request and of its quotes are read from its stored, indexed document (see
        `words_matching` and `triggers.search_document_triggers`).
        """
        queryset = self
        most = self.MAX_MATCHES
        for term in text.split()[: self.MAX_SEARCH_TERMS]:
            actors = list(Actor.objects.matching(term).values_list("pk", flat=True)[:most])
            items = list(Item.objects.matching(term).values_list("pk", flat=True)[:most])
            queryset = queryset.filter(
                words_matching(term, self._containing)
                | one_of("requester", actors)
                | one_of("addressee", actors)
                | one_of("voiced_by", actors)
                | one_of("item", items)
            )
        return queryset

    def _containing(self, text: str) -> Q:
        """Requests with `text` inside their title or summary, or inside a quote (or its
        translation) of theirs or of their answers, ignoring case."""
        quotes = self.model.citations.rel.related_model.objects.filter(
            Q(quote__icontains=text) | Q(quote_translation__icontains=text)
        )
        return (
            Q(title__icontains=text)
            | Q(summary__icontains=text)
            | Exists(quotes.filter(request=OuterRef("pk")))
            | Exists(quotes.filter(response__request=OuterRef("pk")))
        )

    def contested(self, day=None):
        """Requests that are disputed, or whose answers are; as reported by `day`, if given."""
        return self.filter(
            Q(pk__in=AidRequest.objects.disputed_ids(day))
            | Q(pk__in=AidResponse.objects.disputed(day).values("request"))
        )

    def with_reports(self, day=None):
        """Load each request's citations and responses, with theirs, in a fixed number of
        queries; only what sources had reported by `day`, if given."""
        responses = AidResponse.objects.select_related(
            "responder", "voiced_by", "stance__trigger"
        ).with_citations(day)
        conflicting = AidResponse.objects.all()
        if day is not None:
            responses, conflicting = responses.known_on(day), conflicting.known_on(day)
        responses = responses.prefetch_related(Prefetch("conflicts_with", conflicting))
        return self.with_citations(day).prefetch_related(Prefetch("responses", responses))

    def for_listing(self):
        """Everything a list row shows, loaded in one query whatever the number of rows;
        without the search document, which no page shows (on PostgreSQL, the request's words
        and its quotes': reading it made a page of 25 requests ~10 % slower)."""
        return self.select_related(
            "requester",
            "addressee",
            "voiced_by",
            "item",
            "latest_response__stance",
        ).defer("search_document")


class AidRequest(Disputable, Reported, Reviewable, VagueQuantity, SluggedModel):
    """One thing one government asked another for, as the sources report it."""

    class Status(models.TextChoices):
        # Shown as what is known, not as a decision awaited: nobody reported an answer.
        PENDING = "pending", "No answer reported"
        UNDER_CONSIDERATION = "under_consideration", "Under consideration"
        DECLINED = "declined", "Declined"
        PARTIALLY_MET = "partially_met", "Partially met"
        FULFILLED = "fulfilled", "Fulfilled"
        WITHDRAWN = "withdrawn", "Withdrawn"
        ALTERNATIVE_OFFERED = "alternative_offered", "Alternative offered"

    class Channel(models.TextChoices):
        INTERVIEW = "interview", "Interview"
        SOCIAL_MEDIA_POST = "social_media_post", "Social media post"
        OFFICIAL_VISIT = "official_visit", "Official visit"
        MEETING = "meeting", "Meeting"
        LETTER = "letter", "Letter"
        STATEMENT = "statement", "Statement"
        OTHER = "other", "Other"

    class Mode(models.TextChoices):
        AID = "aid", "As aid"
        PURCHASE = "purchase", "To buy"
        UNSPECIFIED = "unspecified", "Not specified"

    title = models.CharField(max_length=200, help_text="What was asked for, in a few words.")
    summary = models.TextField(help_text="What was asked, by whom, and in what words.")
    requester = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="requests_made",
        help_text="The government or body that asked, e.g. Ukraine.",
    )
    addressee = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="requests_received",
        help_text="Whom it asked, e.g. South Korea.",
    )
    voiced_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests_voiced",
        help_text="The person or body that made the request, e.g. an ambassador.",
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="requests")
    made_on = models.DateField(help_text="When the request was made, as precisely as reported.")
    made_on_precision = precision_field()
    channel = models.CharField(
        max_length=20, choices=Channel, help_text="How the request was made."
    )
    mode = models.CharField(
        max_length=12,
        choices=Mode,
        default=Mode.UNSPECIFIED,
        help_text="Whether the requester asked to receive it as aid or to buy it.",
    )
    status = models.CharField(
        max_length=20,
        choices=Status,
        default=Status.PENDING,
        editable=False,
        db_index=True,
        help_text="Derived from the latest response; never edited by hand.",
    )
    latest_response = models.ForeignKey(
        "AidResponse",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The response the status comes from.",
    )
    conflict_note = models.TextField(
        blank=True, help_text="Where sources report this request differently, and how."
    )
    search_document = SearchDocumentField(
        null=True, editable=False, serialize=False, help_text="Kept by the database."
    )

    objects = AidRequestQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_document", "first_reported_on"])

    class Meta:
        # The id last: rows that tie on date and title keep their place between pages.
        ordering = ["-made_on", "title", "pk"]
        verbose_name = "aid request"
        indexes = [
            # The list's order, whole and by status: pages, numbered or by cursor, come
            # straight off these indexes.
            models.Index(F("made_on").desc(), "title", "id", name="aidrequest_newest_first_id"),
            models.Index(
                "status", F("made_on").desc(), "title", "id", name="aidrequest_status_newest_id"
            ),
            # Counting a status with a category (or an item) without reading the table: the
            # list's commonest filter counts its matches from this index alone.
            models.Index("status", "item", "id", name="aidrequest_status_item_id"),
            Disputable.noted_index("aidrequest"),
        ]
        constraints = [
            *review_constraints("aidrequest"),
            *quantity_constraints("aidrequest"),
            precision_constraint("made_on", "aidrequest_made_on_precision"),
            models.CheckConstraint(
                condition=~Q(requester=F("addressee")),
                name="aidrequest_not_addressed_to_requester",
                violation_error_message="A request cannot be addressed to its own requester.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tracker:request-detail", args=[self.pk])

    def start_anew(self) -> None:
        """A new request has no answers yet: pending (a copy of an answered one would keep an
        answer of the request it was copied from; services.requests_derive owns both)."""
        self.take_status_from(None)
        super().start_anew()

    @property
    def made_on_display(self) -> str:
        return format_partial_date(self.made_on, self.made_on_precision)

    @property
    def current_stance(self) -> PolicyStance | None:
        """The policy stance the latest response rests on."""
        return self.latest_response.stance if self.latest_response else None

    @property
    def unanswered_for(self) -> str:
        """How long a request with no reported answer has waited, today: '16 months'."""
        return elapsed(self.made_on, timezone.localdate())

    def ruled_out_by(self, stances) -> "PolicyStance | None":
        """The first of the addressee's stances in force (given) that leaves no way to grant
        this request, if one does."""
        return next((stance for stance in stances if stance.rules_out(self.item)), None)

    def take_status_from(self, latest: "AidResponse | None") -> None:
        """Set the status from the latest decisive response (none: pending)."""
        self.latest_response = latest
        self.status = latest.status if latest else self.Status.PENDING


class AidResponseQuerySet(FactQuerySet):
    def disputed(self, day=None):
        """Answers that sources dispute or report differently, or that other reports
        contradict."""
        return self.filter(pk__in=self.disputed_ids(day))

    def disputed_ids(self, day=None):
        contradicted = AidResponse.conflicts_with.through.objects.order_by().values_list(
            "from_aidresponse", flat=True
        )
        return super().disputed_ids(day).union(contradicted)

    def decisive(self):
        """Responses that set a request's status, latest first: the first gives it."""
        return self.exclude(decision=AidResponse.Decision.NO_COMMENT).order_by(
            "-responded_on", "-pk"
        )


class AidResponse(Disputable, Reported, Reviewable, SluggedModel):
    """An answer or decision about a request, with the reason given and the stance behind it."""

    class Decision(models.TextChoices):
        UNDER_CONSIDERATION = "under_consideration", "Under consideration"
        DECLINED = "declined", "Declined"
        PARTIALLY_MET = "partially_met", "Partially met"
        FULFILLED = "fulfilled", "Fulfilled"
        WITHDRAWN = "withdrawn", "Withdrawn"
        ALTERNATIVE_OFFERED = "alternative_offered", "Alternative offered"
        NO_COMMENT = "no_comment", "Declined to comment"

    request = models.ForeignKey(AidRequest, on_delete=models.PROTECT, related_name="responses")
    responder = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="responses_given",
        help_text="The government or body that answered, e.g. South Korea.",
    )
    voiced_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses_voiced",
        help_text="The person or body that gave the answer, e.g. a security adviser.",
    )
    responded_on = models.DateField(help_text="When the answer was given or reported.")
    responded_on_precision = precision_field()
    decision = models.CharField(
        max_length=20,
        choices=Decision,
        help_text="'Declined to comment' is kept but leaves the request's status as it was.",
    )
    summary = models.TextField(help_text="What was answered, in a sentence or two.")
    reason = models.TextField(blank=True, help_text="The reason the responder gave.")
    stance = models.ForeignKey(
        PolicyStance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        help_text="The policy stance the answer rests on.",
    )
    conflicts_with = models.ManyToManyField(
        "self",
        blank=True,
        help_text="Other reports of the same answer that disagree with this one.",
    )
    conflict_note = models.TextField(
        blank=True, help_text="Where sources report this answer differently, and how."
    )

    objects = AidResponseQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=["conflicts_with"], excluded_fields=["first_reported_on"]
    )

    class Meta:
        ordering = ["responded_on", "pk"]
        verbose_name = "aid response"
        indexes = [
            # The latest response of a request, which gives it its status.
            models.Index(
                "request", F("responded_on").desc(), F("id").desc(), name="aidresponse_latest"
            ),
            # The latest responses of all, on the dashboard.
            models.Index(F("responded_on").desc(), F("id").desc(), name="aidresponse_newest_id"),
            Disputable.noted_index("aidresponse"),
        ]
        constraints = [
            *review_constraints("aidresponse"),
            precision_constraint("responded_on", "aidresponse_responded_on_precision"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.request} ({self.responded_on_display})"

    def get_absolute_url(self) -> str:
        return f"{self.request.get_absolute_url()}#response-{self.pk}"

    @property
    def responded_on_display(self) -> str:
        return format_partial_date(self.responded_on, self.responded_on_precision)

    @property
    def is_disputed(self) -> bool:
        return super().is_disputed or bool(self.conflicts_with.all())

    @property
    def status(self) -> str | None:
        """The request status this decision sets, or None if it leaves the status alone."""
        if self.decision == self.Decision.NO_COMMENT:
            return None
        return AidRequest.Status(self.decision)


class StatusSpanQuerySet(models.QuerySet):
    def on(self, day):
        """The spans that cover `day`: one per request known by then."""
        return self.filter(known_from__lte=day).filter(Q(known_until__gt=day) | Q(known_until=None))


class StatusSpan(models.Model):
    """Days over which a request's reported status stood: from the day an article first
    reported it (or the answer that changed it) until the next change. Derived from the
    responses and their first reports by the requests service, never edited; `as_of` views read
    a request's status on a day from here."""

    request = models.ForeignKey(AidRequest, on_delete=models.CASCADE, related_name="spans")
    status = models.CharField(max_length=20, choices=AidRequest.Status)
    known_from = models.DateField()
    known_until = models.DateField(null=True, help_text="The next change (exclusive); none yet.")

    objects = StatusSpanQuerySet.as_manager()

    class Meta:
        ordering = ["request", "known_from"]
        indexes = [
            # Requests with a status on a day (from this index alone), and a request's status
            # on a day.
            models.Index(
                "status", "known_from", "known_until", "request", name="statusspan_status_on"
            ),
            models.Index("request", "known_from", name="statusspan_request_on"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.status} from {self.known_from}"


class Contribution(Disputable, Reported, Reviewable, VagueQuantity, SluggedModel):
    """Aid actually pledged or delivered, in its original currency."""

    class Status(models.TextChoices):
        PLEDGED = "pledged", "Pledged"
        DELIVERED = "delivered", "Delivered"

    donor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="contributions_given")
    recipient = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="contributions_received"
    )
    intermediary = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions_passed_on",
        help_text="A third country the aid goes through, if any.",
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="contributions"
    )
    request = models.ForeignKey(
        AidRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        help_text="The request this answers, if a source links them.",
    )
    description = models.TextField(help_text="What was given, as the source describes it.")
    amount = models.DecimalField(
        max_digits=20, decimal_places=2, null=True, blank=True, help_text="In original currency."
    )
    currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[currency_code],
        help_text="ISO 4217 code of the amount's currency, e.g. KRW.",
    )
    amount_qualifier = models.CharField(
        max_length=13,
        choices=Qualifier,
        default=Qualifier.EXACT,
        help_text="How the source states the amount: exactly, approximately, more than, up to.",
    )
    amount_usd = models.DecimalField(
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The US dollar figure the source gives, if it gives one; never computed here.",
    )
    amount_usd_qualifier = models.CharField(
        max_length=13,
        choices=Qualifier,
        default=Qualifier.EXACT,
        help_text="How the source states the dollar figure, e.g. approximately.",
    )
    status = models.CharField(
        max_length=10, choices=Status, help_text="Whether the aid was pledged or delivered."
    )
    given_on = models.DateField(null=True, blank=True, help_text="When pledged or delivered.")
    given_on_precision = precision_field()
    conflict_note = models.TextField(
        blank=True, help_text="Where sources report this contribution differently, and how."
    )

    objects = FactQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["first_reported_on"])

    class Meta:
        ordering = ["-given_on", "pk"]
        indexes = [Disputable.noted_index("contribution")]
        constraints = [
            *review_constraints("contribution"),
            *quantity_constraints("contribution"),
            precision_constraint("given_on", "contribution_given_on_precision"),
            models.CheckConstraint(
                condition=~Q(donor=F("recipient")),
                name="contribution_not_to_donor",
                violation_error_message="A donor cannot give to itself.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount_usd__gte=0),
                name="contribution_amounts_not_negative",
                violation_error_message="Amounts cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True, currency="")
                | Q(amount__isnull=False) & ~Q(currency=""),
                name="contribution_amount_has_currency",
                violation_error_message="An amount needs its currency, and a currency an amount.",
            ),
            # "More than 300 billion won (about $230 million)" is more than $230 million too: a
            # conversion keeps the amount's qualifier, where an exact amount's may be rounded.
            models.CheckConstraint(
                condition=Q(amount_qualifier=Qualifier.EXACT)
                | Q(amount_usd__isnull=True)
                | Q(amount_usd_qualifier=F("amount_qualifier")),
                name="contribution_usd_qualifier_follows_amount",
                violation_error_message="The dollar figure of a qualified amount keeps its "
                "qualifier: 'more than' an amount is 'more than' its dollar figure.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor} → {self.recipient}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("tracker:contribution-detail", args=[self.slug])

    @property
    def amount_display(self) -> str:
        return format_amount(self.amount, self.currency, self.amount_qualifier)

    @property
    def amount_usd_display(self) -> str:
        return format_amount(self.amount_usd, "USD", self.amount_usd_qualifier)

    @property
    def given_on_display(self) -> str:
        return format_partial_date(self.given_on, self.given_on_precision)
