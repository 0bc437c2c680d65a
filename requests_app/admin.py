"""The curators' admin: every write goes through the services, every change is kept."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    Actor,
    ActorAlias,
    AidRequest,
    AidResponse,
    Citation,
    Contribution,
    Event,
    Item,
    ItemAlias,
    PolicyStance,
    Role,
    SourceArticle,
)
from .models.dates import parse_partial_date
from .text import intake
from .text.highlight import highlight
from .text.quotes import quote_in_text


class VersionedForm(forms.ModelForm):
    """Carries the version the curator opened; a save over a newer one is refused."""

    # Not named "version": a form field of that name would stand for the model's own.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The saved version, not the instance's: reverting to a past state starts from today's.
        model = type(self.instance)
        saved = model.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
        self.fields["opened_version"].initial = saved.first()
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text += " Leave blank to make one from the name."

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            # Locked until this save commits: no other save can slip in between.
            current = (
                type(self.instance)
                .objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and cleaned.get("opened_version") != current:
                raise ValidationError(str(services.StaleEdit(self.instance)), code="stale")
        return cleaned


class CuratedInline:
    """An inline whose rows are saved and deleted through the services."""

    def save_record(self, record) -> None:
        services.record_save(record=record)

    def delete_record(self, record) -> None:
        services.record_delete(record=record)


class CitationInline(CuratedInline, admin.StackedInline):
    model = Citation
    fields = ["source", "quote", "note"]
    autocomplete_fields = ["source"]
    extra = 1
    # A fact keeps at least one citation: the form says so before the service would refuse.
    min_num = 1
    validate_min = True

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {"quote": forms.Textarea(attrs={"rows": 2, "cols": 90})})
        return super().get_formset(request, obj, **kwargs)

    def delete_record(self, record) -> None:
        services.citation_delete(citation=record)


class CuratedAdmin(SimpleHistoryAdmin):
    """Saves and deletes through the services; keeps every change, with who made it."""

    form = VersionedForm
    # Django 6's default, today: a URL typed without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change) -> None:
        # A new record is saved in save_related, with its first citations, in one service
        # call; an edit (or a revert to a past version) is saved here.
        if change:
            self.save_record(
                obj,
                expected_version=form.cleaned_data.get("opened_version"),
                related=self.related_from(form),
                citations=[],
            )

    def save_record(self, record, *, expected_version, related, citations) -> None:
        services.record_save(
            record=record, expected_version=expected_version, related=related, citations=citations
        )

    @staticmethod
    def related_from(form) -> dict:
        """The many-to-many links the form edits, to save with the record."""
        return {
            field.name: form.cleaned_data[field.name]
            for field in form.instance._meta.many_to_many
            if field.name in form.cleaned_data
        }

    def save_related(self, request, form, formsets, change) -> None:
        inlines = {inline.model: inline(self.model, self.admin_site) for inline in self.inlines}
        if not change:
            cited = [formset for formset in formsets if formset.model is Citation]
            self.save_record(
                form.instance,
                expected_version=None,
                related=self.related_from(form),
                citations=cited[0].save(commit=False) if cited else [],
            )
        for formset in formsets:
            inline = inlines[formset.model]
            if change or formset.model is not Citation:
                for record in formset.save(commit=False):
                    inline.save_record(record)
            for record in formset.deleted_objects:
                inline.delete_record(record)
            formset.save_m2m()

    def delete_model(self, request, obj) -> None:
        services.record_delete(record=obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class AliasInline(CuratedInline, admin.TabularInline):
    fields = ["name", "language"]
    extra = 1


class ActorAliasInline(AliasInline):
    model = ActorAlias


class ItemAliasInline(AliasInline):
    model = ItemAlias


class RoleInline(CuratedInline, admin.TabularInline):
    model = Role
    fk_name = "person"
    fields = [
        "title",
        "organisation",
        "held_from",
        "held_from_precision",
        "held_until",
        "held_until_precision",
    ]
    autocomplete_fields = ["organisation"]
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        # A new role needs its citation, which an inline cannot hold: add it on its own page.
        return False


class ResponseInline(CuratedInline, admin.StackedInline):
    model = AidResponse
    fields = [
        ("decision", "responded_on", "responded_on_precision"),
        ("responder", "voiced_by", "stance"),
        "summary",
        "reason",
    ]
    autocomplete_fields = ["responder", "voiced_by", "stance"]
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        # A new answer needs its citation, which an inline cannot hold: add it on its own page.
        return False

    def save_record(self, record) -> None:
        services.response_save(response=record)

    def delete_record(self, record) -> None:
        services.response_delete(response=record)


@admin.register(Actor)
class ActorAdmin(CuratedAdmin):
    list_display = ["name", "kind", "country", "alias_list", "slug"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "aliases__name"]
    inlines = [ActorAliasInline, RoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="Also written")
    def alias_list(self, actor: Actor) -> str:
        return ", ".join(alias.name for alias in actor.aliases.all())


@admin.register(Role)
class RoleAdmin(CuratedAdmin):
    list_display = ["person", "title", "organisation", "held_from", "held_until"]
    list_select_related = ["person", "organisation"]
    list_filter = ["organisation"]
    date_hierarchy = "held_from"
    search_fields = ["title", "person__name", "person__aliases__name"]
    autocomplete_fields = ["person", "organisation"]
    inlines = [CitationInline]


@admin.register(Item)
class ItemAdmin(CuratedAdmin):
    list_display = ["name", "category", "lethality", "maker", "unit_cost_display", "alias_list"]
    list_select_related = ["maker"]
    list_filter = ["category", "lethality"]
    search_fields = ["name", "slug", "aliases__name"]
    autocomplete_fields = ["maker", "variant_of"]
    inlines = [ItemAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="Also called")
    def alias_list(self, item: Item) -> str:
        return ", ".join(alias.name for alias in item.aliases.all())


@admin.register(AidRequest)
class AidRequestAdmin(CuratedAdmin):
    list_display = [
        "title",
        "requester",
        "addressee",
        "item",
        "made_on",
        "status",
        "current_stance",
    ]
    list_select_related = ["requester", "addressee", "item", "latest_response__stance__holder"]
    list_filter = ["status", "channel", "mode", "item__category", "requester", "addressee"]
    date_hierarchy = "made_on"
    search_fields = [
        "title",
        "summary",
        "requester__name",
        "requester__aliases__name",
        "addressee__name",
        "addressee__aliases__name",
        "voiced_by__name",
        "voiced_by__aliases__name",
        "item__name",
        "item__aliases__name",
    ]
    readonly_fields = ["status", "current_stance"]
    autocomplete_fields = ["requester", "addressee", "voiced_by", "item"]
    inlines = [ResponseInline, CitationInline]

    @admin.display(description="Stance behind the latest response")
    def current_stance(self, aid_request: AidRequest):
        return aid_request.current_stance or "—"


@admin.register(AidResponse)
class AidResponseAdmin(CuratedAdmin):
    list_display = ["request", "responder", "responded_on", "decision", "stance"]
    list_select_related = ["request", "responder", "stance__holder"]
    list_filter = ["decision", "responder"]
    date_hierarchy = "responded_on"
    search_fields = [
        "summary",
        "reason",
        "request__title",
        "responder__name",
        "responder__aliases__name",
        "voiced_by__aliases__name",
    ]
    autocomplete_fields = ["request", "responder", "voiced_by", "stance", "conflicts_with"]
    inlines = [CitationInline]

    def save_record(self, record, *, expected_version, related, citations) -> None:
        services.response_save(
            response=record,
            expected_version=expected_version,
            conflicts_with=related.get("conflicts_with"),
            citations=citations,
        )

    def delete_model(self, request, obj) -> None:
        services.response_delete(response=obj)


@admin.register(PolicyStance)
class PolicyStanceAdmin(CuratedAdmin):
    list_display = ["title", "holder", "position", "in_force_from", "in_force_until", "trigger"]
    list_select_related = ["holder", "trigger"]
    list_filter = ["position", "holder"]
    date_hierarchy = "in_force_from"
    search_fields = [
        "title",
        "subject",
        "summary",
        "legal_basis",
        "holder__name",
        "holder__aliases__name",
    ]
    autocomplete_fields = ["holder", "supersedes", "trigger"]
    inlines = [CitationInline]


@admin.register(Contribution)
class ContributionAdmin(CuratedAdmin):
    list_display = ["description", "donor", "recipient", "status", "amount_display", "given_on"]
    list_select_related = ["donor", "recipient"]
    list_filter = ["status", "donor", "recipient"]
    date_hierarchy = "given_on"
    search_fields = [
        "description",
        "donor__name",
        "donor__aliases__name",
        "recipient__name",
        "recipient__aliases__name",
    ]
    autocomplete_fields = ["donor", "recipient", "intermediary", "item", "request"]
    inlines = [CitationInline]


@admin.register(Event)
class EventAdmin(CuratedAdmin):
    list_display = ["title", "kind", "occurred_on", "location"]
    list_filter = ["kind"]
    date_hierarchy = "occurred_on"
    search_fields = ["title", "summary", "actors__name", "actors__aliases__name"]
    autocomplete_fields = ["actors"]
    inlines = [CitationInline]


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


@admin.register(Citation)
class CitationAdmin(CuratedAdmin):
    list_display = ["quote", "source", "target_field", "note"]
    list_select_related = ["source__publisher"]
    list_filter = ["source"]
    search_fields = ["quote", "note", "source__title"]
    autocomplete_fields = ["source", *Citation.TARGET_FIELDS]

    def delete_model(self, request, obj) -> None:
        services.citation_delete(citation=obj)


@admin.register(ActorAlias)
class ActorAliasAdmin(CuratedAdmin):
    list_display = ["name", "actor", "language"]
    list_select_related = ["actor"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]


@admin.register(ItemAlias)
class ItemAliasAdmin(CuratedAdmin):
    list_display = ["name", "item", "language"]
    list_select_related = ["item"]
    search_fields = ["name", "item__name"]
    autocomplete_fields = ["item"]
