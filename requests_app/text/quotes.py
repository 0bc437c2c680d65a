"""Checking that a quote occurs verbatim in an article, as a reader comparing them would."""

import re
import unicodedata
from dataclasses import dataclass

# Typographic variants a reader treats as the same character, in any script; NFKC folds
# full-width and half-width forms (，！＂ＡＢ) to their plain ones and composes Hangul typed as
# separate jamo.
_EQUIVALENTS = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark, apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u02bc": "'",  # modifier letter apostrophe: Ukrainian's own (мʼята)
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',  # Ukrainian and German opening quotation mark
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',  # guillemets, as Ukrainian and Russian quote
        "\u00bb": '"',
        "\u300c": '"',  # CJK corner brackets, as Korean quotes titles and speech
        "\u300d": '"',
        "\u300e": '"',
        "\u300f": '"',
        "\u3008": '"',  # CJK angle brackets, around Korean titles: 《조선일보》
        "\u3009": '"',
        "\u300a": '"',
        "\u300b": '"',
        "\u301d": '"',  # double prime quotation marks
        "\u301e": '"',
        "\u301f": '"',
        "\u00b7": "·",  # middle dots, as Korean joins names: 한·미, 한ㆍ미
        "\u318d": "·",
        "\u30fb": "·",
        "\u2027": "·",
        "\u2219": "·",
        # Full-width punctuation holds the space after it: typed half-width, a space follows.
        "\uff0c": ", ",
        "\uff01": "! ",
        "\uff1f": "? ",
        "\uff1a": ": ",
        "\uff1b": "; ",
        "\u3002": ". ",  # ideographic full stop and comma
        "\u3001": ", ",
        "\u301c": "~",  # wave dash
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
    """NFKC, then collapse whitespace and fold quotation marks, dashes, middle dots and
    ellipses of every script to one form each."""
    return _WHITESPACE.sub(" ", _fold(text)).strip()


def _fold(text: str) -> str:
    # Folded before NFKC too: NFKC turns the Korean middle dot ㆍ into a jamo vowel.
    return unicodedata.normalize("NFKC", text.translate(_EQUIVALENTS)).translate(_EQUIVALENTS)


def quote_in_text(quote: str, text: str) -> bool:
    needle = normalise(quote)
    return bool(needle) and needle in normalise(text)


def _joins_previous(char: str) -> bool:
    """Whether NFKC may compose `char` with the character before it: a combining mark, or the
    vowel or final consonant of a Hangul syllable typed as separate jamo."""
    return bool(unicodedata.combining(char)) or "\u1160" <= char <= "\u11ff"


def _normalise_with_positions(text: str) -> tuple[str, list[int], list[int]]:
    """The normalised text, and for each of its characters where the characters it came from
    start and end in `text`."""
    clusters: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        if clusters and _joins_previous(char):
            clusters[-1] = (clusters[-1][0], index + 1)
        else:
            clusters.append((index, index + 1))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in clusters:
        for folded in _fold(text[start:end]):
            if folded.isspace():
                if not chars or chars[-1] == " ":
                    continue
                folded = " "
            chars.append(folded)
            starts.append(start)
            ends.append(end)
    return "".join(chars), starts, ends


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where `quote` stands in `text`, as a (start, end) slice of the original text."""
    needle = normalise(quote)
    haystack, starts, ends = _normalise_with_positions(text)
    found = haystack.find(needle) if needle else -1
    if found < 0:
        return None
    return starts[found], ends[found + len(needle) - 1]


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
_SENTENCE_END = re.compile(r"[.!?。][\"'”’»」』]?(?=\s|$)")


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
