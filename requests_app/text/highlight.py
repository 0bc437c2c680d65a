"""An article's text cut into paragraphs and segments, with the quotes its citations make."""

import itertools
import re
from dataclasses import dataclass, field

from ..models import Citation
from .quotes import find_quote

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass
class Quote:
    """One passage of the article, numbered in reading order, and every citation of it."""

    number: int
    start: int
    end: int
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Segment:
    text: str
    marked: bool = False
    # Quotes that begin here (anchors for their citations) or end here (footnote markers).
    starting: list[Quote] = field(default_factory=list)
    ending: list[Quote] = field(default_factory=list)


@dataclass
class Highlighted:
    paragraphs: list[list[Segment]]
    quotes: list[Quote]
    missing: list[Citation]


def highlight(text: str, citations: list[Citation]) -> Highlighted:
    """Mark where each citation's quote stands in `text`; list those not found."""
    spans: dict[tuple[int, int], list[Citation]] = {}
    missing = []
    for citation in citations:
        span = find_quote(citation.quote, text)
        if span is None:
            missing.append(citation)
        else:
            spans.setdefault(span, []).append(citation)
    quotes = [
        Quote(number, start, end, found)
        for number, ((start, end), found) in enumerate(sorted(spans.items()), start=1)
    ]
    breaks = list(PARAGRAPH_BREAK.finditer(text))
    paragraph_starts = [0, *(b.end() for b in breaks)]
    paragraph_ends = [*(b.start() for b in breaks), len(text)]
    paragraphs = []
    for start, end in zip(paragraph_starts, paragraph_ends, strict=True):
        cuts = {start, end}
        cuts.update(p for q in quotes for p in (q.start, q.end) if start < p < end)
        paragraphs.append(
            [
                Segment(
                    text=text[a:b],
                    marked=any(q.start < b and q.end > a for q in quotes),
                    starting=[q for q in quotes if q.start == a],
                    ending=[q for q in quotes if q.end == b],
                )
                for a, b in itertools.pairwise(sorted(cuts))
            ]
        )
    return Highlighted(paragraphs, quotes, missing)
