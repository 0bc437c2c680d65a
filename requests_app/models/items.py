from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .actors import Actor
from .amounts import Qualifier, currency_code, format_amount
from .base import NamedQuerySet, SluggedModel, TimeStampedModel


class Item(SluggedModel):
    """Something that can be asked for: a weapon system, munition, material or kind of aid."""

    class Category(models.TextChoices):
        AIR_DEFENCE = "air_defence", "Air defence"
        ARTILLERY = "artillery", "Artillery"
        AMMUNITION = "ammunition", "Ammunition"
        PROPELLANT = "propellant", "Propellant"
        RADAR = "radar", "Radar"
        EARLY_WARNING = "early_warning", "Early warning"
        DEMINING = "demining", "Demining"
        PROTECTIVE_GEAR = "protective_gear", "Protective gear"
        HUMANITARIAN = "humanitarian", "Humanitarian"
        FINANCIAL = "financial", "Financial"
        RECONSTRUCTION = "reconstruction", "Reconstruction"
        OTHER = "other", "Other"

    class Lethality(models.TextChoices):
        LETHAL = "lethal", "Lethal"
        NON_LETHAL = "non_lethal", "Non-lethal"
        DISPUTED = "disputed", "Disputed"

    name = models.CharField(max_length=200, help_text="The name readers know best.")
    category = models.CharField(
        max_length=20, choices=Category, help_text="What kind of help it is."
    )
    lethality = models.CharField(
        max_length=10,
        choices=Lethality,
        help_text="How the sources frame it; 'disputed' where they disagree "
        "(Zelensky: air defence is 'not weapons').",
    )
    lethality_note = models.TextField(blank=True, help_text="Who frames it how, if disputed.")
    description = models.TextField(blank=True, help_text="What it is, in a sentence or two.")
    maker = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="items_made"
    )
    variant_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="variants",
        help_text="The family this system belongs to, e.g. M-SAM2 is a variant of Cheongung.",
    )
    unit_cost = models.DecimalField(
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The price of one unit, if a source gives it, in its original currency.",
    )
    unit_cost_currency = models.CharField(
        max_length=3, blank=True, validators=[currency_code], help_text="ISO 4217, e.g. KRW."
    )
    unit_cost_qualifier = models.CharField(
        max_length=13,
        choices=Qualifier,
        default=Qualifier.EXACT,
        help_text="How the source states the price, e.g. up to.",
    )

    objects = NamedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="item_unit_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True, unit_cost_currency="")
                | Q(unit_cost__isnull=False) & ~Q(unit_cost_currency=""),
                name="item_unit_cost_has_currency",
                violation_error_message="A unit cost needs its currency, and a currency a cost.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tracker:item-detail", args=[self.slug])

    @property
    def unit_cost_display(self) -> str:
        return format_amount(self.unit_cost, self.unit_cost_currency, self.unit_cost_qualifier)


class ItemAliasQuerySet(models.QuerySet):
    def get_by_natural_key(self, item_slug: str, name: str):
        return self.get(item__slug=item_slug, name=name)


class ItemAlias(TimeStampedModel):
    """Another designation sources use for an item: KM-SAM and M-SAM for Cheongung."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, help_text="The designation, as a source writes it.")
    language = models.CharField(max_length=12, blank=True, help_text="BCP 47 code, e.g. 'ko'.")

    objects = ItemAliasQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "name"]
        verbose_name_plural = "item aliases"
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="itemalias_unique_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.item})"

    def natural_key(self) -> tuple[str, str]:
        return (self.item.slug, self.name)

    natural_key.dependencies = ["requests_app.item"]
