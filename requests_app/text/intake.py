"""Article intake: a scraped page's lines sorted into the article and the site's furniture (who
and what the article names: text/names.py).

Cleaning is safe by construction: a line leaves the body only when it is recognised for what
it is (navigation, a counter, a share prompt, a list of links, an advertisement marker, a photo
credit, a copyright line, an appeal, the byline, the dateline, the headline), never because
of where it stands. Lines that only their place makes suspect (the text after a "Video" label)
are kept, with the reason, for the curator to judge. Every line removed is listed with why,
and can be put back by its number.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass

from .quotes import normalise
from .scripts import detect_language

# --- Cleaning --------------------------------------------------------------------------------


def _whole_line(*alternatives: str) -> re.Pattern:
    return re.compile(rf"^(?:{'|'.join(alternatives)})$", re.IGNORECASE)


# Section names a site's menus list; a line made only of them is navigation.
NAVIGATION_WORDS = {
    "home", "news", "world", "politics", "business", "economy", "opinion", "opinions", "sport",
    "sports", "culture", "science", "tech", "technology", "health", "video", "videos",
    "podcast", "podcasts", "latest", "live", "menu", "search", "newsletters", "analysis",
    "features", "lifestyle", "entertainment", "photos", "multimedia", "more", "trending",
    "sections", "login", "register", "subscribe", "close", "national", "international",
    "asia", "pacific", "europe", "americas", "africa", "markets", "finance",
    # Korean sites' sections and menus
    "홈", "뉴스", "정치", "경제", "사회", "국제", "북한", "문화", "스포츠", "연예", "오피니언",
    "전국", "세계", "포토", "영상", "메뉴", "전체메뉴", "검색", "로그인", "회원가입",
    # Ukrainian sites'
    "головна", "новини", "політика", "економіка", "світ", "суспільство", "війна", "спорт",
    "культура", "регіони", "відео", "фото", "меню", "пошук", "увійти", "укр", "eng", "рус",
}  # fmt: skip
HOME = {"home", "홈", "головна"}
MENU_SEPARATORS = re.compile(r"\s*[|›»·•/>]\s*")
NAVIGATION = _whole_line(
    r"skip to (?:main )?(?:content|navigation)",
    r"(?:main |open |close |toggle )?(?:menu|navigation)",
    r"back to top",
    r"sign (?:in|up|out)",
    r"log ?(?:in|out)",
    r"my account",
    r"edit post",
    r"(?:english|en|ua|ukr|рус|한국어)(?: version)?",
    r"본문 ?바로가기|(?:전체 ?)?메뉴(?: 열기| 닫기)?",
    r"перейти до (?:основного )?(?:вмісту|змісту)|(?:відкрити |закрити )?меню",
)
COUNTER = _whole_line(
    r"\d+ min(?:ute)?s? read",
    r"reading time:? \d+ min(?:ute)?s?",
    r"[\d,.]+[km]? (?:views?|comments?|shares?|likes?|reads?|members? on board)",
    r"comments? \(\d+\)",
    r"[\d,.]+ people chose to be part of .{0,80} community.{0,40}",
    r"(?:조회(?:수)?|댓글|추천) ?:? ?[\d,]+",
    r"[\d,. ]+ (?:переглядів|перегляди|перегляд|коментарів|коментарі|коментар)",
    r"(?:переглядів|перегляди|коментарі):? [\d,. ]+",
)
SOCIAL_NETWORKS = {
    "facebook", "twitter", "x", "linkedin", "whatsapp", "telegram", "reddit", "email", "e-mail",
    "print", "copy link", "pinterest", "threads", "bluesky", "viber", "messenger", "flipboard",
    "link", "instagram", "youtube", "tiktok",
    "카카오톡", "카카오스토리", "페이스북", "트위터", "밴드", "url 복사", "링크 복사", "인쇄",
    "스크랩",
    "фейсбук", "телеграм", "вайбер", "копіювати посилання", "друк",
}  # fmt: skip
PLATFORMS = "|".join(
    sorted(
        name
        for name in SOCIAL_NETWORKS - {"print", "copy link", "link", "email", "e-mail"}
        if name.isascii()
    )
)
SHARE_OR_SUBSCRIBE = _whole_line(
    r"share(?: (?:this|the))?(?: (?:article|story|post|page))?(?: (?:on|via) \w+)?:?",
    r"(?:tweet|copy link|copied!?|save(?: article)?|bookmark|gift (?:this )?article|read later)",
    r"listen(?: to (?:this|the) (?:article|story))?(?: \d+ min)?",
    r"this audio is (?:created|generated) with ai assistance",
    rf"follow us(?: on)?(?:[ ,&]+(?:and |or )?(?:{PLATFORMS}))+[.!]?",
    r"subscribe(?: now| today| here)?[.!]?",
    r"subscribe to .{1,60}",
    r"sign up (?:for|to) (?:our|the) .{0,60}(?:newsletter|briefing|alerts|updates|digest).{0,40}",
    r"(?:get|receive) (?:the|our) .{0,60}newsletter.{0,60}",
    r".{0,60}newsletter",
    r"download (?:the|our) (?:\w+ )?app\b.{0,60}",
    r"like this:?|like loading\.{0,3}",
    r"[\w.+-]+@[\w-]+\.[\w.]+",
    r"(?:기사 )?공유(?:하기)?|(?:기자 )?구독(?:하기)?|글자 ?크기(?: 설정)?|(?:기사 )?듣기|제보하기",
    r"поділитися(?: в \w+)?:?|підписатися|слухати(?: статтю)?",
    r"підписуй(?:те|тe)ся на (?:нас|наш) .{1,60}",
)
# Headings of lists of other articles: the short lines that follow one are its links.
LIST_HEADING = _whole_line(
    r"most (?:popular|read|viewed|shared|commented)(?: (?:now|today|this week|stories|news))?:?",
    r"related(?: (?:articles?|stories|news|posts?|content|coverage|topics|reading|links?))?:?",
    r"read (?:more|also|next)(?: on .{1,40})?:?",
    r"more (?:from|on|in) .{1,50}",
    r"more (?:news|stories|articles)(?: .{1,40})?:?",
    r"(?:also read|see also|further reading|keep reading|don'?t miss):?",
    r"recommended(?: for you)?:?",
    r"you (?:may|might) (?:also )?(?:like|be interested in):?",
    r"(?:latest|top|trending) (?:news|stories|articles|now)|latest|trending|top stories",
    r"editor'?s picks?|what to read next|in other news|popular(?: now)?",
    r"관련 ?기사|많이 본 (?:기사|뉴스)|(?:최신|주요|추천|인기|랭킹) ?(?:기사|뉴스)"
    r"|이 시간 주요 뉴스|함께 (?:보면 좋은|볼만한) (?:기사|뉴스)",
    r"читайте (?:також|більше)(?: на .{1,40})?:?|новини за темою:?|більше новин:?"
    r"|(?:останні|популярні|головні|схожі|інші) новини:?|найпопулярніше:?|популярне:?",
)
# Labels of the site's sections and cards: what follows one may belong to a promo.
SECTION_LABEL = _whole_line(
    r"news ?feed",
    r"videos?",
    r"watch(?: now)?",
    r"podcasts?",
    r"(?:photo )?gallery",
    r"live(?: updates)?",
    r"other matters of interest",
    r"(?:show|load|view|see) more",
    r"opinion|analysis|exclusive|breaking(?: news)?|explainer",
)
# A link to another article set in the text: "Read also: Seoul weighs arms sales".
LINK_TO_ANOTHER_ARTICLE = re.compile(
    r"^(?:read (?:more|also|next)|related(?: article)?|see also|also read|more|watch|listen"
    r"|관련 ?기사|читайте (?:також|більше)|дивіться (?:також)?)"
    r"\s*[:|–—-]\s*\S.*$",
    re.IGNORECASE,
)
ADVERTISEMENT = _whole_line(
    r"(?:advertisement|advertising|ad|ads|report this ad|sponsored(?: content| post)?"
    r"|광고|реклама|на правах реклами|партнерський матеріал"
    r"|sponsored by .{1,60}"
    r"|promoted(?: content)?|paid (?:content|post|partnership)|partner content"
    r"|story continues below(?: advertisement)?|continue reading below"
    r"|scroll to continue(?: with content)?|article continues (?:below|after (?:this )?"
    r"advertisement))"
    r"(?:\s*[-–—~·:|]\s*(?:scroll to continue(?: with content)?|story continues below"
    r"|continue reading(?: below)?))?",
)
PHOTO_CREDIT = re.compile(
    r"^(?:(?:photos?|photograph|picture|image|illustration|credit|file photo)"
    r"(?: by| credit| courtesy(?: of)?)?\s*[:/|©]\s*.{1,120}"
    r")$"
    # A caption ending in its credit: "(Kim Jae-Hwan/SOPA Images via Getty Images)".
    r"|[(\[][^()\[\]]*\b(?:getty images|afp|reuters|ap photo|epa|yonhap|anadolu|shutterstock"
    r"|istock|photo|credit|pool)\b[^()\[\]]*[)\]]\.?$"
    # Korean and Ukrainian credits: "[연합뉴스 자료사진]", "사진=국방부 제공", "Фото: Міноборони".
    r"|^[(\[][^()\[\]]*(?:자료사진|제공|재판매 및 DB 금지|사진)[^()\[\]]*[)\]]$"
    r"|^(?:사진|фото|ілюстрація|колаж)\s*[=:/]\s*.{1,120}$"
    r"|^(?:фото ілюстративне|ілюстративне фото)$",
    re.IGNORECASE,
)
# "Photo by Jane Doe": the words after "by" must be names.
PHOTO_BY = re.compile(r"^(?:photos?|photograph|picture|image)s? (?:by|courtesy of) (.+)$", re.I)
# A wire photo's credit, in capitals: "… November 28, 2024. REUTERS/Kim Hong-Ji/File Photo".
AGENCY_PHOTO = re.compile(r"\b(?:REUTERS|AFP|AP|EPA|YONHAP)/[\w .'/-]+$")
COPYRIGHT = re.compile(
    r"©|\(c\) \d{4}|all rights reserved|^copyright (?:©|\(c\)|\d{4})"
    r"|저작권자|무단 ?전재|재배포 금지|(?:усі|всі) права захищені",
    re.I,
)
COMMENTS = _whole_line(
    r"leave a (?:reply|replay|comment)",
    r"(?:\d+ )?comments?",
    r"(?:add|post) (?:a )?comment",
    r"join the (?:conversation|discussion)",
    r"(?:show|view|hide) comments",
    r"cancel reply",
    r"you must be logged in to post a comment\.?",
    r"댓글(?: 쓰기| 달기)?|коментарі|залишити коментар|коментувати",
)
AUTHOR_BOX = _whole_line(
    r"avatar", r"about the author", r"authors?", r"profile", r"기자 프로필", r"про автора"
)
TAGS = re.compile(
    r"^(?:tags?|topics?|filed under|categories|category|keywords|태그|키워드|теги|теми)\s*:"
    r"|^(?:#\w+\s*){2,}$",
    re.I,
)
# What outlets say of themselves when they ask for support. Two in a line, or one in a line
# that is not a sentence, make it an appeal; none of them is likely in a news sentence.
APPEAL_PHRASES = (
    "you could close this page", "join our community", "our reporting", "our journalism",
    "our newsroom", "our readers", "readers like you", "cup of coffee", "become a patron",
    "patreon", "contact us", "news team", "free information", "independent journalism",
    "become a member", "support independent", "make a donation", "donate now", "donate today",
    "subscribe", "we are here to make sure", "ways to support",
    "제보는 카카오톡", "후원하기", "підтримайте нас", "підтримати редакцію", "задонатити",
)  # fmt: skip

APPEAL = re.compile(rf"\b(?:{'|'.join(map(re.escape, APPEAL_PHRASES))})\b")
BULLET = re.compile(r"^(?:[-•*–·▪►]|\d{1,2}[.)])\s+")
SENTENCE_END = re.compile(r"[.!?…:;][\"”’')\]]*$")
PROSE_END = re.compile(r"[.!?…][\"”’')\]]*$")

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
    # Ukrainian months, as a date names them: "28 листопада 2024".
    r"|(?:січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня)"
)
DATE = re.compile(
    rf"\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{MONTH}),?\s+(?P<y1>\d{{4}})\b"
    rf"|\b(?P<m2>{MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})\b"
    r"|\b(?P<y3>\d{4})[-./](?P<m3>\d{1,2})[-./](?P<d3>\d{1,2})\b"
    r"|\b(?P<d4>\d{1,2})[./](?P<m4>\d{1,2})[./](?P<y4>\d{4})\b"
    r"|\b(?P<y5>\d{4})년\s*(?P<m5>\d{1,2})월\s*(?P<d5>\d{1,2})일",
    re.IGNORECASE,
)
TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?|\b\d{1,2}\s*[ap]\.?m\.?"
    r"|\b(?:gmt|utc|kst|eet|eest|cet|cest|et|est|edt|pst|pdt|bst)(?:\s*[+-]\s*\d{1,2})?\b"
    r"|\b\d+ (?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?) ago\b|\byesterday\b|\btoday\b"
    r"|오전|오후|\b\d{1,2}시(?: ?\d{1,2}분)?|\bвчора\b|\bсьогодні\b",
    re.IGNORECASE,
)
DATELINE_WORDS = re.compile(
    r"\b(?:published|updated|posted|first|last|modified|on|at|date|time|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday"
    r"|опубліковано|оновлено|дата(?: публікації)?)\b"
    r"|송고시간|송고|기사입력|입력|최종수정|수정|업데이트|등록|[|,:/·•–—.-]",
    re.IGNORECASE,
)
BYLINE_START = re.compile(
    r"^(?:by|words by|written by|author:|authors:|автор:|автори:|автор матеріалу:)\s+",
    re.IGNORECASE,
)
# A Korean byline: names of two to four syllables, then the reporter's title, and perhaps an
# address: "김지헌 기자", "김지헌·이영희 기자 jhkim@yna.co.kr".
KOREAN_BYLINE = re.compile(
    r"^(?P<names>[가-힣]{2,4}(?:[ ,·]+[가-힣]{2,4})*) (?:기자|특파원|선임기자|객원기자)"
    r"(?: [\w.+-]+@[\w-]+\.[\w.]+)?$"
)
CREDITS = re.compile(r"^\(?(?:reporting|writing|additional reporting) by\s+", re.IGNORECASE)
# Words a byline's names may hold besides capitalised ones: "The Kyiv Independent news desk".
NAME_JOINERS = {
    "and", "&", "of", "the", "de", "van", "von", "da", "news", "desk", "staff", "in",
    "reporter", "correspondent", "editor", "with", "le", "la", "al", "bin",
}  # fmt: skip
MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
MONTH_NUMBERS.update(
    (name, number)
    for number, name in enumerate(
        ("січ", "лют", "бер", "кві", "тра", "чер", "лип", "сер", "вер", "жов", "лис", "гру"),
        start=1,
    )
)


COUNTER_ANYWHERE = re.compile(r"\b\d+ min(?:ute)?s? read\b", re.IGNORECASE)


def _words(line: str) -> list[str]:
    return line.split()


def _reads_as_sentence(line: str) -> bool:
    """Whether the line ends as a sentence or a clause does (. ! ? … : ;): headlines, labels
    and links do not."""
    return bool(SENTENCE_END.search(line))


def _is_prose(line: str) -> bool:
    """A sentence, not a prompt or a heading: ends as one, in more than two words."""
    return bool(PROSE_END.search(line)) and len(_words(line)) > 2


def _looks_like_headline(line: str) -> bool:
    return not _reads_as_sentence(line) and len(_words(line)) <= 30


def _is_navigation(line: str) -> bool:
    if NAVIGATION.match(line):
        return True
    parts = [p for p in MENU_SEPARATORS.split(line.lower()) if p]
    words = [w for p in parts for w in p.split()]
    if len(parts) >= 2 and parts[0] in HOME and len(words) <= 8:
        return True  # breadcrumbs: "Home › World › Asia", "홈 > 정치 > 국방"
    sections = [p for p in MENU_SEPARATORS.split(line) if p]
    if len(sections) >= 3 and all(len(p.split()) <= 3 and p[0].isupper() for p in sections):
        return True  # a menu: "National | Politics | Defense | North Korea"
    return bool(words) and all(w in NAVIGATION_WORDS for w in words)


def _is_share_prompt(line: str) -> bool:
    if SHARE_OR_SUBSCRIBE.match(line):
        return True
    parts = [p for p in re.split(r"\s*[|·•,/]\s*|\s{2,}", line.lower()) if p]
    return bool(parts) and all(p in SOCIAL_NETWORKS for p in parts)


def _is_appeal(line: str) -> bool:
    hits = len(set(APPEAL.findall(line.lower())))
    return hits >= 2 or (hits == 1 and not _is_prose(line))


def _is_photo_credit(line: str) -> bool:
    by = PHOTO_BY.match(line)
    return bool(PHOTO_CREDIT.search(line) or AGENCY_PHOTO.search(line) or (by and _names(by[1])))


def _furniture(line: str) -> tuple[str, str] | None:
    """(kind, reason) when the line is recognised as site furniture by what it says."""
    text = normalise(line)
    # Patterns open-ended enough to match a sentence ("More from the ministry came…") only
    # apply to lines that are not prose.
    prompt = not _is_prose(text)
    # Headings and labels first: what follows them may be a promo, which the curator is told.
    checks = [
        (
            "list",
            "the heading of a list of other articles",
            prompt and bool(LIST_HEADING.match(text)),
        ),
        ("section", "a section label", bool(SECTION_LABEL.match(text))),
        ("navigation", "navigation", prompt and _is_navigation(text)),
        ("counter", "a counter", bool(COUNTER.match(text))),
        ("share", "a share or subscribe prompt", prompt and _is_share_prompt(text)),
        ("advertisement", "an advertisement marker", prompt and bool(ADVERTISEMENT.match(text))),
        ("comments", "the comments heading", bool(COMMENTS.match(text))),
        ("author", "the author box", bool(AUTHOR_BOX.match(text))),
        ("tags", "tags", bool(TAGS.match(text)) and len(_words(text)) <= 30),
        (
            "link",
            "a link to another article",
            prompt and bool(LINK_TO_ANOTHER_ARTICLE.match(text)) and len(_words(text)) <= 30,
        ),
        (
            "photo",
            "a photo caption or credit",
            _is_photo_credit(text) and len(_words(text)) <= 60,
        ),
        ("copyright", "a copyright line", bool(COPYRIGHT.search(text)) and len(_words(text)) <= 40),
        ("appeal", "the outlet's appeal for support", _is_appeal(text)),
    ]
    return next(((kind, reason) for kind, reason, found in checks if found), None)


def _parse_date(match: re.Match) -> datetime.date | None:
    groups = match.groupdict()
    for n in "12345":
        if groups[f"y{n}"]:
            year, month, day = groups[f"y{n}"], groups[f"m{n}"], groups[f"d{n}"]
            break
    number = int(month) if month.isdigit() else MONTH_NUMBERS[month.rstrip(".").lower()[:3]]
    try:
        return datetime.date(int(year), number, int(day))
    except ValueError:
        return None


def _dateline(line: str) -> bool:
    """A line that only dates the page: 'Published: 27 Nov. 2024, 11:07', 'Updated 2 hours ago'."""
    text = normalise(line)
    if len(_words(text)) > 16 or not (DATE.search(text) or TIME.search(text)):
        return False
    rest = DATELINE_WORDS.sub(" ", TIME.sub(" ", DATE.sub(" ", COUNTER_ANYWHERE.sub(" ", text))))
    return not re.search(r"\w", rest)


def _names(text: str) -> str:
    """The names a byline gives, or '' if the words are not names."""
    names = text.strip(" |,·•–—-;")
    words = names.replace("&", " & ").split()
    if not 1 <= len(words) <= 10 or _reads_as_sentence(names):
        return ""
    if not words[0][0].isupper():
        return ""
    if all(w[0].isupper() or w.lower() in NAME_JOINERS for w in words):
        return names
    return ""


def _byline(line: str) -> tuple[str, str] | None:
    """(author, date text) of a byline: 'By Jane Doe', 'By Jane Doe | Published 28 Nov 2024',
    'Posted on 27 November 2024 by Jane Doe'."""
    text = normalise(line)
    if korean := KOREAN_BYLINE.match(text):
        return korean["names"], ""
    dated_by = re.search(r"\s+by\s+(.+)$", text, re.IGNORECASE)
    if dated_by and _dateline(text[: dated_by.start()]) and _names(dated_by[1]):
        return _names(dated_by[1]), text[: dated_by.start()].strip()
    start = BYLINE_START.match(text) or CREDITS.match(text)
    if start is None or len(_words(text)) > 24:
        return None
    rest = text[start.end() :]
    if CREDITS.match(text):
        # Reuters' credits: "Reporting by Jane Doe; Editing by John Roe".
        names = _names(re.split(r";|\)|\band\b", rest)[0])
        return (names, "") if names else None
    # The names end where the date starts, or at a separator: "Jane Doe | Published …".
    ends = [DATE.search(rest), re.search(r"\b(?:published|updated|posted)\b|\s[|·•]\s", rest, re.I)]
    cut = min((m.start() for m in ends if m), default=len(rest))
    names = _names(rest[:cut])
    if not names:
        return None
    return names, COUNTER_ANYWHERE.sub("", rest[cut:]).strip(" |·•")


@dataclass
class Line:
    """One line of the page, numbered as in the file, and what the cleaning made of it."""

    number: int
    text: str
    # What the cleaning decided; `kept` is what stands once the curator's choices apply.
    kept_by_cleaning: bool = True
    kept: bool = True
    # Removed: why. Kept: why it may not be article text after all ('' when it surely is).
    reason: str = ""
    role: str = "body"  # body, headline, byline, dateline or furniture
    kind: str = ""


@dataclass
class Intake:
    """A page read: its headline, byline, dateline and every line, kept or removed."""

    title: str
    author: str
    dateline: str
    published_on: datetime.date | None
    lines: list[Line]

    @property
    def body(self) -> str:
        return "\n\n".join(line.text for line in self.lines if line.kept)

    @property
    def language(self) -> str:
        """The language of the text by its script (text/scripts.py)."""
        return detect_language(self.body)

    @property
    def removed(self) -> list[Line]:
        return [line for line in self.lines if not line.kept]

    @property
    def removed_by_cleaning(self) -> list[Line]:
        """The lines the cleaning removed, each with why: the curator may put them back."""
        return [line for line in self.lines if not line.kept_by_cleaning]

    @property
    def doubtful(self) -> list[Line]:
        """Lines the cleaning kept that only their place makes suspect: the curator judges."""
        return [line for line in self.lines if line.kept_by_cleaning and line.reason]


def _key(line: str) -> str:
    return normalise(line).lower()


def _remove(line: Line, role: str, reason: str, kind: str) -> None:
    line.kept = line.kept_by_cleaning = False
    line.role, line.reason, line.kind = role, reason, kind


def read_page(
    raw: str,
    *,
    title: str = "",
    keep: frozenset[int] = frozenset(),
    drop: frozenset[int] = frozenset(),
) -> Intake:
    """Sort a scraped page's lines into the article and its furniture.

    `title`, if given, is the headline (the lines that read it are not body); otherwise the
    page's headline is found (see `_headline_key`). `keep` and `drop` are the numbers of lines
    whose verdict the curator reversed: removed lines put back, kept lines taken out.
    """
    if "\x00" in raw:
        raise ValueError("The text contains NUL bytes: is it really a text file?")
    lines = [
        Line(number, text.strip())
        for number, text in enumerate(raw.splitlines(), start=1)
        if text.strip()
    ]
    author, dateline = "", ""
    in_list = after_author_box = False
    for line in lines:
        furniture = _furniture(line.text)
        byline = _byline(line.text)
        if byline:
            _remove(line, "byline", "the byline: the author's name", "byline")
            author = author or byline[0]
            dateline = dateline or byline[1]
        elif _dateline(line.text):
            _remove(line, "dateline", "the dateline: the date evidence", "dateline")
            dateline = dateline or normalise(line.text)
        elif furniture:
            _remove(line, "furniture", furniture[1], furniture[0])
            in_list = in_list or furniture[0] == "list"
            after_author_box = furniture[0] == "author"
            continue
        elif after_author_box and _names(line.text) and len(_words(line.text)) <= 6:
            _remove(line, "byline", "the author box's name", "byline")
            author = author or normalise(line.text)
        elif in_list and (
            BULLET.match(line.text) or line.text.isdigit() or _looks_like_headline(line.text)
        ):
            _remove(line, "furniture", "an item of a list of other articles", "list item")
            continue
        in_list = after_author_box = False

    headline_key = _headline_key(lines, title) if lines else ""
    candidates = [line for line in lines if line.kept]
    counts = Counter(_key(line.text) for line in candidates)
    seen: set[str] = set()
    for line in candidates:
        key = _key(line.text)
        if key == headline_key:
            _remove(line, "headline", "the headline", "headline")
        elif counts[key] > 1 and _looks_like_headline(line.text):
            _remove(line, "furniture", "shown twice: the title of a promo", "promo title")
        elif key in seen:
            _remove(line, "furniture", "a repeat of a line above", "repeat")
        seen.add(key)
    headline = next((line.text for line in lines if line.role == "headline"), "")

    _mark_doubtful(lines)
    for line in lines:
        line.kept = line.number in keep if not line.kept else line.number not in drop
    published_on = next((d for m in DATE.finditer(dateline) if (d := _parse_date(m))), None)
    return Intake(title or headline, author, dateline, published_on, lines)


def _headline_key(lines: list[Line], title: str) -> str:
    """The headline: the line reading the title given; else, among the short lines before
    the text, one the page repeats, or one next to the byline or dateline; else the first
    line that is not furniture, unless it reads as a sentence."""
    candidates = [line for line in lines if line.kept]
    if title and any(_key(line.text) == _key(title) for line in candidates):
        return _key(title)
    # A title the curator corrected reads no line: the headline is found as without one.
    before_text = []
    for line in candidates:
        if _reads_as_sentence(line.text):
            break
        before_text.append(line)
    counts = Counter(_key(line.text) for line in candidates)
    befores, afters = [lines[0], *lines[:-1]], [*lines[1:], lines[-1]]
    neighbours = {
        id(line): {before.role, after.role}
        for before, line, after in zip(befores, lines, afters, strict=True)
    }
    for found in (
        next((line for line in before_text if counts[_key(line.text)] > 1), None),
        next((line for line in before_text if {"byline", "dateline"} & neighbours[id(line)]), None),
        candidates[0] if candidates and _looks_like_headline(candidates[0].text) else None,
    ):
        if found is not None:
            return _key(found.text)
    return ""


# Kinds of furniture after which a line may be part of a promo or comment, not the article.
HEADINGS = {"section", "list", "promo title", "author", "comments"}


def _mark_doubtful(lines: list[Line]) -> None:
    """Give a reason to kept lines that only their place makes suspect: the curator decides."""
    below_comments = False
    above_headline = any(line.role == "headline" for line in lines)
    befores, afters = [None, *lines][: len(lines)], [*lines[1:], None][: len(lines)]
    for before, line, after in zip(befores, lines, afters, strict=True):
        above_headline = above_headline and line.role != "headline"
        if not line.kept:
            below_comments = below_comments or line.kind == "comments"
            continue
        if above_headline:
            line.reason = "above the headline: the site's name or a menu?"
        elif below_comments:
            line.reason = "below the comments heading: a reader's comment?"
        elif before is not None and not before.kept and before.kind in HEADINGS:
            line.reason = f"follows “{before.text}”: the text of a promo?"
        elif (
            after is not None
            and not after.kept
            and after.kind in HEADINGS
            and _looks_like_headline(line.text)
        ):
            line.reason = f"a short line just before “{after.text}”: a link to another article?"


# --- Names -----------------------------------------------------------------------------------
