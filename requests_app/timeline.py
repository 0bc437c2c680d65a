"""The dashboard's timeline: requests, responses, stance changes and actions per month, as an
SVG. A fact dated only by its year is drawn across its year, not on 1 January.

Requests and responses are counted from their tallies (requests_app/tallies.py), so the chart
costs the same whatever the number of rows; stances and actions are few (a government's
positions, its dated acts) and counted from their tables.
"""

import datetime
import itertools
import math
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse

from .models import Action, AidRequest, AidResponse, DatePrecision, PolicyStance

WIDTH, LEFT, RIGHT = 960, 20, 20
LANE_HEIGHT, TOP = 74, 36
# Bars (facts dated only by their month or year) run below their lane's line, so that a month
# with both keeps its dot on the line and its bar visible.
SPAN_BELOW = 19
# A dot's radius grows with the square root of its count (5 + 3√count) until its lane's largest
# would pass MAX_RADIUS, or be wider than a month: then the lane's dots are scaled down
# together (at 100,000 requests, a month of 670 requests was a dot 165 pixels wide across a
# lane 74 high).
MIN_RADIUS, MAX_RADIUS = 5, 16
# A count is written on its mark only where it fits: about 7 pixels a digit.
DIGIT_WIDTH = 7


@dataclass(frozen=True)
class Period:
    """The month of facts dated to the day (one mark, counted by month), or the month or year
    of facts the sources date only that far (`spanned`: a bar across it, not a day in it)."""

    first: datetime.date
    last: datetime.date
    spanned: bool = False

    @classmethod
    def parse(cls, text: str) -> "Period":
        """A tally's period (tallies.py): '2024-07', or 'in 2024-07' and 'in 2024' for facts
        dated only by their month or year."""
        spanned = text.startswith("in ")
        text = text.removeprefix("in ")
        if len(text) == 4:
            year = int(text)
            return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), spanned)
        return cls.of_month(datetime.date(int(text[:4]), int(text[5:7]), 1), spanned)

    @classmethod
    def of_month(cls, first: datetime.date, spanned: bool) -> "Period":
        return cls(first, _month_end(first), spanned)

    @classmethod
    def of(cls, day: datetime.date, precision: str) -> "Period":
        if precision == DatePrecision.YEAR:
            return cls(day.replace(month=1, day=1), day.replace(month=12, day=31), spanned=True)
        return cls.of_month(day.replace(day=1), spanned=precision == DatePrecision.MONTH)

    @property
    def is_year(self) -> bool:
        return self.first.month == 1 and self.last.month == 12

    def __str__(self) -> str:
        shown = f"{self.first:%Y}" if self.is_year else f"{self.first:%B %Y}"
        if self.spanned:
            shown += ", no month given" if self.is_year else ", no day given"
        return shown


@dataclass
class Mark:
    x: float
    width: float
    y: float
    radius: float
    count: int
    css: str
    label: str
    url: str
    is_year: bool
    labelled: bool

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass
class Lane:
    title: str
    y: float
    marks: list[Mark]
    legend: list[tuple[str, str]]


def _month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _tallied(counts: dict[str, int]) -> dict[Period, dict[str, int]]:
    """{period: {kind: count}} from a tally keyed 'period:kind'."""
    periods: dict = {}
    for key, count in counts.items():
        period, kind = key.split(":", 1)
        periods.setdefault(Period.parse(period), {})[kind] = count
    return periods


def _counted(queryset, date_field: str, kind_field: str) -> dict[Period, dict[str, int]]:
    """{period: {kind: count}} of a small table, in one query."""
    rows = (
        queryset.exclude(**{f"{date_field}__isnull": True})
        .values_list(date_field, f"{date_field}_precision", kind_field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    periods: dict = {}
    for day, precision, kind, count in rows:
        by_kind = periods.setdefault(Period.of(day, precision), {})
        by_kind[kind] = by_kind.get(kind, 0) + count
    return periods


def build_timeline(request_list_url: str, tallied: dict[str, dict[str, int]]) -> dict | None:
    """`tallied`: Tally.objects.counts()."""
    # (one, many, {period: {kind: count}}, kinds)
    lanes_data = [
        (
            "request made",
            "requests made",
            _tallied(tallied.get("request_period_status", {})),
            AidRequest.Status,
        ),
        (
            "response",
            "responses",
            _tallied(tallied.get("response_period_decision", {})),
            AidResponse.Decision,
        ),
        (
            "stance change",
            "stance changes",
            _counted(PolicyStance.objects, "in_force_from", "position"),
            PolicyStance.Position,
        ),
        ("action", "actions", _counted(Action.objects, "occurred_on", "kind"), Action.Kind),
    ]
    # A lane with nothing in it (no action reported yet) is left out.
    lanes_data = [lane for lane in lanes_data if lane[2]]
    periods = sorted({period.first for *_, counts, _ in lanes_data for period in counts})
    if not periods:
        return None
    first = periods[0].replace(month=1, day=1)
    last = datetime.date(max(p.last for *_, counts, _ in lanes_data for p in counts).year, 12, 31)
    # To the end of the last day: a bar covers the whole of its month or year.
    span = (last - first).days + 1
    plot = WIDTH - LEFT - RIGHT

    def x_of(day: datetime.date) -> float:
        return round(LEFT + (day - first).days / span * plot, 1)

    month = plot * 30.44 / span
    widest = max(MIN_RADIUS + 1, min(MAX_RADIUS, month / 2))
    lanes = []
    for number, (one, many, counts, kinds) in enumerate(lanes_data):
        y = TOP + number * LANE_HEIGHT + LANE_HEIGHT / 2
        largest = max(sum(by_kind.values()) for by_kind in counts.values())
        scale = min(1, (widest - MIN_RADIUS) / (3 * math.sqrt(largest)))
        marks, seen = [], set()
        # A month's bar before its dot, which is drawn over it.
        for period, by_kind in sorted(counts.items(), key=lambda i: (i[0].first, not i[0].spanned)):
            count = sum(by_kind.values())
            main_kind = max(by_kind, key=by_kind.get)
            seen.update(by_kind)
            breakdown = ", ".join(f"{n} {kinds(k).label.lower()}" for k, n in by_kind.items())
            if kinds is AidRequest.Status:
                url = (
                    f"{request_list_url}?made_after={period.first:%Y-%m-%d}"
                    f"&made_before={period.last:%Y-%m-%d}"
                )
            elif kinds is Action.Kind:
                url = reverse("tracker:action-list")
            else:
                # Answers and stance changes: every request as reported by the period's end.
                url = f"{request_list_url}?as_of={period.last:%Y-%m-%d}"
            start, end = x_of(period.first), x_of(period.last + datetime.timedelta(days=1))
            radius = round(MIN_RADIUS + 3 * math.sqrt(count) * scale, 1)
            # A bar leaves a pixel between two months.
            width = round(end - start - 1, 1) if period.spanned else 0
            text = len(f"{count} in the year" if period.is_year else str(count)) * DIGIT_WIDTH
            marks.append(
                Mark(
                    x=start if period.spanned else round((start + end) / 2, 1),
                    width=width,
                    y=y + SPAN_BELOW if period.spanned else y,
                    radius=radius,
                    count=count,
                    css=main_kind,
                    label=f"{period}: {count} {one if count == 1 else many} ({breakdown})",
                    url=url,
                    is_year=period.is_year,
                    labelled=width >= text
                    if period.spanned
                    else count > 1 and min(2 * radius, month) >= text,
                )
            )
        legend = [(kind.value, kind.label) for kind in kinds if kind.value in seen]
        lanes.append(Lane(title=many.capitalize(), y=y, marks=marks, legend=legend))
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


# The stance chart: a government's position over time, the most restrictive at the top.
STANCE_WIDTH, STANCE_LEFT, STANCE_TOP, STANCE_ROW = 720, 170, 28, 26


def stance_chart(stances, today: datetime.date) -> dict | None:
    """A step chart of one holder's stances (in date order, long-standing first): each
    position held from its stance's start until the next stance, its own end, or today;
    a marker where an event prompted the change. `None` with no dated stance to draw."""
    positions = list(PolicyStance.Position)
    dated = [stance.in_force_from for stance in stances if stance.in_force_from]
    if not dated:
        return None
    first = min(dated).replace(month=1, day=1)
    span = (today - first).days or 1
    plot = STANCE_WIDTH - STANCE_LEFT - 20

    def x_of(day: datetime.date) -> float:
        return round(STANCE_LEFT + (min(day, today) - first).days / span * plot, 1)

    steps = []
    for number, stance in enumerate(stances):
        start = max(stance.in_force_from or first, first)
        following = [s.in_force_from for s in stances[number + 1 :] if s.in_force_from]
        ends = [day for day in (stance.in_force_until, *following[:1]) if day]
        end = min(ends) if ends else today
        y = STANCE_TOP + positions.index(stance.position) * STANCE_ROW + STANCE_ROW / 2
        steps.append(
            {
                "x1": x_of(start),
                "x2": max(x_of(end), x_of(start) + 3),
                "y": y,
                "css": stance.position,
                "trigger": bool(stance.trigger_id),
                "trigger_y": y - 9,
                "label": f"{stance.in_force_from_display}: {stance.get_position_display()}, "
                f"{stance.title}"
                + (f" (prompted by {stance.trigger.title})" if stance.trigger_id else ""),
            }
        )
    for step, following in itertools.pairwise(steps):
        step["next_y"] = following["y"]
    return {
        "width": STANCE_WIDTH,
        "height": STANCE_TOP + len(positions) * STANCE_ROW + 8,
        "rows": [
            {"label": position.label, "y": STANCE_TOP + n * STANCE_ROW + STANCE_ROW / 2}
            for n, position in enumerate(positions)
        ],
        "ticks": [
            {"x": x_of(datetime.date(year, 1, 1)), "label": year}
            for year in range(first.year, today.year + 1)
        ],
        "left": STANCE_LEFT,
        "right": STANCE_WIDTH - 20,
        "steps": steps,
    }
