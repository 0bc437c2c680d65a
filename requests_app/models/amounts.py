"""Amounts as their sources state them: in the original currency, with any qualifier."""

from django.core.validators import RegexValidator
from django.db import models

currency_code = RegexValidator(r"^[A-Z]{3}$", "Use an ISO 4217 code in capitals, e.g. KRW or USD.")


class Qualifier(models.TextChoices):
    """How a source states an amount: "approximately $377 million", "up to 1.5 billion won"."""

    EXACT = "exact", "Exactly"
    APPROXIMATELY = "approximately", "Approximately"
    MORE_THAN = "more_than", "More than"
    UP_TO = "up_to", "Up to"


def format_amount(amount, currency: str, qualifier: str = Qualifier.EXACT) -> str:
    """'up to 1,500,000,000 KRW': the amount in its original currency, as the source states it."""
    if amount is None:
        return ""
    number = f"{amount:,.2f}".removesuffix(".00")
    words = "" if qualifier == Qualifier.EXACT else f"{Qualifier(qualifier).label.lower()} "
    return f"{words}{number} {currency}".strip()
