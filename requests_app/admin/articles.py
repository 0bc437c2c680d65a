"""Source articles in the admin: their text with cited passages, and the import of a scraped
page."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from .. import services
from ..models import (
    Actor,
    Citation,
    SourceArticle,
)
from ..models.dates import parse_partial_date
from ..text import intake
from ..text.highlight import highlight
from ..text.quotes import quote_in_text
from .curation import CuratedAdmin


class ArticleImportForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        required=False,
        help_text="Paste the page's text as copied from the browser, furniture and all.",
    )
    file = forms.FileField(required=False, help_text="…or upload it as a UTF-8 text file.")
    title = forms.CharField(required=False, help_text="Leave blank to take the first line.")
    publisher = forms.ModelChoiceField(
        Actor.objects.filter(kind=Actor.Kind.MEDIA_OUTLET), required=False
    )
    url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    published_on = forms.CharField(help_text="YYYY-MM-DD, or YYYY-MM / YYYY if that is all.")
    date_evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 100}),
        required=False,
        help_text="How the date was established.",
    )
    language = forms.CharField(initial="en", max_length=12)

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
        try:
            parse_partial_date(cleaned.get("published_on", ""))
        except ValueError as error:
            self.add_error("published_on", str(error))
        return cleaned


@admin.register(SourceArticle)
class SourceArticleAdmin(CuratedAdmin):
    list_display = ["title", "publisher", "published_on", "citation_count", "language"]
    list_select_related = ["publisher"]
    list_filter = ["publisher", "language"]
    date_hierarchy = "published_on"
    search_fields = ["title", "body", "publisher__name", "publisher__aliases__name"]
    autocomplete_fields = ["publisher"]
    readonly_fields = ["facts_citing_it", "text_with_quotes", "mentions"]
    actions = ["check_citations"]

    class Media:
        css = {"all": ["admin/aidtracker.css"]}

    change_list_template = "admin/requests_app/sourcearticle/change_list.html"

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
            )
        )

    @admin.display(description="Facts that cite it")
    def facts_citing_it(self, article: SourceArticle) -> str:
        citations = self._citations(article)
        if not citations:
            return "None yet."
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
        found = intake.mentions(article.body)
        return render_to_string("admin/requests_app/sourcearticle/_mentions.html", {"found": found})

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
        return self.readonly_fields if obj else []

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
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ArticleImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                article = services.article_import(
                    raw_text=data["text"],
                    publisher=data["publisher"],
                    published_on=data["published_on"],
                    url=data["url"],
                    title=data["title"],
                    date_evidence=data["date_evidence"],
                    language=data["language"],
                )
            except (ValueError, ValidationError) as error:
                form.add_error(None, error if isinstance(error, ValidationError) else str(error))
            else:
                self.message_user(
                    request,
                    f"Imported “{article.title}”. Below: who and what it mentions, to link.",
                    messages.SUCCESS,
                )
                return redirect("admin:requests_app_sourcearticle_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import an article",
            "form": form,
        }
        return render(request, "admin/requests_app/sourcearticle/import.html", context)
