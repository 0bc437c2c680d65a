"""Who and what an article names: known actors and items found by any name or alias (and a
country by its demonym, "Ukrainian"), each with where it occurs, in one pass over the text;
and capitalised names that are not in the record yet."""

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..models import Actor, ActorAlias, Item, ItemAlias
from .scripts import is_unspaced

# How sources name a country's people and things; each resolves to the country's actor (an
# actor of kind country with that ISO code).
DEMONYMS = {
    "UA": ("Ukrainian",), "KR": ("South Korean",), "KP": ("North Korean",),
    "RU": ("Russian",), "US": ("American",), "CN": ("Chinese",), "JP": ("Japanese",),
    "GB": ("British",), "FR": ("French",), "DE": ("German",), "IT": ("Italian",),
    "PL": ("Polish",), "ES": ("Spanish",), "NL": ("Dutch",), "BE": ("Belgian",),
    "CA": ("Canadian",), "AU": ("Australian",), "TR": ("Turkish",), "IR": ("Iranian",),
    "IL": ("Israeli",), "IN": ("Indian",), "SA": ("Saudi", "Saudi Arabian"),
    "BY": ("Belarusian",), "MD": ("Moldovan",), "RO": ("Romanian",), "HU": ("Hungarian",),
    "CZ": ("Czech",), "SK": ("Slovak",), "LT": ("Lithuanian",), "LV": ("Latvian",),
    "EE": ("Estonian",), "FI": ("Finnish",), "SE": ("Swedish",), "NO": ("Norwegian",),
    "DK": ("Danish",), "GR": ("Greek",), "BG": ("Bulgarian",), "HR": ("Croatian",),
    "RS": ("Serbian",), "GE": ("Georgian",), "AZ": ("Azerbaijani",), "AM": ("Armenian",),
    "KZ": ("Kazakh",), "TW": ("Taiwanese",), "VN": ("Vietnamese",), "PH": ("Philippine",),
    "ID": ("Indonesian",), "BR": ("Brazilian",), "MX": ("Mexican",), "EG": ("Egyptian",),
    "PK": ("Pakistani",), "SY": ("Syrian",), "AT": ("Austrian",), "CH": ("Swiss",),
    "PT": ("Portuguese",), "IE": ("Irish",), "NZ": ("New Zealand",), "MN": ("Mongolian",),
}  # fmt: skip
TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*")
POSSESSIVE = re.compile(r"['’]s$")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@dataclass
class Place:
    """Where a name occurs: its paragraph (numbered from 1) and the words around it."""

    paragraph: int
    excerpt: str


class _Placed:
    places: list[Place]

    @property
    def paragraphs(self) -> list[int]:
        return sorted({place.paragraph for place in self.places})

    @property
    def where(self) -> list[Place]:
        """The first place in each paragraph, in reading order."""
        return list({place.paragraph: place for place in reversed(self.places)}.values())[::-1]


@dataclass
class Mention(_Placed):
    record: Actor | Item
    spellings: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)


@dataclass
class Candidate(_Placed):
    """A capitalised name no actor or item has yet."""

    name: str
    places: list[Place] = field(default_factory=list)


@dataclass
class Mentions:
    actors: list[Mention]
    items: list[Mention]
    candidates: list[Candidate]


def _token_key(token: str) -> str:
    """A token as names are matched: lower case, straight apostrophe, no possessive."""
    key = token.lower().replace("’", "'")
    return key[:-2] if key.endswith("'s") else key


# What Korean writes after a name without a space (국방부는, 북한의, 윤석열 대통령과), and the case
# endings of Ukrainian nouns (України, Сеула, Умєровим): a word is the name it starts with.
KOREAN_PARTICLES = (
    "에서는", "에게서", "으로는", "이라고", "께서", "에서", "에게", "으로", "라고", "까지",
    "부터", "처럼", "보다", "과의", "와의", "은", "는", "이", "가", "을", "를", "의", "에", "와",
    "과", "도", "로", "만", "측",
)  # fmt: skip
UKRAINIAN_ENDINGS = (
    "ого", "ому", "ими", "ами", "ями", "ові", "еві", "ою", "ею", "им", "ім", "ом", "ем", "ів",
    "ах", "ях", "а", "я", "у", "ю", "і", "и", "е", "ї",
)  # fmt: skip
# The endings of the names' own forms that a case ending replaces: Україна, Корея, Зеленський.
UKRAINIAN_NAME_ENDINGS = ("", "а", "я", "ий", "ій", "о")


def _variants(key: str) -> set[str]:
    """A last word as written, or its singular: 'shells', 'Ukrainians'; without the particle
    a Korean word ends with; a Ukrainian word in the form names are written in."""
    found = {key}
    if key.endswith("es"):
        found.add(key[:-2])
    if key.endswith("s"):
        found.add(key[:-1])
    if is_unspaced(key):
        found.update(key[: -len(p)] for p in KOREAN_PARTICLES if key.endswith(p) and key != p)
    elif CYRILLIC.search(key):
        stems = [key[: -len(e)] for e in UKRAINIAN_ENDINGS if key.endswith(e)]
        found.update(s + e for s in stems if len(s) >= 3 for e in UKRAINIAN_NAME_ENDINGS)
    return found


@dataclass(frozen=True)
class _Name:
    keys: tuple[str, ...]
    target: tuple[str, int]  # ("actor" or "item", pk)
    # Short names (US, KBS) only match as written, so that "us" is not the United States.
    exact: tuple[str, ...] | None


class NameIndex:
    """Every name and alias of every actor and item, by first word: the text is read once."""

    def __init__(self) -> None:
        self.by_first: dict[str, list[_Name]] = defaultdict(list)

    def add(self, name: str, target: tuple[str, int]) -> None:
        tokens = TOKEN.findall(name)
        if not tokens:
            return
        # Korean names are short but take particles (북한의): only letters' names are exact.
        exact = tuple(tokens) if len(name) <= 4 and not is_unspaced(name) else None
        entry = _Name(tuple(_token_key(t) for t in tokens), target, exact)
        self.by_first[entry.keys[0]].append(entry)

    @classmethod
    def load(cls) -> "NameIndex":
        """The index of the database's actors and items: four queries, whatever their number."""
        index = cls()
        countries = {}
        for pk, name, kind, country in Actor.objects.values_list("pk", "name", "kind", "country"):
            index.add(name, ("actor", pk))
            if kind == Actor.Kind.COUNTRY and country:
                countries.setdefault(country, pk)
        for actor_id, name in ActorAlias.objects.values_list("actor_id", "name"):
            index.add(name, ("actor", actor_id))
        for code, demonyms in DEMONYMS.items():
            for demonym in demonyms if code in countries else ():
                index.add(demonym, ("actor", countries[code]))
        for pk, name in Item.objects.values_list("pk", "name"):
            index.add(name, ("item", pk))
        for item_id, name in ItemAlias.objects.values_list("item_id", "name"):
            index.add(name, ("item", item_id))
        for entries in index.by_first.values():
            entries.sort(key=lambda entry: -len(entry.keys))
        return index

    def find(self, text: str) -> list[tuple[int, int, tuple[str, int]]]:
        """(start, end, target) of every name in `text`, longest first at each word, in one
        pass; a name never spans a line break."""
        tokens = list(TOKEN.finditer(text))
        keys = [_token_key(t.group()) for t in tokens]
        # Whether a line break stands between a token and the one before it.
        breaks = [
            i > 0 and "\n" in text[tokens[i - 1].end() : t.start()] for i, t in enumerate(tokens)
        ]
        found = []
        i = 0
        while i < len(tokens):
            match = self._match_at(tokens, keys, breaks, i)
            if match is None:
                i += 1
                continue
            length, target = match
            found.append((tokens[i].start(), tokens[i + length - 1].end(), target))
            i += length
        return found

    def _match_at(self, tokens, keys, breaks, i) -> tuple[int, tuple[str, int]] | None:
        for first in sorted(_variants(keys[i]), key=len, reverse=True):
            for entry in self.by_first.get(first, ()):
                n = len(entry.keys)
                if (n > 1 and first != keys[i]) or i + n > len(tokens):
                    continue
                if any(breaks[i + j] for j in range(1, n)):
                    continue
                if keys[i : i + n - 1] != list(entry.keys[:-1]):
                    continue
                if entry.keys[-1] not in _variants(keys[i + n - 1]):
                    continue
                if entry.exact and tuple(t.group() for t in tokens[i : i + n]) != entry.exact:
                    continue
                return n, entry.target
        return None


# Capitalised words that start sentences or name months, not people or organisations.
NOT_NAMES = {
    "A", "An", "The", "In", "On", "At", "As", "If", "It", "He", "She", "We", "They", "This",
    "That", "These", "Those", "But", "And", "Or", "However", "According", "Since", "During",
    "Currently", "Historically", "Earlier", "Last", "Amid", "Other", "Multiple", "Government",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "Additionally", "Regarding", "When", "Given", "Describing",
    "За", "У", "В", "На", "Під", "Після", "До", "Як", "Це", "Він", "Вона", "Вони", "Також",
    "Сторони", "Раніше", "Водночас", "Зокрема", "Крім",
}  # fmt: skip
JOINING_WORDS = {"of", "for", "the", "and", "de"}
# Capitals of the Latin and Cyrillic alphabets (Korean has none: its names are found only
# when an actor has them).
CAPITAL = "A-ZА-ЯЄІЇҐ"
CAPITALISED_RUN = re.compile(
    rf"\b[{CAPITAL}][\w’'-]+(?:[ \t]+(?:of|for|the|and|de)[ \t]+[{CAPITAL}][\w’'-]+"
    rf"|[ \t]+[{CAPITAL}][\w’'-]+)+"
)


class _Places:
    """Paragraph numbers and excerpts for offsets in a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in PARAGRAPH_BREAK.finditer(text))]

    def at(self, start: int, end: int) -> Place:
        paragraph = bisect.bisect_right(self.starts, start)
        before = self.text[max(self.starts[paragraph - 1], start - 40) : start]
        after = self.text[end : end + 40].split("\n", 1)[0]
        before = before.split("\n")[-1]
        return Place(paragraph, f"…{before}{self.text[start:end]}{after}…")


def mentions(text: str, index: NameIndex | None = None) -> Mentions:
    """Known actors and items the text names by any spelling (demonyms and possessives
    included), and capitalised names no actor or item has yet; each with where it occurs."""
    index = index or NameIndex.load()
    places = _Places(text)
    found: dict[tuple[str, int], Mention] = {}
    known_spans = []
    for start, end, target in index.find(text):
        known_spans.append((start, end))
        spelling = POSSESSIVE.sub("", text[start:end])
        mention = found.setdefault(target, Mention(record=None))
        if spelling not in mention.spellings:
            mention.spellings.append(spelling)
        mention.places.append(places.at(start, end))
    records = {
        "actor": Actor.objects.in_bulk([pk for kind, pk in found if kind == "actor"]),
        "item": Item.objects.in_bulk([pk for kind, pk in found if kind == "item"]),
    }
    for (kind, pk), mention in found.items():
        mention.record = records[kind][pk]
    return Mentions(
        actors=[m for (kind, _), m in found.items() if kind == "actor"],
        items=[m for (kind, _), m in found.items() if kind == "item"],
        candidates=_candidates(text, known_spans, places),
    )


def _candidates(text: str, known_spans: list[tuple[int, int]], places: _Places) -> list[Candidate]:
    """Runs of capitalised words within a line, outside the known names, of two words or more."""
    starts = [start for start, _ in known_spans]
    found: dict[str, Candidate] = {}

    def is_known(start: int, end: int) -> bool:
        # Known names do not overlap: only the last one starting before `end` can cover it.
        i = bisect.bisect_left(starts, end) - 1
        return i >= 0 and known_spans[i][1] > start

    for run in CAPITALISED_RUN.finditer(text):
        piece: list[re.Match] = []
        for word in [*re.finditer(r"\S+", run.group()), None]:
            span = (run.start() + word.start(), run.start() + word.end()) if word else None
            if word is not None and not is_known(*span):
                piece.append(word)
                continue
            words = [w.group() for w in piece]
            while words and (words[0] in NOT_NAMES or words[0] in JOINING_WORDS):
                words.pop(0)
                piece.pop(0)
            while words and words[-1] in JOINING_WORDS:
                words.pop()
                piece.pop()
            if len(words) >= 2:
                name = POSSESSIVE.sub("", " ".join(words))
                start, end = run.start() + piece[0].start(), run.start() + piece[-1].end()
                found.setdefault(name, Candidate(name)).places.append(places.at(start, end))
            piece = []
    return sorted(found.values(), key=lambda c: -len(c.places))
