"""What a reader sees on the pages, filters included, with the seed data."""

import csv
import datetime
import html as html_lib
import io
import re

import pytest
from django.urls import reverse

from requests_app.models import Actor, AidRequest, Citation, Contribution, SourceArticle

LIST = reverse("tracker:request-list")


def page(client, url: str, params: dict | None = None, status: int = 200) -> str:
    response = client.get(url, params or {})
    assert response.status_code == status
    return response.content.decode()


def listed_titles(html: str) -> set[str]:
    titles = re.findall(r'<a class="strong-link" href="/requests/\d+/">([^<]+)</a>', html)
    return {html_lib.unescape(title) for title in titles}


def test_declined_filter_shows_the_cheongung_refusal_with_its_stance(client, seeded):
    html = page(client, LIST, {"status": "declined"})

    titles = listed_titles(html)
    assert "Cheongung air defence missile systems" in titles
    assert "Air defence systems after the Okhmatdyt strike" not in titles
    assert len(titles) == AidRequest.objects.filter(status="declined").count()
    # The refusal rests on the long-standing ban it cites, and a second reader checked it.
    assert "Long-standing ban on weapons to conflict zones" in html
    assert '<span class="review review--reviewed">Checked by a second reader</span>' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "Umierov"}, {"Cheongung air defence missile systems", "Counter-artillery radars"}),
        ({"q": "KM-SAM"}, {"Cheongung air defence missile systems"}),
        ({"q": "shield in the sky"}, {"Air defence systems, the 'shield in the sky'"}),
        ({"q": "Zelenskiy KBS"}, {"Artillery systems (KBS interview)"}),
        ({"category": "radar"}, {"Counter-artillery radars", "Ground-based air defence radars"}),
        (
            {"lethality": "disputed", "mode": "purchase"},
            {"155 mm shell propellant", "Cheongung air defence missile systems"},
        ),
        (
            {"made_after": "2024-07-01", "made_before": "2024-07-31"},
            {"Air defence systems after the Okhmatdyt strike"},
        ),
        ({"item": "cheongung"}, {"Cheongung air defence missile systems"}),
        ({"voiced_by": "dmytro-ponomarenko"}, {"Air defence systems after the Okhmatdyt strike"}),
    ],
    ids=[
        "alias",
        "item-alias",
        "words",
        "two-terms",
        "category",
        "framing",
        "dates",
        "item",
        "voice",
    ],
)
def test_filters_narrow_the_list(client, seeded, params, expected):
    titles = listed_titles(page(client, LIST, params))
    assert expected <= titles
    if params.keys() & {"category", "lethality", "made_after", "item", "voiced_by"}:
        assert titles == expected


def test_requester_and_addressee_filters(client, seeded):
    everything = AidRequest.objects.count()
    assert len(listed_titles(page(client, LIST, {"requester": "ukraine"}))) == everything
    assert len(listed_titles(page(client, LIST, {"addressee": "south-korea"}))) == everything
    # The menus list the actors that made, or received, a request; another actor finds none.
    assert not listed_titles(page(client, LIST, {"addressee": "ukraine"}))
    assert "Addressee</a>:" in page(client, LIST, {"addressee": "nobody"}, status=400)


def test_source_filter_lists_requests_the_article_reports(client, seeded):
    article = SourceArticle.objects.get(slug="ponomarenko-appeal-2024-07")

    html = page(client, LIST, {"source": article.pk})

    assert listed_titles(html) == {
        "Air defence systems after the Okhmatdyt strike",
        "Weapons and ammunition, since the invasion",
    }
    assert re.search(rf'Source article:\s*<a href="/sources/{article.pk}/">', html)


def test_sorting_by_date_oldest_first(client, seeded):
    html = page(client, LIST, {"ordering": "date"})
    assert html.index("Weapons and ammunition, since the invasion") < html.index("Cheongung air")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "bogus"}, "Status"),
        ({"made_after": "2024-13-40"}, "Made on or after"),
        ({"requester": "atlantis"}, "Requester"),
        ({"source": "abc"}, "Source article"),
        ({"ordering": "password"}, "Sort by"),
        ({"q": "x" * 201}, "Search"),
        ({"requester": "uk\x00raine"}, "Requester"),
        ({"source": "\x00"}, "Source article"),
    ],
)
def test_bad_filter_value_shows_the_form_error_not_a_500(client, seeded, params, field):
    html = page(client, LIST, params, status=400)
    assert re.search(rf'<a href="#id_\w+">{field}</a>:', html)
    assert "<table" not in html


def test_csv_export_has_the_filtered_rows(client, seeded):
    response = client.get(reverse("tracker:request-export"), {"status": "declined"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == AidRequest.objects.filter(status="declined").count()
    cheongung = next(r for r in rows if r["title"] == "Cheongung air defence missile systems")
    assert cheongung["current_stance_position"] == "prohibits"
    assert cheongung["made_on"] == "2024-11-27"
    assert cheongung["url"].startswith("http://testserver/requests/")


def test_csv_export_refuses_bad_filters(client, seeded):
    response = client.get(reverse("tracker:request-export"), {"made_before": "yesterday"})
    assert response.status_code == 400
    assert b"made_before" in response.content


def test_home_counts_requests_by_status_and_category(client, seeded):
    total = AidRequest.objects.count()
    declined = AidRequest.objects.filter(status="declined").count()

    html = client.get(reverse("tracker:home")).content.decode()

    assert f"{total} requests by status" in html
    assert (
        f'<span class="count__number">{declined}</span> <span class="badge badge--declined">'
        in html
    )
    assert "Air defence" in html
    assert "Not ruling out weapons, defensive systems first" in html


def test_request_detail_shows_the_response_with_reason_and_quotes(client, seeded):
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")

    html = client.get(cheongung.get_absolute_url()).content.decode()

    assert "not available for new sales until 2030" in html
    assert "ultimately declined the weapon sales" in html
    assert "Euromaidan Press" in html
    assert f'href="/sources/{cheongung.citations.first().source_id}/#citation-' in html


def test_dashboard_shows_counts_and_a_linked_timeline(client, seeded):
    html = page(client, reverse("tracker:home"))
    assert '<svg viewBox="0 0 960' in html
    assert html.count('class="timeline-chart__mark') >= 8
    # The marks are no links (an image holds no focusable element): the list below has them.
    assert "<a" not in html[html.index("<svg") : html.index("</svg>")]
    assert f"{LIST}?made_after=2024-11-01&amp;made_before=2024-11-30" in html
    # Four requests of 27 November; one the sources date only "in November".
    assert "November 2024: 4 requests made" in html
    assert "November 2024, no day given: 1 request made" in html
    # Answers and stance changes open the list as reported by the end of their month.
    assert f"{LIST}?as_of=2024-06-30" in html
    assert f"{LIST}?as_of=2024-11-30" in html
    # A mark a month, each written without the blank lines its loop leaves: at 435 marks the
    # dashboard was 243 KB, near the page cache's 256 KB limit.
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert not re.search(r"</g>\s+<g ", chart)
    assert not re.search(r"</li>\s+<li><a", html[html.index('class="timeline-list"') :])
    # The legend names the colours.
    assert 'swatch--declined" aria-hidden="true"></span>Declined' in html


def test_dashboard_answers_where_the_addressee_stands(client, seeded):
    """The answer first: South Korea's stances in force today and its requests' answers."""
    html = page(client, reverse("tracker:home"))
    korea = html[html.index('id="standing-south-korea"') :]
    korea = korea[: korea.index("</article>")]
    assert "requests received</a>:" in korea
    assert "with no answer reported" in korea
    assert 'class="position position--' in korea
    assert "Most asked for" in html
    # Only the statuses some request has.
    statuses = html[html.index('id="by-status"') : html.index('id="by-category"')]
    assert '<span class="count__number">0</span>' not in statuses


@pytest.mark.parametrize("url", ["/", reverse("tracker:contribution-list"), "/actors/south-korea/"])
def test_aid_totals_read_as_a_newsroom_writes_them(client, seeded, url):
    html = page(client, url)
    assert "520 billion KRW" in html
    assert "520,000,000,000" not in html


@pytest.mark.parametrize(
    ("url", "menu", "model"),
    [
        (reverse("tracker:contribution-list"), "donor", Contribution),
        (reverse("tracker:contribution-list"), "recipient", Contribution),
        (LIST, "addressee", AidRequest),
    ],
)
def test_an_actor_menu_lists_the_actors_its_rows_name(client, seeded, url, menu, model):
    html = page(client, url)
    select = html[html.index(f'name="{menu}"') :]
    select = select[: select.index("</select>")]

    listed = set(re.findall(r'<option value="([^"]+)"', select))
    assert listed == set(model.objects.values_list(f"{menu}__slug", flat=True))
    assert 0 < len(listed) < Actor.objects.count()


@pytest.mark.parametrize(
    ("url", "api", "menu", "model"),
    [
        (reverse("tracker:contribution-list"), "/api/v1/contributions/", "donor", Contribution),
        (LIST, "/api/v1/requests/", "requester", AidRequest),
    ],
)
def test_an_actor_left_out_of_a_menu_filters_to_nothing(client, seeded, url, api, menu, model):
    """The menu lists the actors its rows name; any other actor is a valid filter that finds
    no rows (not a 400), shown chosen; only a slug that names no actor is refused."""
    actor = Actor.objects.exclude(pk__in=model.objects.values(menu)).first()

    found = client.get(api, {menu: actor.slug})
    html = page(client, url, {menu: actor.slug})
    unknown = client.get(api, {menu: "nobody-at-all"})

    assert found.status_code == 200
    assert found.json()["results"] == []
    assert f'<option value="{actor.slug}" selected>' in html
    assert unknown.status_code == 400
    assert menu in unknown.json()


def test_a_stance_without_a_start_reads_long_standing(client, seeded):
    html = page(client, reverse("tracker:home"))
    assert "long-standing</span>" in html
    assert "since long-standing" not in html


def test_a_year_only_date_spans_its_year(client, seeded):
    request = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    AidRequest.objects.filter(pk=request.pk).update(
        made_on=datetime.date(2023, 1, 1), made_on_precision="year"
    )
    html = page(client, reverse("tracker:home"))
    assert "2023, no month given: 1 request made" in html
    assert "in the year</text>" in html


def test_a_month_only_date_spans_its_month_beside_the_days(client, seeded):
    """A date given only to the month is a bar from the month's start to its end, below the
    line, not a dot on one day; the month's facts dated to the day keep their dot."""
    lanes = client.get(reverse("tracker:home")).context["timeline"]["lanes"]
    requests = {mark.label.split(":")[0]: mark for mark in lanes[0].marks}
    day, month = requests["November 2024"], requests["November 2024, no day given"]
    # 30 of the chart's 1,096 days (2022 to 2024) across its 920 px, less a pixel between months.
    assert (day.width, month.width) == (0, pytest.approx(920 * 30 / 1096 - 1, abs=0.2))
    assert day.x == pytest.approx(month.middle, abs=1)
    assert month.y > day.y
    html = page(client, reverse("tracker:home"))
    assert f'<rect x="{month.x}" y="{month.y - 7:g}" width="{month.width}"' in html


def test_request_detail_shows_sources_that_differ_side_by_side(client, seeded):
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    html = page(client, cheongung.get_absolute_url())
    assert "Sources differ:" in html
    assert html.count('<div class="side">') == 3
    assert "Reported after the visit as a purchase." in html


def test_article_page_highlights_every_quote_and_links_the_facts(client, seeded):
    article = SourceArticle.objects.get(slug="ep-2024-11-28-seoul-declines")
    html = page(client, article.get_absolute_url())

    for citation in article.citations.all():
        assert f'id="citation-{citation.pk}"' in html
    assert "<mark>Additionally, the country’s defense industry currently lacks" in html
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    assert f'href="{cheongung.get_absolute_url()}">Aid request: Cheongung' in html
    assert "A little bit goes a long way" not in html


def test_article_page_warns_about_a_quote_that_drifted(client, seeded):
    citation = Citation.objects.filter(request__isnull=False).first()
    Citation.objects.filter(pk=citation.pk).update(quote="Words the article never had.")

    html = page(client, citation.source.get_absolute_url())

    assert "1 quote not found in this text" in html


def test_actor_page_shows_roles_aliases_and_requests(client, seeded):
    html = page(client, reverse("tracker:actor-detail", args=["rustem-umerov"]))
    assert "Umierov" in html
    assert "Minister of Defence" in html
    assert "attested 26 November 2024 – 28 November 2024" in html
    assert "Cheongung air defence missile systems" in html


def test_actor_list_finds_actors_by_alias(client, seeded):
    html = page(client, reverse("tracker:actor-list"), {"q": "Nexsone"})
    assert ">LIG Nex1</a>" in html
    assert ">Hanwha</a>" not in html


def test_stance_timeline_is_in_date_order(client, seeded):
    html = page(client, reverse("tracker:stance-list"))
    order = [
        "Long-standing ban on weapons to conflict zones",
        "Reconsidering weapons for Ukraine",
        "Not ruling out weapons, defensive systems first",
    ]
    positions = [html.index(title) for title in order]
    assert positions == sorted(positions)
    assert "Prompted by" in html


@pytest.mark.parametrize(
    "url",
    [
        reverse("tracker:home"),
        LIST,
        reverse("tracker:actor-list"),
        reverse("tracker:actor-detail", args=["south-korea"]),
        reverse("tracker:item-list"),
        reverse("tracker:item-detail", args=["m-sam2"]),
        reverse("tracker:stance-list"),
        reverse("tracker:stance-detail", args=["kr-reconsider-weapons-2024-06"]),
        reverse("tracker:event-detail", args=["okhmatdyt-strike-2024"]),
        reverse("tracker:contribution-detail", args=["kr-ua-financial-aid-2024"]),
        reverse("tracker:source-list"),
    ],
)
def test_pages_have_one_h1_landmarks_and_labelled_controls(client, seeded, url):
    html = page(client, url)
    assert html.count("<h1") == 1
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    for attributes in re.findall(r"<(?:input|select|textarea)\b([^>]*)>", html):
        if 'type="hidden"' in attributes:
            continue
        control_id = re.search(r'\bid="([^"]+)"', attributes).group(1)
        assert f'<label for="{control_id}">' in html, control_id


@pytest.mark.parametrize(
    "url",
    [
        reverse("tracker:actor-detail", args=["atlantis"]),
        reverse("tracker:item-detail", args=["death-ray"]),
        reverse("tracker:stance-detail", args=["none"]),
        reverse("tracker:event-detail", args=["none"]),
        reverse("tracker:contribution-detail", args=["none"]),
        reverse("tracker:source-detail", args=[99999]),
        reverse("tracker:request-detail", args=[99999]),
    ],
)
def test_unknown_records_are_404(client, seeded, url):
    assert client.get(url).status_code == 404


def test_the_filter_form_carries_only_hidden_filters_that_are_set(client, seeded):
    html = page(client, reverse("tracker:request-list") + "?item=cheongung")

    form = html.split('<form class="filters"')[1].split("</form>")[0]
    assert 'name="item" value="cheongung"' in form
    for empty in ["source", "voiced_by", "changed_since"]:
        assert f'name="{empty}"' not in form


def test_request_filters_fold_the_rarely_used_and_say_what_is_applied(client, seeded):
    html = page(client, reverse("tracker:request-list") + "?status=declined&category=radar")
    main = html[html.index('class="filters"') : html.index('class="filters__more"')]
    assert 'name="q"' in main and 'name="status"' in main and 'name="as_of"' not in main
    # Nothing folded is in use: the rest stays closed.
    assert '<details class="filters__more">' in html
    assert re.search(r"<strong>\d+</strong> declined radar requests?</p>", html)
    chips = html[html.index('aria-label="Filters in use"') :]
    assert 'href="?category=radar"' in chips  # removes the status, keeps the category
    # Dates typed as written everywhere else, not in the browser's locale.
    assert 'placeholder="YYYY-MM-DD"' in html and 'type="date"' not in html
    assert "true:" not in html


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ("", "requests"),
        ("status=pending&category=air_defence", "air-defence requests? with no answer reported"),
        ("addressee=south-korea&q=Cheongung", "requests? to South Korea matching “Cheongung”"),
        (
            "status=declined&made_after=2022-01-01",
            "declined requests?, made on or after 2022-01-01",
        ),
    ],
)
def test_the_request_count_reads_as_a_sentence(client, seeded, query, sentence):
    html = page(client, reverse("tracker:request-list") + f"?{query}")
    assert re.search(rf"<strong>\d+</strong> {sentence}</p>", html)


def test_a_folded_filter_in_use_opens_the_rest(client, seeded):
    html = page(client, reverse("tracker:request-list") + "?made_after=2024-01-01")
    assert '<details class="filters__more" open>' in html


def test_an_actor_page_opens_with_a_summary(client, seeded):
    html = page(client, reverse("tracker:actor-detail", args=["south-korea"]))
    glance = html[
        html.index('id="at-a-glance"') : html.index("</section>", html.index('id="at-a-glance"'))
    ]
    assert "Stance now" in glance and "Requests received" in glance and "Aid given" in glance
    assert html.index('id="at-a-glance"') < html.index('id="received"')
    assert "In force now" in html
    # A stance behind a run of answers is shown once for the run: the four refusals of
    # 28 November 2024 show the ban once, the 2022 answer after other stances again.
    responses = html[html.index('id="responses"') :]
    responses = responses[: responses.index("</section>")]
    assert responses.count('href="/stances/kr-no-weapons-to-conflict-zones/"') == 2


def test_page_defects_fixed(client, seeded):
    """A favicon; a contribution's heading says who gave what, its description below."""
    html = page(client, reverse("tracker:home"))
    assert '<link rel="icon" href="/static/favicon.svg"' in html
    contribution = Contribution.objects.filter(item__isnull=False).first()
    html = page(client, contribution.get_absolute_url())
    heading = html[html.index("<h1>") : html.index("</h1>")]
    assert f"{contribution.donor} → {contribution.recipient}" in heading
    assert contribution.description not in heading


def test_a_quote_with_its_own_quotation_marks_is_not_marked_twice():
    own = Citation(quote="“Anti-aircraft systems are defensive.”")
    bare = Citation(quote="declined the weapon sales")
    assert own.quoted == "“Anti-aircraft systems are defensive.”"
    assert bare.quoted == "“declined the weapon sales”"


def test_an_article_without_a_publisher_names_its_site():
    assert SourceArticle(url="https://www.koreaherald.com/x").publisher_name == "koreaherald.com"
    assert SourceArticle().publisher_name == "publisher not recorded"


def test_stances_are_drawn_as_a_step_chart_with_a_text_alternative(client, seeded):
    for url in (
        reverse("tracker:stance-list"),
        reverse("tracker:actor-detail", args=["south-korea"]),
    ):
        html = page(client, url)
        chart = html[
            html.index('class="stance-chart"') : html.index(
                "</svg>", html.index('class="stance-chart"')
            )
        ]
        assert (
            "<desc" in chart
            and "Prohibits, Long-standing ban on weapons to conflict zones" in chart
        )
        assert "<a" not in chart  # an image holds nothing focusable
        assert "stance-chart__trigger" in chart  # a change an event prompted


def test_a_mistyped_address_gets_the_site_404_in_development_too(client, settings):
    import importlib

    from django.urls import clear_url_caches

    import aidtracker.urls

    settings.DEBUG = True
    try:
        importlib.reload(aidtracker.urls)
        clear_url_caches()
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert b"<h1>Not found</h1>" in response.content and b"site-header" in response.content
        assert client.get("/requests").status_code == 301  # APPEND_SLASH still redirects
    finally:
        settings.DEBUG = False
        importlib.reload(aidtracker.urls)
        clear_url_caches()


def test_an_item_page_opens_with_a_summary(client, seeded):
    html = page(client, reverse("tracker:item-detail", args=["cheongung"]))
    glance = html[html.index('id="at-a-glance"') :]
    glance = glance[: glance.index("</section>")]
    assert "<dt>Requests</dt>" in glance and "1 declined</a>" in glance
