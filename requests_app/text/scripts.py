"""Which script a text is written in, and what that means for finding its words."""

import re
import unicodedata
from collections import Counter

# Hangul, kana and Han: scripts written without spaces inside compounds (Korean puts none
# between a noun and its particle, 천궁을, or inside 지대공미사일), so a word is found inside
# a longer one, not only as a whole word.
UNSPACED = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)

# The language of a page, by its script, for the scripts this tracker's sources are written in.
# Cyrillic is taken as Ukrainian unless a letter only Russian uses outnumbers those only
# Ukrainian uses.
_UKRAINIAN_ONLY = set("ґєії")
_RUSSIAN_ONLY = set("ёыэъ")


def is_unspaced(word: str) -> bool:
    """Whether `word` holds letters of a script written without spaces inside compounds."""
    return bool(UNSPACED.search(word))


def script_of(char: str) -> str:
    """'HANGUL', 'CYRILLIC', 'LATIN', 'CJK', … for a letter; '' for anything else."""
    if not char.isalpha():
        return ""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def detect_language(text: str) -> str:
    """The BCP 47 code of the language most of `text`'s letters are written in, by script:
    'ko' for Hangul, 'uk' or 'ru' for Cyrillic, 'ja' for kana, 'zh' for Han alone, 'en'
    otherwise (Latin, or no letters)."""
    scripts = Counter(script_of(char) for char in text)
    scripts.pop("", None)
    if not scripts:
        return "en"
    script, _ = scripts.most_common(1)[0]
    if script == "HANGUL":
        return "ko"
    if script == "CYRILLIC":
        letters = Counter(char for char in text.lower() if char in _UKRAINIAN_ONLY | _RUSSIAN_ONLY)
        ukrainian = sum(letters[c] for c in _UKRAINIAN_ONLY)
        russian = sum(letters[c] for c in _RUSSIAN_ONLY)
        return "ru" if russian > ukrainian else "uk"
    if script in ("HIRAGANA", "KATAKANA"):
        return "ja"
    if script == "CJK":
        # Han among kana is Japanese; among Hangul (rare today) Korean.
        if scripts["HIRAGANA"] + scripts["KATAKANA"]:
            return "ja"
        return "ko" if scripts["HANGUL"] else "zh"
    return "en"
