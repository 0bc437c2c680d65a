"""Cleaning never loses article text: pages written in the style of news sites, each with its
exact expected result, and a property over pages of paragraphs and furniture in any order."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.text.intake import read_page

# Each page.txt has a page.json: its title, author, date, the body's paragraphs in order, and
# the lines kept for the curator to judge (they are in the body until taken out).
PAGES = Path(__file__).parent / "data" / "pages"
CORPUS = sorted(PAGES.glob("*.txt"))


def expected(page: Path) -> dict:
    return json.loads(page.with_suffix(".json").read_text())


@pytest.mark.parametrize("page", CORPUS, ids=lambda page: page.stem)
def test_a_page_gives_its_exact_title_author_date_and_body(page):
    want = expected(page)

    read = read_page(page.read_text())

    assert read.title == want["title"]
    assert read.author == want["author"]
    assert (str(read.published_on) if read.published_on else None) == want["published_on"]
    assert read.body.split("\n\n") == want["body"]
    assert [line.text for line in read.doubtful] == want["doubtful"]
    assert read.language == want.get("language", "en")


@pytest.mark.parametrize("page", CORPUS, ids=lambda page: page.stem)
def test_every_line_of_a_page_is_article_text_or_listed_as_removed(page):
    want = expected(page)
    read = read_page(page.read_text())

    article = set(want["body"]) | {want["title"]}
    lines = [line.strip() for line in page.read_text().splitlines() if line.strip()]
    furniture = [line for line in lines if line not in article]
    removed = {line.text for line in read.removed}
    assert [line for line in furniture if line not in removed] == []
    assert [line for line in furniture if line in read.body.split("\n\n")] == []


def test_the_corpus_covers_its_layouts():
    layouts = {page.stem for page in CORPUS}
    # Headline shown twice (korean_daily), byline before the headline (byline_first) and after
    # it (wire_service, independent_outlet), promos inside the text (promos_inside), a blog's
    # share and comment furniture (blog), a video teaser kept for the curator (video_teasers),
    # a Korean wire page (yonhap_korean) and a Ukrainian agency's (ukrinform_ukrainian).
    assert layouts >= {
        "korean_daily",
        "byline_first",
        "wire_service",
        "independent_outlet",
        "promos_inside",
        "blog",
        "video_teasers",
        "yonhap_korean",
        "ukrinform_ukrainian",
    }


# Lines recognised as furniture wherever they stand on a page.
FURNITURE = [
    "Menu", "Skip to content", "Search", "Home › World › Asia", "News | Politics | Business",
    "Close", "Sign in", "3 min read", "1,204 comments", "25,000 people chose to be part of the "
    "Kyiv Independent community — thank you.", "0 members on board", "Share", "Share this article",
    "Facebook | X | Telegram", "Copy link", "Subscribe", "Subscribe to our newsletter",
    "Follow us on Telegram and X", "Sign up for our morning briefing", "Download our app",
    "Most Popular", "Most read", "Related:", "Related articles", "Read more", "Recommended",
    "You may also like", "Other Matters of Interest", "News Feed", "Video", "Show More",
    "Read also: Seoul weighs arms sales to Kyiv", "READ MORE: Yoon vows firm response",
    "Advertisement", "ADVERTISEMENT", "Advertisement · Scroll to continue", "Sponsored content",
    "Story continues below advertisement", "Photo: Office of the President of Ukraine",
    "Photo by Kim Hong-Ji", "A soldier in Kyiv. (Photo: Reuters)",
    "The flag in Seoul. (Kim Jae-Hwan/SOPA Images via Getty Images)",
    "© 2024 Reuters. All rights reserved", "Copyright 2024 Herald Corporation",
    "Become a member", "Support independent journalism: become a patron.",
    "You could close this page. Or you could join our community and help us.",
    "Leave a Reply", "Comments", "Avatar", "Tags: Ukraine, South Korea",
    "By Jane Doe", "By Jane Doe | Published 28 November 2024", "Updated 2 hours ago",
    "Published : Nov. 28, 2024 - 15:40", "November 27, 2024 7:54 AM", "jane@example.org",
    "This audio is created with AI assistance",
    "본문 바로가기", "홈 > 정치 > 국방", "관련 기사", "광고", "[연합뉴스 자료사진]", "김지헌 기자",
    "<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>", "송고시간 2024-11-28 10:15", "기사 공유",
    "Читайте також", "Реклама", "Фото: Міноборони", "Поділитися", "27.11.2024 11:07",
    "Автор: Олена Коваль", "Головна › Політика", "© 2024 Укрінформ. Усі права захищені.",
]  # fmt: skip
# Article sentences that open with words furniture also uses, or carry them.
OPENERS = [
    "Share", "Subscribe", "Photo", "Video", "Related", "Read", "More", "Most", "Follow", "By",
    "Support", "Advertisement", "Copyright", "Comments", "Latest", "Close", "Home", "Menu",
    "News", "Live", "Watch", "Sponsored", "Sign", "Download", "Avatar", "Tags", "Posted",
    "Updated", "Officials", "Seoul", "Kyiv", "The", "A", "In",
]  # fmt: skip
WORDS = [
    "the", "ministry", "said", "on", "Tuesday", "Seoul", "Kyiv", "share", "prices", "of",
    "support", "for", "air", "defence", "video", "footage", "showed", "photo", "evidence",
    "related", "talks", "more", "than", "30", "countries", "most", "popular", "among",
    "voters", "subscribers", "follow", "up", "by", "the", "end", "week", "news", "of", "the",
    "visit", "close", "to", "home", "live", "fire", "menu", "options", "comments", "made",
    "copyright", "law", "advertisement", "revenue", "read", "closely", "sponsored", "a",
    "resolution", "sign", "deal", "download", "data", "latest", "figures", "watch", "list",
]  # fmt: skip
ENDINGS = [".", ".", "!", "?", ".”", "…", '."']

paragraphs = st.builds(
    lambda opener, words, end: f"{opener} {' '.join(words)}{end}",
    st.sampled_from(OPENERS),
    st.lists(st.sampled_from(WORDS), min_size=3, max_size=30),
    st.sampled_from(ENDINGS),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(paragraphs, min_size=1, max_size=8, unique=True),
    st.lists(st.sampled_from(FURNITURE), max_size=15),
    st.data(),
)
def test_every_paragraph_survives_furniture_in_any_order(article, furniture, data):
    lines = data.draw(st.permutations([*article, *furniture]))
    page = "\n\n".join(["Seoul weighs arms for Kyiv", *lines])

    read = read_page(page)

    assert read.body.split("\n\n") == [line for line in lines if line in article]
    assert read.title == "Seoul weighs arms for Kyiv"
