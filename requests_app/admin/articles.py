"""Source articles in the admin: their text with cited passages, the facts a curator cites
from it, and the import of a scraped page with a preview."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join

from .. import services
from ..models import Actor, Citation, DatePrecision, SourceArticle
from ..services.articles import DuplicateArticle, Imported, article_with_url
from ..text import intake, names
from ..text.highlight import highlight
from ..text.quotes import divergence, find_quote, quote_in_text
from .curation import DATE_FORMAT, CuratedAdmin, LabelledAutocompleteSelect


class LineNumbers(forms.Field):
    """Numbers of the page's lines, sent by checkboxes: those put back, or taken out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> frozenset[int]:
        return frozenset(int(n) for n in value or [] if str(n).isdigit())


class ArticleImportForm(forms.Form):
    text = forms.CharField(
        label="The page's text",
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        required=False,
        help_text="Paste the page's text as copied from the browser, furniture and all.",
    )
    file = forms.FileField(required=False, help_text="…or upload it as a UTF-8 text file.")
    title = forms.CharField(
        required=False,
        max_length=SourceArticle._meta.get_field("title").max_length,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text="Found on the page at the preview; correct it if it is wrong.",
    )
    author = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="The byline's, if the page has one.",
    )
    publisher = forms.ModelChoiceField(
        Actor.objects.filter(kind=Actor.Kind.MEDIA_OUTLET),
        required=False,
        widget=LabelledAutocompleteSelect(SourceArticle._meta.get_field("publisher"), admin.site),
        help_text="An outlet already in the database…",
    )
    new_outlet = forms.CharField(
        label="…or a new outlet",
        required=False,
        max_length=200,
        help_text="Its name: a media outlet of that name is created with the article, unless "
        "an actor already has that name or alias.",
    )
    url = forms.URLField(required=False, max_length=500, assume_scheme="https", label="URL")
    published_on = forms.DateField(
        required=False,
        input_formats=[DATE_FORMAT],
        widget=AdminDateWidget(attrs={"placeholder": "YYYY-MM-DD"}, format=DATE_FORMAT),
        help_text="Taken from the page's dateline at the preview, when it has one.",
    )
    published_on_precision = forms.ChoiceField(
        choices=DatePrecision.choices, initial=DatePrecision.DAY, label="Precision"
    )
    date_evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 100}),
        required=False,
        help_text="How the date was established.",
    )
    language = forms.CharField(
        max_length=12,
        required=False,
        help_text="BCP 47 code of the text ('ko', 'uk'); blank: read from its script.",
    )
    keep = LineNumbers(required=False)
    drop = LineNumbers(required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            try:
                cleaned["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise ValidationError("The file is not UTF-8 text.") from error
        if not cleaned.get("text", "").strip():
            raise ValidationError("Paste the article's text or upload a file.")
        if "\x00" in cleaned["text"]:
            raise ValidationError("The text contains NUL bytes: is it really a text file?")
        if cleaned.get("publisher") and cleaned.get("new_outlet", "").strip():
            self.add_error("new_outlet", "Choose an outlet or name a new one, not both.")
        return cleaned

    def filled_from(self, page: intake.Intake) -> "ArticleImportForm":
        """The same form, with what the page gave where the curator left a field blank: the
        text uploaded, the headline, the byline, the dateline."""
        data = self.data.copy()
        found = {
            "text": self.cleaned_data["text"],
            "title": page.title,
            "author": page.author,
            "published_on": f"{page.published_on:%Y-%m-%d}" if page.published_on else "",
            "date_evidence": f"Dated on the page: “{page.dateline}”." if page.dateline else "",
        }
        for name, value in found.items():
            if not data.get(name, "").strip() and value:
                data[name] = value
        return ArticleImportForm(data)


@admin.register(SourceArticle)
class SourceArticleAdmin(CuratedAdmin):
    list_display = ["title", "publisher", "published_on", "citation_count", "language"]
    list_select_related = ["publisher"]
    list_filter = ["publisher", "language"]
    date_hierarchy = "published_on"
    search_fields = [
        "title",
        "title_translation",
        "body",
        "publisher__name",
        "publisher__aliases__name",
    ]
    autocomplete_fields = ["publisher"]
    readonly_fields = ["facts_citing_it", "text_with_quotes", "mentions"]
    actions = ["check_citations"]

    class Media:
        js = ["admin/quote-picker.js"]

    change_list_template = "admin/requests_app/sourcearticle/change_list.html"
    change_form_template = "admin/requests_app/sourcearticle/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description="Citations", ordering="citation_count")
    def citation_count(self, article: SourceArticle) -> int:
        return article.citation_count

    def _citations(self, article: SourceArticle) -> list[Citation]:
        return list(
            article.citations.select_related(
                "request",
                "response__request",
                "stance__holder",
                "contribution__donor",
                "contribution__recipient",
                "event",
                "role__person",
                "action__actor",
                "action__counterpart",
            )
        )

    @admin.display(description="Facts that cite it")
    def facts_citing_it(self, article: SourceArticle) -> str:
        citations = self._citations(article)
        if not citations:
            return "None yet: choose a passage below, then what it reports."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: “{}”</li>',
                (
                    (
                        reverse(
                            f"admin:requests_app_{c.target._meta.model_name}_change",
                            args=[c.target.pk],
                        ),
                        c.target_label,
                        c.quote,
                    )
                    for c in citations
                ),
            ),
        )

    @admin.display(description="Text, with the cited passages highlighted")
    def text_with_quotes(self, article: SourceArticle) -> str:
        text = highlight(article.body, self._citations(article))
        return render_to_string(
            "admin/requests_app/sourcearticle/_highlighted.html", {"text": text}
        )

    @admin.display(description="Who and what it mentions")
    def mentions(self, article: SourceArticle) -> str:
        found = names.mentions(article.body)
        return render_to_string(
            "admin/requests_app/sourcearticle/_mentions.html", {"found": found, "anchors": True}
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        curated = [f for f in fieldsets[0][1]["fields"] if f not in self.readonly_fields]
        return [
            (None, {"fields": curated}),
            ("What it supports", {"fields": ["facts_citing_it", "text_with_quotes"]}),
            ("What to link", {"fields": ["mentions"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return super().get_readonly_fields(request, obj) if obj else []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "citable_facts": self.citable_facts(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def citable_facts(self, request: HttpRequest) -> list[dict]:
        """The kinds of fact the curator may add, each citing a passage of the article."""
        facts = []
        for field in Citation.TARGET_FIELDS:
            model = Citation._meta.get_field(field).related_model
            model_admin = self.admin_site._registry.get(model)
            if model_admin is not None and model_admin.has_add_permission(request):
                facts.append(
                    {"name": model._meta.model_name, "label": model._meta.verbose_name.capitalize()}
                )
        return facts

    @admin.action(description="Check the citations of the selected articles")
    def check_citations(self, request, queryset) -> None:
        articles = queryset.prefetch_related(
            Prefetch("citations", Citation.objects.only("pk", "source_id", "quote"))
        )
        for article in articles:
            citations = list(article.citations.all())
            missing = [c for c in citations if not quote_in_text(c.quote, article.body)]
            if missing:
                quotes = "; ".join(f"“{c.quote[:80]}”" for c in missing)
                found = f"{len(missing)} of {len(citations)} quotes not found"
                self.message_user(request, f"{article.title}: {found}: {quotes}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{article.title}: all {len(citations)} quotes found.",
                    messages.SUCCESS,
                )

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="requests_app_sourcearticle_import",
            ),
            path(
                "<int:object_id>/cite/",
                self.admin_site.admin_view(self.cite_view),
                name="requests_app_sourcearticle_cite",
            ),
            *super().get_urls(),
        ]

    def cite_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """A passage chosen on the article's page, checked as chosen, opens the form of the
        fact it reports with the citation filled in."""
        article = get_object_or_404(SourceArticle, pk=object_id)
        back = reverse("admin:requests_app_sourcearticle_change", args=[article.pk])
        quote = request.GET.get("quote", "").strip()
        facts = {fact["name"]: fact for fact in self.citable_facts(request)}
        fact = request.GET.get("fact", "")
        problem = ""
        span = find_quote(quote, article.body) if quote else None
        if fact not in facts:
            problem = "Choose what kind of fact the passage reports."
        elif not quote:
            problem = "Choose a passage of the article first: select it, or paste it."
        elif span is None:
            problem = f"This passage is not the article’s: {divergence(quote, article.body)}"
        elif span[1] - span[0] > Citation._meta.get_field("quote").max_length:
            problem = "A quote holds at most 600 characters: choose a shorter passage."
        if problem:
            self.message_user(request, problem, messages.ERROR)
            return redirect(f"{back}?{urlencode({'quote': quote})}#cite")
        try:
            add = reverse(f"admin:requests_app_{fact}_add")
        except NoReverseMatch:
            return redirect(back)
        # The article's own words, curly quotes and all, whatever the curator pasted.
        passage = article.body[span[0] : span[1]]
        return redirect(f"{add}?{urlencode({'source': article.pk, 'quote': passage})}")

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Paste a page, preview what would be stored and what was removed, correct, save."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ArticleImportForm(request.POST or None, request.FILES or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if "_save" in request.POST:
                try:
                    imported = services.article_import(
                        raw_text=data["text"],
                        publisher=data["publisher"],
                        new_outlet=data["new_outlet"],
                        url=data["url"],
                        title=data["title"],
                        author=data["author"],
                        published_on=data["published_on"],
                        published_on_precision=data["published_on_precision"],
                        date_evidence=data["date_evidence"],
                        language=data["language"],
                        keep=data["keep"],
                        drop=data["drop"],
                    )
                except DuplicateArticle as error:
                    form.add_error("url", self.duplicate_message(error.article))
                except ValidationError as error:
                    fields = error.error_dict if hasattr(error, "error_dict") else {None: error}
                    for field, errors in fields.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    return self.imported(request, imported)
            page = intake.read_page(
                data["text"], title=data["title"], keep=data["keep"], drop=data["drop"]
            )
            if not form.errors:
                form = form.filled_from(page)
                form.is_valid()
                if existing := article_with_url(data["url"]):
                    form.add_error("url", self.duplicate_message(existing))
            preview = {"page": page, "rows": body_rows(page), "found": names.mentions(page.body)}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import an article",
            "form": form,
            "preview": preview,
            "media": self.media + form.media,
        }
        return render(request, "admin/requests_app/sourcearticle/import.html", context)

    def imported(self, request: HttpRequest, imported: Imported) -> HttpResponse:
        article = imported.article
        if imported.outlet_created:
            self.message_user(
                request,
                f"Created the media outlet “{article.publisher}”: no actor had that name.",
                messages.WARNING,
            )
        self.message_user(
            request,
            f"Imported “{article.title}”. Choose a passage of its text to cite it in a new fact.",
            messages.SUCCESS,
        )
        return redirect("admin:requests_app_sourcearticle_change", article.pk)

    @staticmethod
    def duplicate_message(article: SourceArticle) -> str:
        url = reverse("admin:requests_app_sourcearticle_change", args=[article.pk])
        return format_html(
            'An article with this address is already stored: <a href="{}">{}</a>.', url, article
        )


def body_rows(page: intake.Intake) -> list[dict]:
    """The article's lines as the preview lists them: those kept, numbered as the paragraphs
    of the body, and those the curator took out."""
    rows, paragraph = [], 0
    for line in page.lines:
        if line.kept or line.kept_by_cleaning:
            paragraph += line.kept
            rows.append({"line": line, "paragraph": paragraph if line.kept else None})
    return rows
