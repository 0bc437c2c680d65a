"""Checking that a quote occurs verbatim in an article, as a reader comparing them would."""

import re
from dataclasses import dataclass

# Typographic variants a reader treats as the same character.
_EQUIVALENTS = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark, apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",
        "\u2212": "-",  # minus sign
        "\u2026": "...",
    }
)
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Collapse whitespace and fold curly quotes, dashes and ellipses to plain ASCII."""
    return _WHITESPACE.sub(" ", text.translate(_EQUIVALENTS)).strip()


def quote_in_text(quote: str, text: str) -> bool:
    needle = normalise(quote)
    return bool(needle) and needle in normalise(text)


def _normalise_with_positions(text: str) -> tuple[str, list[int]]:
    """The normalised text, and for each of its characters the index it came from in `text`."""
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                positions.append(index)
            continue
        for folded in char.translate(_EQUIVALENTS):
            chars.append(folded)
            positions.append(index)
    return "".join(chars), positions


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where `quote` stands in `text`, as a (start, end) slice of the original text."""
    needle = normalise(quote)
    haystack, positions = _normalise_with_positions(text)
    found = haystack.find(needle) if needle else -1
    if found < 0:
        return None
    return positions[found], positions[found + len(needle) - 1] + 1


def divergence(quote: str, text: str) -> str:
    """Where a quote stops matching the text, said so a curator can fix it."""
    needle, haystack = normalise(quote), normalise(text)
    # The longest start of the quote that the text contains; containing a start of length n
    # means containing every shorter one, so a binary search finds it.
    low, high = 0, len(needle)
    while low < high:
        middle = (low + high + 1) // 2
        if needle[:middle] in haystack:
            low = middle
        else:
            high = middle - 1
    if low < min(12, len(needle)):
        return "No passage of the article starts like this quote."
    matched = needle[:low]
    resumes = haystack.find(matched) + low
    return (
        f"The article matches it up to “…{matched[-40:]}”, then reads "
        f"“{haystack[resumes : resumes + 40]}…” where the quote has “{needle[low : low + 40]}…”."
    )


# Where a sentence ends: its full stop (or ? or !), with any closing quotation mark after it.
_SENTENCE_END = re.compile(r"[.!?][\"'”’]?(?=\s|$)")


@dataclass
class InContext:
    """A quote as it stands in its article, with the sentence before and the one after."""

    before: str
    quote: str
    after: str


def quote_in_context(quote: str, text: str) -> InContext | None:
    """The quote's passage of `text`, with the rest of its sentences and one sentence either
    side: what a second reader compares a claim with. None if the quote is not in the text."""
    span = find_quote(quote, text)
    if span is None:
        return None
    start, end = span
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    own_start = max((e for e in ends if e <= start), default=0)
    context_start = max((e for e in ends if e < own_start), default=0)
    own_end = min((e for e in ends if e >= end), default=len(text))
    context_end = min((e for e in ends if e > own_end), default=len(text))
    return InContext(
        before=_WHITESPACE.sub(" ", text[context_start:start]).lstrip(),
        quote=text[start:end],
        after=_WHITESPACE.sub(" ", text[end:context_end]).rstrip(),
    )
