"""What every curated record's admin shares: saves through the services, stale edits refused,
citations inline, slugs shown and never typed, dates as YYYY-MM-DD, autocomplete that says
what each choice is."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import (
    AdminDateWidget,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..models import FACTS, Actor, Citation, SourceArticle
from ..models.base import REVIEW_FIELDS, locked

# One date format across the admin, the one the API, fixtures and commands use. The calendar
# widget writes it too (static/admin/iso-dates.js).
DATE_FORMAT = "%Y-%m-%d"
ISO_DATES = {
    models.DateField: {
        "widget": AdminDateWidget(attrs={"placeholder": "YYYY-MM-DD"}, format=DATE_FORMAT),
        "input_formats": [DATE_FORMAT],
    },
    # Django 6's default, today: a URL typed without a scheme is taken as https.
    models.URLField: {"assume_scheme": "https"},
}


class CuratedMedia:
    css = {"all": ["admin/aidtracker.css"]}
    js = ["admin/iso-dates.js"]


class LabelledAutocompleteView(AutocompleteJsonView):
    """Autocomplete answers that say what each choice is: 'South Korea (Country, KR)'."""

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": autocomplete_label(obj)}


def autocomplete_label(obj) -> str:
    if isinstance(obj, Actor):
        details = [obj.get_kind_display(), obj.country.code if obj.country else ""]
        return f"{obj} ({', '.join(filter(None, details))})"
    return str(obj)


class LabelledAutocompleteSelect(AutocompleteSelect):
    """Asks the admin of the field's own model, whose answers carry the labels above."""

    def get_url(self) -> str:
        opts = self.field.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_autocomplete")


class LabelledAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    get_url = LabelledAutocompleteSelect.get_url


class LabelledAutocomplete:
    """Autocomplete fields that ask LabelledAutocompleteView."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                LabelledAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                LabelledAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class VersionedForm(forms.ModelForm):
    """Carries the version the curator opened; a save over a newer one is refused."""

    # Not named "version": a form field of that name would stand for the model's own.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.saved_version()

    def saved_version(self) -> int | None:
        # The saved version, not the instance's: reverting to a past state starts from today's.
        model = type(self.instance)
        return model.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and self.saves_record():
            # Locked until this save commits: no other save can slip in between.
            rows = locked(type(self.instance).objects.filter(pk=self.instance.pk))
            current = rows.values_list("version", flat=True).first()
            if current is not None and cleaned.get("opened_version") != current:
                raise ValidationError(str(services.StaleEdit(self.instance)), code="stale")
        return cleaned

    def saves_record(self) -> bool:
        """Whether saving the page saves this form's record: a record's own form always."""
        return True


class VersionedRowForm(VersionedForm):
    """An inline row, refused like its parent if its record changed since the page was opened
    (on its own page, another parent's or through the API) and saving the row would write it:
    its posted values differ from those saved now, or it is to be deleted. A row that would
    write nothing is not saved, and cannot overwrite anything."""

    def saved_version(self) -> int | None:
        # A row's instance is its saved record, read with the page's other rows (no query each).
        return self.instance.version if self.instance.pk is not None else None

    def saves_record(self) -> bool:
        return any(name != "opened_version" for name in self.changed_data)


class CitedRowForm(VersionedRowForm):
    """A fact edited inline, with a citation to add to it: a new row needs one."""

    cite_source = forms.ModelChoiceField(
        SourceArticle.objects.all(),
        required=False,
        label="Cite: article",
        widget=LabelledAutocompleteSelect(Citation._meta.get_field("source"), admin.site),
    )
    cite_quote = forms.CharField(
        required=False,
        max_length=Citation._meta.get_field("quote").max_length,
        label="Cite: quote",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text="The article's words that report this.",
    )

    def clean(self):
        cleaned = super().clean()
        source, quote = cleaned.get("cite_source"), cleaned.get("cite_quote", "").strip()
        if self.instance.pk is None and not (source and quote):
            raise ValidationError(
                "Cite the article that reports this, with its words: a new fact needs a citation."
            )
        if bool(source) != bool(quote):
            raise ValidationError("A citation needs both the article and its words.")
        if source and quote:
            # The citation's own rule (its quote occurs in its article), said on this field.
            try:
                Citation(source=source, quote=quote).clean()
            except ValidationError as error:
                self.add_error("cite_quote", error.message_dict.get("quote", error.messages))
        return cleaned

    def new_citations(self) -> list[Citation]:
        source, quote = self.cleaned_data.get("cite_source"), self.cleaned_data.get("cite_quote")
        return [Citation(source=source, quote=quote.strip())] if source and quote else []


class CuratedInline(LabelledAutocomplete):
    """An inline whose rows are saved and deleted through the services, each refused if stale;
    a fact's rows cite their articles in the row itself."""

    formfield_overrides = ISO_DATES

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("form", CitedRowForm if self.model in FACTS else VersionedRowForm)
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        fields = [*super().get_fields(request, obj), "opened_version"]
        return [*fields, "cited", "cite_source", "cite_quote"] if self.model in FACTS else fields

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "cited"] if self.model in FACTS else readonly

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.prefetch_related("citations__source") if self.model in FACTS else queryset

    @admin.display(description="Cited")
    def cited(self, record) -> str:
        citations = record.citations.all() if record.pk else []
        return format_html_join(
            "", "<p>“{}” <small>({})</small></p>", ((c.quote, c.source.title) for c in citations)
        ) or format_html("<p>{}</p>", "None yet.")

    def save_record(self, record, citations=()) -> None:
        services.record_save(record=record, citations=citations)

    def delete_record(self, record) -> None:
        services.record_delete(record=record)


class CitationInline(CuratedInline, admin.StackedInline):
    model = Citation
    fields = [
        "source",
        "quote",
        "quote_translation",
        ("translation_source", "translation_source_name"),
        ("relation", "attribution", "relayed_from"),
        "note",
    ]
    autocomplete_fields = ["source", "relayed_from"]
    extra = 1
    # A fact keeps at least one citation: the form says so before the service would refuse.
    min_num = 1
    validate_min = True

    def get_formset(self, request, obj=None, **kwargs):
        text = forms.Textarea(attrs={"rows": 2, "cols": 90})
        kwargs.setdefault("widgets", {"quote": text, "quote_translation": text})
        return super().get_formset(request, obj, **kwargs)

    def delete_record(self, record) -> None:
        services.citation_delete(citation=record)


class CuratedAdmin(LabelledAutocomplete, SimpleHistoryAdmin):
    """Saves and deletes through the services; keeps every change, with who made it."""

    form = VersionedForm
    formfield_overrides = ISO_DATES
    Media = CuratedMedia

    def get_urls(self):
        opts = self.model._meta
        autocomplete = LabelledAutocompleteView.as_view(admin_site=self.admin_site)
        return [
            path(
                "autocomplete/",
                self.admin_site.admin_view(autocomplete),
                name=f"{opts.app_label}_{opts.model_name}_autocomplete",
            ),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request, obj=None):
        """Without the slug on a new record: the service makes it from the name."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            if self.model in FACTS:
                # Shown, never edited here: the reviewer's queue (/admin/review/) reviews.
                fieldsets = [*fieldsets, ("Second reading", {"fields": REVIEW_FIELDS})]
            return fieldsets
        return [
            (name, {**options, "fields": _without_slug(options["fields"])})
            for name, options in fieldsets
        ]

    def get_fields(self, request, obj=None):
        """Without the second reading, which has a fieldset of its own."""
        return [f for f in super().get_fields(request, obj) if f not in REVIEW_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        has_slug = any(field.name == "slug" for field in self.model._meta.fields)
        readonly = [*readonly, "slug"] if obj is not None and has_slug else readonly
        return [*readonly, *REVIEW_FIELDS] if self.model in FACTS else readonly

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return [*shown, "review_state"] if self.model in FACTS else shown

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return [*filters, "review_state"] if self.model in FACTS else filters

    def get_search_results(self, request, queryset, search_term):
        """Matches, with those whose name, title or alias is the term itself first."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        condition = self.exact_match(term) if term else Q()
        if condition:
            exact = Case(When(condition, then=Value(0)), default=Value(1))
            ordering = self.get_ordering(request) or self.model._meta.ordering
            queryset = queryset.annotate(exact_match=exact).order_by("exact_match", *ordering)
        return queryset, may_have_duplicates

    def exact_match(self, term: str) -> Q:
        names = {f.name for f in self.model._meta.fields} & {"name", "title", "slug"}
        condition = Q()
        for name in names:
            condition |= Q(**{f"{name}__iexact": term})
        aliases = getattr(self.model, "aliases", None)
        if aliases is not None:
            relation = aliases.rel
            condition |= Q(
                Exists(
                    relation.related_model.objects.filter(
                        **{relation.field.name: OuterRef("pk"), "name__iexact": term}
                    )
                )
            )
        return condition

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new fact's first citation, pre-filled when it comes from its article's page with
        a passage chosen (?source=<article>&quote=<passage>)."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        source, quote = request.GET.get("source"), request.GET.get("quote")
        if isinstance(inline, CitationInline) and request.method == "GET" and source and quote:
            kwargs["initial"] = [{"source": source, "quote": quote}]
        return kwargs

    def response_post_save_add(self, request, obj):
        """Back to the article the new fact was cited from, to cite its next passage."""
        source = request.GET.get("source", "")
        if source.isdigit() and SourceArticle.objects.filter(pk=source).exists():
            url = reverse("admin:requests_app_sourcearticle_change", args=[source])
            return HttpResponseRedirect(f"{url}#cite")
        return super().response_post_save_add(request, obj)

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
                rows = {id(row.instance): row for row in formset.forms}
                for record in formset.save(commit=False):
                    row = rows[id(record)]
                    if isinstance(row, CitedRowForm):
                        inline.save_record(record, citations=row.new_citations())
                    else:
                        inline.save_record(record)
            for record in formset.deleted_objects:
                inline.delete_record(record)
            formset.save_m2m()

    def delete_model(self, request, obj) -> None:
        services.record_delete(record=obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def _without_slug(fields) -> list:
    """A fieldset's fields, rows of several included, without the slug."""
    kept = []
    for field in fields:
        if isinstance(field, list | tuple):
            row = [f for f in field if f != "slug"]
            if row:
                kept.append(tuple(row))
        elif field != "slug":
            kept.append(field)
    return kept
