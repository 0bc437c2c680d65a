"""The admin from a pasted page to cited facts: the import's preview, citing a passage of the
article in a new fact, citations inline, autocomplete, slugs and dates, and the article page
with thousands of actors and items."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.models import (
    Actor,
    ActorAlias,
    AidRequest,
    AidResponse,
    Citation,
    Item,
    Role,
    SourceArticle,
)

IMPORT = "admin:requests_app_sourcearticle_import"
PAGE = (
    "Menu\n"
    "Seoul declnes Ukrainian request\n"
    "By Jane Doe\n"
    "Published 28 November 2024\n"
    "South Korea declined the sale of Cheongung missiles to Ukraine.\n"
    "Advertisement\n"
    "The Ukrainian delegation had asked to buy them during its visit.\n"
    "Subscribe to our newsletter\n"
)


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:requests_app_{model._meta.model_name}_{action}", args=args)


def import_post(client, **fields):
    data = {"text": PAGE, "language": "en", "published_on_precision": "day", **fields}
    return client.post(reverse(IMPORT), data)


def test_the_preview_shows_the_article_what_was_removed_and_the_names_and_saves_nothing(
    admin_client, ukraine, south_korea
):
    response = import_post(admin_client, _preview="Preview")

    html = response.content.decode()
    assert not SourceArticle.objects.exists()
    assert 'value="Seoul declnes Ukrainian request"' in html  # the headline, to correct
    assert 'value="Jane Doe"' in html
    assert 'value="2024-11-28"' in html
    assert "Dated on the page: “Published 28 November 2024”." in html
    assert '<p id="paragraph-1">South Korea declined the sale' in html
    removed = re.findall(r'name="keep" value="(\d+)"', html)
    assert removed == ["1", "2", "3", "4", "6", "8"]
    assert "an advertisement marker" in html
    assert "a share or subscribe prompt" in html
    assert re.search(r"South Korea</a> \(South Korea: <a href=\"#paragraph-1\"", html)
    assert re.search(r"Ukraine</a> \(Ukraine, Ukrainian: ", html)
    assert 'name="_save"' in html


def test_the_curator_corrects_the_title_puts_a_line_back_and_saves(admin_client, make_actor):
    outlet = make_actor("euromaidan-press", name="Euromaidan Press", kind="media_outlet")

    response = import_post(
        admin_client,
        _save="Save the article",
        title="Seoul declines Ukrainian request",
        publisher=outlet.pk,
        keep="6",
        drop="7",
    )

    article = SourceArticle.objects.get()
    assert response.url == admin_url(SourceArticle, "change", article.pk)
    assert article.title == "Seoul declines Ukrainian request"
    assert article.body == (
        "South Korea declined the sale of Cheongung missiles to Ukraine.\n\nAdvertisement"
    )
    assert (article.author, article.publisher) == ("Jane Doe", outlet)
    assert (article.published_on, article.published_on_precision) == (
        datetime.date(2024, 11, 28),
        "day",
    )


def test_a_new_outlet_is_created_with_the_article_and_said_so(admin_client):
    response = import_post(admin_client, _save="Save", new_outlet="Archyde")

    outlet = Actor.objects.get(name="Archyde")
    assert outlet.kind == Actor.Kind.MEDIA_OUTLET
    assert SourceArticle.objects.get().publisher == outlet
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Created the media outlet “Archyde”: no actor had that name." in messages


def test_a_second_import_of_an_address_links_to_the_article_stored(admin_client, make_article):
    stored = make_article(url="https://example.org/seoul-declines")

    preview = import_post(admin_client, _preview="Preview", url=stored.url)
    save = import_post(admin_client, _save="Save", url=stored.url)

    link = f'<a href="{admin_url(SourceArticle, "change", stored.pk)}">{stored}</a>'
    assert f"An article with this address is already stored: {link}." in preview.content.decode()
    assert f"An article with this address is already stored: {link}." in save.content.decode()
    assert SourceArticle.objects.count() == 1


def test_the_import_takes_dates_as_every_admin_form_does(admin_client):
    response = import_post(admin_client, _save="Save", published_on="28/11/2024")

    assert "Enter a valid date." in response.content.decode()
    assert not SourceArticle.objects.exists()


def test_a_page_without_a_dateline_asks_for_the_date_and_imports_nothing(admin_client):
    text = "Seoul declines the sale\nThe government declined the sale on Thursday."

    response = import_post(admin_client, text=text, _save="Save")

    assert "The page shows no date: give the publication date." in response.content.decode()
    assert not SourceArticle.objects.exists()


def test_an_uploaded_page_is_previewed_and_kept_in_the_form(admin_client):
    page = SimpleUploadedFile("page.txt", PAGE.encode(), content_type="text/plain")

    response = import_post(admin_client, text="", file=page, _preview="Preview")

    html = response.content.decode()
    assert re.search(r"Subscribe to our newsletter\s*</textarea>", html)
    assert 'value="Seoul declnes Ukrainian request"' in html


def test_the_import_form_is_the_admins_own_with_its_widgets(admin_client):
    html = admin_client.get(reverse(IMPORT)).content.decode()

    assert 'class="vDateField"' in html
    assert "admin/iso-dates.js" in html
    assert 'data-ajax--url="/admin/requests_app/sourcearticle/autocomplete/"' in html
    assert 'name="_save"' not in html  # a page is previewed before it is saved


# Citing a passage of the article in a new fact.


def test_the_article_page_offers_each_kind_of_fact_to_cite_a_passage_in(admin_client, article):
    html = admin_client.get(admin_url(SourceArticle, "change", article.pk)).content.decode()

    cite = reverse("admin:requests_app_sourcearticle_cite", args=[article.pk])
    assert f'<form id="cite-form" method="get" action="{cite}">' in html
    assert re.findall(r'form="cite-form" name="fact" value="(\w+)"', html) == [
        "aidrequest", "aidresponse", "policystance", "contribution", "event", "role", "action",
    ]  # fmt: skip
    assert '<textarea id="cite-quote" name="quote" form="cite-form"' in html
    assert "admin/quote-picker.js" in html


def test_a_passage_chosen_opens_the_facts_form_with_the_article_and_its_words(
    admin_client, article
):
    cite = reverse("admin:requests_app_sourcearticle_cite", args=[article.pk])

    # Pasted with straight quotes: the citation takes the article's own (curly) ones.
    response = admin_client.get(
        cite, {"quote": 'purely defensive equipment, not weapons."', "fact": "aidresponse"}
    )

    url = urlsplit(response.url)
    assert url.path == admin_url(AidResponse, "add")
    assert parse_qs(url.query) == {
        "source": [str(article.pk)],
        "quote": ["purely defensive equipment, not weapons.”"],
    }
    form = admin_client.get(response.url).content.decode()
    assert "purely defensive equipment, not weapons.”</textarea>" in form
    assert f'<option value="{article.pk}" selected>{article}</option>' in form


def test_a_passage_that_is_not_the_articles_is_refused_where_it_differs(admin_client, article):
    cite = reverse("admin:requests_app_sourcearticle_cite", args=[article.pk])

    response = admin_client.get(
        cite, {"quote": "ultimately declined the arms sales", "fact": "aidrequest"}, follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain[0][0].startswith(admin_url(SourceArticle, "change", article.pk))
    assert "This passage is not the article’s: The article matches it up to" in html
    assert "ultimately declined the arms sales</textarea>" in html


def test_saving_the_new_fact_cites_the_passage_and_returns_to_the_article(
    admin_client, article, aid_request, south_korea
):
    add = admin_url(AidResponse, "add") + f"?source={article.pk}&quote=declined+the+weapon+sales"
    data = {
        "request": aid_request.pk,
        "responder": south_korea.pk,
        "decision": "declined",
        "responded_on": "2024-11-28",
        "responded_on_precision": "day",
        "summary": "Seoul declines.",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-source": article.pk,
        "citations-0-quote": "declined the weapon sales",
        "citations-0-relation": "supports",
        "citations-0-attribution": "on_record",
        "_save": "Save",
    }

    response = admin_client.post(add, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert response.url == admin_url(SourceArticle, "change", article.pk) + "#cite"
    answer = AidResponse.objects.get(summary="Seoul declines.")
    assert [(c.source, c.quote) for c in answer.citations.all()] == [
        (article, "declined the weapon sales")
    ]
    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.DECLINED


# Citations inline wherever a fact is edited.


def inline_data(client, url: str) -> dict:
    """What the change form at `url` posts unchanged, inlines included."""
    page = client.get(url)
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({f"{formset.prefix}-{n}": management[n].value() for n in management.fields})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value not in (None, False):
                data[form.add_prefix(name)] = value
    return data


def test_a_response_added_on_its_requests_page_carries_its_citation(
    admin_client, aid_request, south_korea, article
):
    url = admin_url(AidRequest, "change", aid_request.pk)
    data = inline_data(admin_client, url)
    data.update(
        {
            "responses-TOTAL_FORMS": "1",
            "responses-0-request": aid_request.pk,
            "responses-0-decision": "declined",
            "responses-0-responded_on": "2024-11-28",
            "responses-0-responded_on_precision": "day",
            "responses-0-responder": south_korea.pk,
            "responses-0-summary": "Seoul declines.",
            "responses-0-reason": "",
            "responses-0-cite_source": article.pk,
            "responses-0-cite_quote": "ultimately declined the weapon sales",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    answer = aid_request.responses.get()
    assert [c.quote for c in answer.citations.all()] == ["ultimately declined the weapon sales"]
    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.DECLINED


@pytest.mark.parametrize(
    ("quote", "error"),
    [
        ("", "a new fact needs a citation"),
        ("declined every sale", "This quote does not occur in “Seoul declines Ukrainian request”"),
    ],
)
def test_a_response_added_inline_without_a_true_citation_is_refused(
    admin_client, aid_request, south_korea, article, quote, error
):
    url = admin_url(AidRequest, "change", aid_request.pk)
    data = inline_data(admin_client, url)
    data.update(
        {
            "responses-TOTAL_FORMS": "1",
            "responses-0-decision": "declined",
            "responses-0-responded_on": "2024-11-28",
            "responses-0-responded_on_precision": "day",
            "responses-0-responder": south_korea.pk,
            "responses-0-summary": "Seoul declines.",
            "responses-0-cite_source": article.pk if quote else "",
            "responses-0-cite_quote": quote,
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not aid_request.responses.exists()


def test_a_citation_is_added_to_a_role_on_its_persons_page(admin_client, make_actor, article):
    person = make_actor("kim-yong-hyun", name="Kim Yong-hyun", kind="person")
    url = admin_url(Actor, "change", person.pk)
    data = inline_data(admin_client, url)
    data.update(
        {
            "roles-TOTAL_FORMS": "1",
            "roles-0-title": "Defence minister",
            "roles-0-held_from": "2024-11-28",
            "roles-0-held_from_precision": "day",
            "roles-0-held_until_precision": "day",
            "roles-0-cite_source": article.pk,
            "roles-0-cite_quote": "South Korean government",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    role = Role.objects.get(person=person)
    assert [c.quote for c in role.citations.all()] == ["South Korean government"]
    page = admin_client.get(url).content.decode()
    assert "“South Korean government” <small>(Seoul declines Ukrainian request)</small>" in page


def test_an_inline_quote_not_in_the_article_is_refused_with_where_it_differs(
    admin_client, aid_request, record_response, article
):
    record_response(aid_request, "under_consideration", datetime.date(2024, 11, 27))
    url = admin_url(AidRequest, "change", aid_request.pk)
    data = inline_data(admin_client, url)
    data.update(
        {"responses-0-cite_source": article.pk, "responses-0-cite_quote": "declined every sale"}
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "This quote does not occur in “Seoul declines Ukrainian request”" in (
        response.content.decode()
    )
    assert Citation.objects.filter(quote="declined every sale").count() == 0


# Autocomplete, slugs and dates.


def test_autocomplete_ranks_exact_names_and_aliases_first_and_says_what_each_is(
    admin_client, make_actor
):
    make_actor("kida", name="Korea Institute for Defense Analyses", kind="research_institute")
    make_actor("mnd", name="Ministry of National Defense of Korea", kind="government_body")
    korea = make_actor("south-korea", name="South Korea", country="KR")
    korea.aliases.create(name="Korea")

    response = admin_client.get(
        reverse("admin:requests_app_aidrequest_autocomplete"),
        {
            "term": "korea",
            "app_label": "requests_app",
            "model_name": "aidrequest",
            "field_name": "requester",
        },
    )

    assert [r["text"] for r in response.json()["results"]] == [
        "South Korea (Country, KR)",
        "Korea Institute for Defense Analyses (Research institute)",
        "Ministry of National Defense of Korea (Government body)",
    ]


def test_slugs_are_made_from_names_and_shown_never_typed(admin_client):
    add = admin_client.get(admin_url(Actor, "add")).content.decode()
    assert 'name="slug"' not in add

    admin_client.post(
        admin_url(Actor, "add"),
        {
            "name": "Korea Institute for Defense Analyses",
            "kind": "research_institute",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )

    actor = Actor.objects.get()
    assert actor.slug == "korea-institute-for-defense-analyses"
    change = admin_client.get(admin_url(Actor, "change", actor.pk)).content.decode()
    assert 'name="slug"' not in change
    assert '<div class="readonly">korea-institute-for-defense-analyses</div>' in change


def test_every_admin_form_reads_and_shows_dates_as_yyyy_mm_dd(admin_client, aid_request):
    url = admin_url(AidRequest, "change", aid_request.pk)
    html = admin_client.get(url).content.decode()
    assert re.search(r'name="made_on" value="2024-11-27"', html)
    assert "admin/iso-dates.js" in html

    data = inline_data(admin_client, url)
    response = admin_client.post(url, {**data, "made_on": "27/11/2024"})

    assert "Enter a valid date." in response.content.decode()


# The article's page with thousands of names to look for.


def article_page_queries(client, article) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(admin_url(SourceArticle, "change", article.pk))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_article_page_runs_the_same_queries_with_5000_actors_and_1000_items(
    admin_client, article, ukraine, south_korea
):
    few, _ = article_page_queries(admin_client, article)

    Actor.objects.bulk_create(
        Actor(slug=f"actor-{n}", name=f"Minister Number{n}", kind="person") for n in range(5000)
    )
    actors = Actor.objects.filter(slug__startswith="actor-").values_list("pk", flat=True)
    ActorAlias.objects.bulk_create(
        ActorAlias(actor_id=pk, name=f"Envoy Alias{pk}") for pk in actors
    )
    Item.objects.bulk_create(
        Item(slug=f"item-{n}", name=f"System Mark{n}", category="other", lethality="disputed")
        for n in range(1000)
    )
    many, html = article_page_queries(admin_client, article)

    assert many == few
    assert re.search(r"Ukraine</a> \(Ukrainian: ", html)
    assert re.search(r"South Korea</a> \(South Korean: ", html)
