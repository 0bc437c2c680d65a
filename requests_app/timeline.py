"""The dashboard's timeline: requests, responses and stance changes per month, as an SVG."""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.db.models.functions import TruncMonth
from django.urls import reverse

from .models import Action, AidRequest, AidResponse, Citation, PolicyStance

WIDTH, LEFT, RIGHT = 960, 150, 20
LANE_HEIGHT, TOP = 56, 36


@dataclass
class Mark:
    x: float
    y: float
    radius: float
    count: int
    css: str
    label: str
    url: str


@dataclass
class Lane:
    title: str
    y: float
    marks: list[Mark]


def _month_counts(queryset, date_field: str, kind_field: str) -> dict:
    """{month: {kind: count}} in one query."""
    rows = (
        queryset.exclude(**{f"{date_field}__isnull": True})
        .annotate(month=TruncMonth(date_field))
        .values_list("month", kind_field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    months: dict = {}
    for month, kind, count in rows:
        months.setdefault(month, {})
        months[month][kind] = months[month].get(kind, 0) + count
    return months


def _month_reported(queryset, date_field: str) -> dict:
    """{month: the day by which articles had reported all of that month's facts}, in one
    query: the list as of that day shows them."""
    field = Citation.target_field_for(queryset.model)
    first_reported = (
        Citation.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(day=Min("source__published_on"))
        .values("day")
    )
    rows = (
        queryset.exclude(**{f"{date_field}__isnull": True})
        .annotate(month=TruncMonth(date_field), reported=Subquery(first_reported))
        .values_list("month")
        .annotate(day=Max("reported"))
        .order_by()
    )
    return dict(rows)


def _month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def build_timeline(request_list_url: str) -> dict | None:
    lanes_data = [
        (
            "Requests made",
            _month_counts(AidRequest.objects, "made_on", "status"),
            AidRequest.Status,
        ),
        (
            "Responses",
            _month_counts(AidResponse.objects, "responded_on", "decision"),
            AidResponse.Decision,
        ),
        (
            "Stance changes",
            _month_counts(PolicyStance.objects, "in_force_from", "position"),
            PolicyStance.Position,
        ),
        (
            "Actions",
            _month_counts(Action.objects, "occurred_on", "kind"),
            Action.Kind,
        ),
    ]
    reported = {
        AidResponse.Decision: _month_reported(AidResponse.objects, "responded_on"),
        PolicyStance.Position: _month_reported(PolicyStance.objects, "in_force_from"),
    }
    # A lane with nothing in it (no action reported yet) is left out.
    lanes_data = [lane for lane in lanes_data if lane[1]]
    months = sorted({month for _, counts, _ in lanes_data for month in counts})
    if not months:
        return None
    first = months[0].replace(month=1)
    last = _month_end(months[-1].replace(month=12))
    span = (last - first).days or 1
    plot = WIDTH - LEFT - RIGHT

    def x_of(day: datetime.date) -> float:
        return round(LEFT + (day - first).days / span * plot, 1)

    lanes = []
    for number, (title, counts, kinds) in enumerate(lanes_data):
        y = TOP + number * LANE_HEIGHT + LANE_HEIGHT / 2
        marks = []
        for month, by_kind in sorted(counts.items()):
            count = sum(by_kind.values())
            main_kind = max(by_kind, key=by_kind.get)
            breakdown = ", ".join(f"{n} {kinds(k).label.lower()}" for k, n in by_kind.items())
            if kinds is AidRequest.Status:
                url = (
                    f"{request_list_url}?made_after={month:%Y-%m-%d}"
                    f"&made_before={_month_end(month):%Y-%m-%d}"
                )
            elif kinds is Action.Kind:
                url = reverse("tracker:action-list")
            else:
                # Answers and stance changes: every request as reported once they all were.
                day = reported[kinds].get(month) or _month_end(month)
                url = f"{request_list_url}?as_of={day:%Y-%m-%d}"
            marks.append(
                Mark(
                    x=x_of(month + datetime.timedelta(days=14)),
                    y=y,
                    radius=round(5 + 3 * math.sqrt(count), 1),
                    count=count,
                    css=main_kind,
                    label=f"{month:%B %Y}: {count} {title.lower()} ({breakdown})",
                    url=url,
                )
            )
        lanes.append(Lane(title=title, y=y, marks=marks))
    ticks = [
        {"x": x_of(datetime.date(year, 1, 1)), "label": year}
        for year in range(first.year, last.year + 1)
    ]
    return {
        "width": WIDTH,
        "height": TOP + len(lanes) * LANE_HEIGHT + 10,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "axis_y": TOP - 14,
        "lanes": lanes,
        "ticks": ticks,
    }
