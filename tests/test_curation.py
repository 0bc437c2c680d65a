"""The curators' admin: inlines, quote checks, history, stale edits, roles, article intake."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from requests_app.models import Actor, AidRequest, AidResponse, Citation, SourceArticle

NOV_28 = datetime.date(2024, 11, 28)


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:requests_app_{model._meta.model_name}_{action}", args=args)


def form_data(response) -> dict:
    """What the admin form on `response` would post, unchanged: its fields and inlines."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        data.update({f"{formset.prefix}-{n}": management[n].value() for n in management.fields})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value
    return data


def test_request_page_edits_responses_and_citations_inline(admin_client, aid_request):
    html = admin_client.get(admin_url(AidRequest, "change", aid_request.pk)).content.decode()
    assert 'id="responses-group"' in html
    assert 'id="citations-group"' in html


def test_a_response_edited_inline_updates_the_requests_status(
    admin_client, aid_request, record_response
):
    record_response(aid_request, "under_consideration", NOV_28)
    url = admin_url(AidRequest, "change", aid_request.pk)
    data = form_data(admin_client.get(url))
    data["responses-0-decision"] = "declined"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.DECLINED


def test_new_answers_are_added_on_their_own_page_with_a_citation(
    admin_client, aid_request, south_korea, article
):
    url = admin_url(AidResponse, "add")
    data = {
        **form_data(admin_client.get(url)),
        "request": aid_request.pk,
        "decision": "declined",
        "responded_on": "2024-11-28",
        "responded_on_precision": "day",
        "responder": south_korea.pk,
        "summary": "Seoul declines.",
    }
    without = admin_client.post(url, data)
    assert "id_citations-0-quote_error" in without.content.decode()
    assert not AidResponse.objects.exists()

    data |= {"citations-0-source": article.pk, "citations-0-quote": "declined the weapon sales"}
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.DECLINED
    assert AidResponse.objects.get().slug  # made from its name, since the curator left it blank


def test_a_bad_quote_is_refused_showing_where_it_diverges(admin_client, aid_request, article):
    url = admin_url(AidRequest, "change", aid_request.pk)
    data = form_data(admin_client.get(url))
    data.update(
        {
            "citations-0-source": article.pk,
            "citations-0-quote": "the South Korean government ultimately approved the weapon sales",
        }
    )

    html = admin_client.post(url, data).content.decode()

    assert "This quote does not occur in" in html
    assert "then reads “declined the weapon sales" in html
    assert not Citation.objects.filter(source=article).exists()


def test_check_citations_action_reports_missing_quotes(admin_client, aid_request, article, cite):
    citation = cite(article, "declined the weapon sales", request=aid_request)
    Citation.objects.filter(pk=citation.pk).update(quote="Words never written.")

    response = admin_client.post(
        admin_url(SourceArticle, "changelist"),
        {"action": "check_citations", "_selected_action": [article.pk]},
        follow=True,
    )

    assert "1 of 1 quotes not found: “Words never written.”" in response.content.decode()


def test_article_page_lists_facts_text_and_mentions(admin_client, aid_request, article, cite):
    cite(article, "declined the weapon sales", request=aid_request)
    Actor.objects.get(slug="south-korea").aliases.create(name="Seoul")

    html = admin_client.get(admin_url(SourceArticle, "change", article.pk)).content.decode()

    assert "Facts that cite it" in html
    assert admin_url(AidRequest, "change", aid_request.pk) in html
    assert "<mark>declined the weapon sales</mark>" in html
    assert re.search(r"South Korea</a> \([^)]*Seoul", html)


def test_every_change_is_kept_with_who_made_it_and_can_be_reverted(admin_client, ukraine):
    url = admin_url(Actor, "change", ukraine.pk)
    data = form_data(admin_client.get(url))
    admin_client.post(url, {**data, "name": "Ukraine (renamed)"})
    ukraine.refresh_from_db()
    assert ukraine.name == "Ukraine (renamed)"

    history = ukraine.history.order_by("history_date")
    assert [h.name for h in history] == ["Ukraine", "Ukraine (renamed)"]
    assert history.last().history_user.username == "admin"
    history_page = admin_client.get(admin_url(Actor, "history", ukraine.pk))
    assert "Ukraine (renamed)" in history_page.content.decode()

    revert_url = admin_url(Actor, "simple_history", ukraine.pk, history.first().history_id)
    response = admin_client.post(revert_url, form_data(admin_client.get(revert_url)))

    assert response.status_code == 302
    ukraine.refresh_from_db()
    assert ukraine.name == "Ukraine"


def test_a_stale_edit_is_refused_instead_of_overwriting(admin_client, ukraine):
    url = admin_url(Actor, "change", ukraine.pk)
    first = form_data(admin_client.get(url))
    second = form_data(admin_client.get(url))

    assert (
        admin_client.post(url, {**first, "description": "First curator's words."}).status_code
        == 302
    )
    response = admin_client.post(url, {**second, "description": "Second curator's words."})

    assert response.status_code == 200
    assert "was changed by admin" in response.content.decode()
    assert "Reload the page" in response.content.decode()
    ukraine.refresh_from_db()
    assert ukraine.description == "First curator's words."


def test_a_stale_inline_row_is_refused_like_its_parent(admin_client, aid_request, record_response):
    answer = record_response(aid_request, "under_consideration", NOV_28)
    url = admin_url(AidRequest, "change", aid_request.pk)
    first = form_data(admin_client.get(url))
    second = form_data(admin_client.get(url))
    page = admin_client.get(url).content.decode()
    assert 'name="responses-0-opened_version"' in page
    assert 'name="citations-0-opened_version"' in page

    corrected = admin_client.post(url, {**first, "responses-0-summary": "Corrected summary."})
    assert corrected.status_code == 302
    response = admin_client.post(url, {**second, "responses-0-reason": "Second editor's reason."})

    assert response.status_code == 200
    assert "Reload the page" in response.content.decode()
    answer.refresh_from_db()
    assert (answer.summary, answer.reason) == ("Corrected summary.", "")


def test_a_row_corrected_elsewhere_is_not_reverted_by_a_stale_parent_page(
    admin_client, aid_request, record_response
):
    answer = record_response(aid_request, "under_consideration", NOV_28)
    request_url = admin_url(AidRequest, "change", aid_request.pk)
    stale = form_data(admin_client.get(request_url))
    answer_url = admin_url(AidResponse, "change", answer.pk)
    corrected = {**form_data(admin_client.get(answer_url)), "summary": "Corrected summary."}
    assert admin_client.post(answer_url, corrected).status_code == 302

    # The second editor changes only the request; the row still shows the old summary.
    response = admin_client.post(request_url, {**stale, "title": "Cheongung, to buy (2024)"})

    assert response.status_code == 200
    assert "aid response was changed by admin" in response.content.decode()
    answer.refresh_from_db()
    aid_request.refresh_from_db()
    assert answer.summary == "Corrected summary."
    assert aid_request.title == "Cheongung, to buy"
    fresh = form_data(admin_client.get(request_url))
    assert (
        admin_client.post(request_url, {**fresh, "title": "Cheongung, to buy (2024)"}).status_code
        == 302
    )


def test_deleting_what_facts_depend_on_is_refused_with_the_list(admin_client, aid_request):
    ukraine = aid_request.requester
    response = admin_client.post(admin_url(Actor, "delete", ukraine.pk), {"post": "yes"})

    html = response.content.decode()
    assert "would require deleting the following protected related objects" in html
    assert "Cheongung, to buy" in html
    assert Actor.objects.filter(pk=ukraine.pk).exists()


@pytest.fixture
def roles(db):
    call_command("setup_roles", verbosity=0)


def staff_in(group: str) -> User:
    user = User.objects.create_user(group, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_setup_roles_is_idempotent(roles):
    before = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    call_command("setup_roles", verbosity=0)
    after = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert before == after
    assert Group.objects.count() == 2


@pytest.mark.parametrize(
    ("group", "can_add", "can_change", "can_delete"),
    [("curator", True, True, False), ("editor", True, True, True)],
)
def test_each_role_can_do_exactly_its_part(
    client, roles, aid_request, group, can_add, can_change, can_delete
):
    client.force_login(staff_in(group))
    for model, obj in [(AidRequest, aid_request), (SourceArticle, None), (Citation, None)]:
        assert (client.get(admin_url(model, "add")).status_code == 200) is can_add
        if obj:
            change = client.get(admin_url(model, "change", obj.pk))
            assert ('name="_save"' in change.content.decode()) is can_change
            delete = client.get(admin_url(model, "delete", obj.pk))
            assert (delete.status_code == 200) is can_delete


def test_curator_cannot_delete_even_in_bulk(client, roles, aid_request):
    client.force_login(staff_in("curator"))
    client.post(
        admin_url(AidRequest, "changelist"),
        {"action": "delete_selected", "_selected_action": [aid_request.pk], "post": "yes"},
    )
    assert AidRequest.objects.filter(pk=aid_request.pk).exists()


def test_non_staff_cannot_reach_the_admin(client, db):
    client.force_login(User.objects.create_user("reader", password="pw-for-tests-only"))

    response = client.get(admin_url(AidRequest, "changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
