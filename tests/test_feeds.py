"""Atom feeds of new requests, responses and stance changes: all, per actor, per request."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from requests_app import services
from requests_app.models import AidRequest

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "categories": {c.get("term") for c in entry.findall(f"{ATOM}category")},
            "summary": entry.findtext(f"{ATOM}summary"),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_the_feeds_are_valid_atom_with_permanent_ids(client, seeded):
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    for url in [reverse("tracker:feed"), reverse("tracker:request-feed", args=[cheongung.pk])]:
        feed = ET.fromstring(client.get(url).content)
        ids = [feed.findtext(f"{ATOM}id")] + [
            e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")
        ]
        assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", i) for i in ids)
        assert len(set(ids)) == len(ids)  # the feed's id is none of its entries'
        assert feed.findtext(f"{ATOM}author/{ATOM}name") == "aidtracker"
        assert feed.findtext(f"{ATOM}updated")
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"http://testserver{url}"

    # An entry keeps its id when its slug is edited.
    before = {e["title"]: e["id"] for e in entries(client, reverse("tracker:feed"))}
    cheongung.slug = "renamed"
    services.record_save(record=cheongung)
    after = {e["title"]: e["id"] for e in entries(client, reverse("tracker:feed"))}
    assert after == before


def test_feed_summaries_are_escaped_html(client, seeded):
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    cheongung.summary = "Asked for <b>missiles</b> & radars"
    cheongung.save()

    feed = entries(client, reverse("tracker:request-feed", args=[cheongung.pk]))

    summary = next(e["summary"] for e in feed if e["title"].startswith("Request:"))
    # The HTML a feed reader renders shows the text as written, markup and all (its
    # correction's too).
    assert summary.startswith("Asked for &lt;b&gt;missiles&lt;/b&gt; &amp; radars Corrected on")
    assert summary.endswith("→ Asked for &lt;b&gt;missiles&lt;/b&gt; &amp; radars.")


def test_the_feed_of_everything_has_requests_responses_and_stances(client, seeded):
    feed = entries(client, reverse("tracker:feed"))

    kinds = {kind for entry in feed for kind in entry["categories"]}
    assert {"request", "response", "stance"} <= kinds
    assert len(feed) == 13 + 10 + 3 + 1  # every request, response, stance and action of the seed
    assert len({entry["id"] for entry in feed}) == len(feed)
    assert all(entry["link"].startswith("http://testserver/") for entry in feed)
    assert all(entry["updated"] for entry in feed)


def test_a_requests_feed_follows_its_answers_and_its_addressees_stances(client, seeded):
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")

    feed = entries(client, reverse("tracker:request-feed", args=[cheongung.pk]))

    titles = [entry["title"] for entry in feed]
    assert "Request: Ukraine asked South Korea for Cheongung air defence missile systems" in titles
    assert any(t.startswith("Declined: Cheongung air defence missile systems") for t in titles)
    assert sum("stance" in entry["categories"] for entry in feed) == 3
    assert sum("request" in entry["categories"] for entry in feed) == 1
    declined = next(entry for entry in feed if entry["title"].startswith("Declined: "))
    assert "Reason given:" in declined["summary"]


def test_an_actors_feed_holds_what_concerns_it(client, seeded):
    ponomarenko = entries(client, reverse("tracker:actor-feed", args=["dmytro-ponomarenko"]))
    assert [entry["title"] for entry in ponomarenko] == [
        "Request: Ukraine asked South Korea for Air defence systems after the Okhmatdyt strike"
    ]
    korea = entries(client, reverse("tracker:actor-feed", args=["south-korea"]))
    assert len(korea) == 27


@pytest.mark.parametrize(
    "url", ["/actors/nobody/feed/", "/requests/999999/feed/", "/requests/1x/feed/"]
)
def test_feeds_of_nothing_answer_404(client, seeded, url):
    assert client.get(url).status_code == 404


def test_pages_announce_their_feeds(client, seeded):
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    pages = {
        reverse("tracker:home"): [reverse("tracker:feed")],
        cheongung.get_absolute_url(): [
            reverse("tracker:feed"),
            reverse("tracker:request-feed", args=[cheongung.pk]),
        ],
        reverse("tracker:actor-detail", args=["south-korea"]): [
            reverse("tracker:feed"),
            reverse("tracker:actor-feed", args=["south-korea"]),
        ],
    }
    for page, feeds in pages.items():
        head = client.get(page).content.decode().split("</head>")[0]
        for feed in feeds:
            link = (
                rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="{feed}">'
            )
            assert re.search(link, head), (page, feed)


def test_entries_are_published_when_the_news_reported_them(client, seeded):
    """A seed loaded today is not today's news: each entry's publication is its fact's first
    report."""
    feed = client.get(reverse("tracker:feed")).content.decode()
    published = re.findall(r"<published>([^<]+)</published>", feed)
    assert len(set(published)) > 1
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    assert f"<published>{cheongung.first_reported_on:%Y-%m-%d}T00:00:00+00:00</published>" in feed
