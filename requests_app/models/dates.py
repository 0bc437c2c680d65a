"""Dates as precise as their sources: a day, a month or a year."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import dateformat


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def precision_field(**kwargs) -> models.CharField:
    return models.CharField(
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="How much of the date the source gives: a week ('this week') is stored as "
        "its Monday, a month as its first day, a year as 1 January.",
        **kwargs,
    )


def precision_constraint(date_field: str, name: str) -> models.CheckConstraint:
    """A week is stored as its Monday, a month as its first day and a year as 1 January, so
    dates sort and compare."""
    precision = f"{date_field}_precision"
    return models.CheckConstraint(
        condition=Q(**{precision: DatePrecision.DAY})
        | Q(**{precision: DatePrecision.WEEK, f"{date_field}__iso_week_day": 1})
        | Q(**{precision: DatePrecision.MONTH, f"{date_field}__day": 1})
        | Q(**{precision: DatePrecision.YEAR, f"{date_field}__day": 1, f"{date_field}__month": 1}),
        name=name,
        violation_error_message="A week-precision date must be a Monday, a month-precision date "
        "the 1st of the month and a year-precision date 1 January.",
    )


def format_partial_date(value, precision: str) -> str:
    """'8 July 2024', 'the week of 25 November 2024', 'October 2024' or '2024', as precise
    as the source is."""
    if value is None:
        return ""
    formats = {
        DatePrecision.YEAR: "Y",
        DatePrecision.MONTH: "F Y",
        DatePrecision.WEEK: "\\t\\h\\e \\w\\e\\e\\k \\o\\f j F Y",
        DatePrecision.DAY: "j F Y",
    }
    return dateformat.format(value, formats[precision])


def parse_partial_date(text: str) -> tuple[datetime.date, str]:
    """'2024-11-28', '2024-W48', '2024-11' or '2024' as a date and its precision (a week as
    its Monday)."""
    try:
        return datetime.datetime.strptime(f"{text}-1", "%G-W%V-%u").date(), DatePrecision.WEEK
    except ValueError:
        pass
    formats = {
        "%Y-%m-%d": DatePrecision.DAY,
        "%Y-%m": DatePrecision.MONTH,
        "%Y": DatePrecision.YEAR,
    }
    for date_format, precision in formats.items():
        try:
            return datetime.datetime.strptime(text, date_format).date(), precision
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date: give YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY.")


def elapsed(since: datetime.date, until: datetime.date) -> str:
    """'16 months', '3 weeks', '5 days': how long from one day to another, in the largest unit
    that fits, counted down to whole units."""
    months = (until.year - since.year) * 12 + until.month - since.month - (until.day < since.day)
    days = (until - since).days
    for count, unit in [(months, "month"), (days // 7, "week"), (days, "day")]:
        if count >= 1:
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return "less than a day"
