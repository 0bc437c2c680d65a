"""Amounts and quantities as their sources state them: money in its original currency with
any qualifier, counts in the source's words with a range."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

currency_code = RegexValidator(r"^[A-Z]{3}$", "Use an ISO 4217 code in capitals, e.g. KRW or USD.")


class Qualifier(models.TextChoices):
    """How a source states an amount: "approximately $377 million", "up to 1.5 billion won"."""

    EXACT = "exact", "Exactly"
    APPROXIMATELY = "approximately", "Approximately"
    MORE_THAN = "more_than", "More than"
    UP_TO = "up_to", "Up to"


# Large amounts read as a newsroom writes them: "520 billion", "1.5 billion".
SCALES = [(10**12, "trillion"), (10**9, "billion"), (10**6, "million")]


def format_amount(amount, currency: str, qualifier: str = Qualifier.EXACT) -> str:
    """'up to 1.5 billion KRW': the amount in its original currency, as the source states it;
    in millions, billions or trillions when that is exact to two decimals, in full otherwise."""
    if amount is None:
        return ""
    number = f"{amount:,.2f}".removesuffix(".00")
    for size, word in SCALES:
        if amount >= size and amount * 100 % size == 0:
            scaled = f"{Decimal(amount) / size:,.2f}".rstrip("0").rstrip(".")
            number = f"{scaled} {word}"
            break
    words = "" if qualifier == Qualifier.EXACT else f"{Qualifier(qualifier).label.lower()} "
    return f"{words}{number} {currency}".strip()


class VagueQuantity(models.Model):
    """How many, as the source says it: an exact figure, or words with a range where one can
    be given ("hundreds of thousands": 200,000 to 999,999)."""

    quantity = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="How many, if the source gives an exact figure."
    )
    quantity_text = models.CharField(
        max_length=200,
        blank=True,
        help_text="How many, in the source's words: 'hundreds of thousands', 'more than 100'.",
    )
    quantity_min = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The fewest the words allow; the figure if exact."
    )
    quantity_max = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The most the words allow; the figure if exact."
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.quantity is not None:
            # An exact figure is its own range.
            self.quantity_min = (
                self.quantity_min if self.quantity_min is not None else self.quantity
            )
            self.quantity_max = (
                self.quantity_max if self.quantity_max is not None else self.quantity
            )
        if None not in (self.quantity_min, self.quantity_max) and (
            self.quantity_min > self.quantity_max
        ):
            raise ValidationError({"quantity_min": "The fewest cannot be more than the most."})

    @property
    def quantity_display(self) -> str:
        """The source's words, or the figure: 'hundreds of thousands', '1,000'."""
        if self.quantity_text:
            return self.quantity_text
        return f"{self.quantity:,}" if self.quantity is not None else ""


def quantity_constraints(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(quantity_min__isnull=True)
            | Q(quantity_max__isnull=True)
            | Q(quantity_min__lte=F("quantity_max")),
            name=f"{prefix}_quantity_min_not_above_max",
            violation_error_message="The fewest cannot be more than the most.",
        ),
        models.CheckConstraint(
            condition=Q(quantity__isnull=True)
            | Q(quantity_min=F("quantity"), quantity_max=F("quantity")),
            name=f"{prefix}_exact_quantity_is_its_range",
            violation_error_message="An exact quantity is its own fewest and most.",
        ),
    ]
