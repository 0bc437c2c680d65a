"""Article intake: a scraped page's text cleaned of site furniture, and who and what it names."""

import re
from collections import Counter
from dataclasses import dataclass, field

from ..models import Actor, Item

# Whole lines that are site furniture, not article (case-insensitive).
FURNITURE = re.compile(
    r"""^(?:
        close | news\ ?feed | video | show\ more | read\ more | avatar | share | print
        | advertisement | subscribe | other\ matters\ of\ interest | related(?:\ articles)?:?
        | \d+\ min(?:ute)?s?\ read | [\d,]+\ members?\ on\ board
        | [\d,]+\ people\ chose\ to\ be\ part\ of\ .*community.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Lines after which a page has nothing more of the article: author boxes, link lists, appeals.
END_OF_ARTICLE = re.compile(
    r"^(?:avatar|read more|related:?|leave a repl(?:y|ay)|show more|you could close this page.*)$",
    re.IGNORECASE,
)
APPEAL_WORDS = ("support", "donat", "patron", "subscri", "membership", "cup of coffee", "join our")
SENTENCE_END = re.compile(r"[.!?…”\"')]$")


def _is_heading(line: str) -> bool:
    """A short line without closing punctuation: a headline, a link, a promo title."""
    return len(line.split()) <= 16 and not SENTENCE_END.search(line)


def _is_appeal(line: str) -> bool:
    lowered = line.lower()
    return sum(word in lowered for word in APPEAL_WORDS) >= 2


def clean_text(raw: str, title: str = "") -> tuple[str, str]:
    """The headline and the article's paragraphs, without navigation, counters, promos,
    related links, author boxes, donation appeals or repeated headlines."""
    if "\x00" in raw:
        raise ValueError("The text contains NUL bytes: is it really a text file?")
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if END_OF_ARTICLE.match(line):
            lines = lines[:index]
            # A link or promo title right before the end belongs to the furniture too.
            while lines and _is_heading(lines[-1]) and lines[-1] != title:
                lines.pop()
            break
    lines = [line for line in lines if not FURNITURE.match(line)]
    if not title and lines:
        title = lines[0]
    counts = Counter(lines)
    body: list[str] = []
    skip_blurb = False
    for line in lines:
        if line == title or _is_appeal(line):
            continue
        if counts[line] > 1 and _is_heading(line):
            # A promo repeated in the page: its title shows twice, its blurb follows.
            skip_blurb = True
            continue
        if skip_blurb:
            skip_blurb = False
            continue
        body.append(line)
    return title, "\n\n".join(body)


@dataclass
class Mention:
    record: Actor | Item
    spellings: list[str] = field(default_factory=list)


@dataclass
class Mentions:
    actors: list[Mention]
    items: list[Mention]
    candidates: list[str]


def _spelled(name: str, text: str) -> bool:
    """Whether `name` occurs as whole words, plural or adjective (Russian) included; short
    names (US, KBS) must match their case."""
    flags = 0 if len(name) <= 4 else re.IGNORECASE
    return re.search(rf"(?<!\w){re.escape(name)}(?:n|e?s)?(?!\w)", text, flags) is not None


def _found(records, text: str) -> list[Mention]:
    mentions = []
    for record in records:
        spellings = [
            name
            for name in [record.name, *(alias.name for alias in record.aliases.all())]
            if _spelled(name, text)
        ]
        if spellings:
            mentions.append(Mention(record, spellings))
    return mentions


# Capitalised words that start sentences or name months, not people or organisations.
NOT_NAMES = {
    "A", "An", "The", "In", "On", "At", "As", "If", "It", "He", "She", "We", "They", "This",
    "That", "These", "Those", "But", "And", "Or", "However", "According", "Since", "During",
    "Currently", "Historically", "Earlier", "Last", "Amid", "Other", "Multiple", "Government",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "Additionally", "Regarding", "When", "Given", "Describing",
}  # fmt: skip
CAPITALISED_RUN = re.compile(
    r"\b[A-Z][\w’'-]+(?:\s+(?:of|for|the|and|de)\s+[A-Z][\w’'-]+|\s+[A-Z][\w’'-]+)+"
)


def mentions(text: str) -> Mentions:
    """Known actors and items the text names by any spelling, and capitalised names it uses
    that no actor or item has yet: candidates for the curator to link or add."""
    actors = _found(Actor.objects.prefetch_related("aliases"), text)
    items = _found(Item.objects.prefetch_related("aliases"), text)
    known = [s for m in (*actors, *items) for s in m.spellings]
    candidates = Counter()
    for match in CAPITALISED_RUN.finditer(text):
        words = match.group().split()
        while words and words[0] in NOT_NAMES:
            words.pop(0)
        name = " ".join(words)
        already_known = any(_spelled(k, name) or name.lower() in k.lower() for k in known)
        if len(words) >= 2 and not already_known:
            candidates[name] += 1
    return Mentions(actors, items, [name for name, _ in candidates.most_common()])
