"""What every curated record's admin shares: saves through the services, stale edits refused,
citations inline."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..models import (
    Citation,
)


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
    fields = ["source", "quote", ("relation", "attribution", "relayed_from"), "note"]
    autocomplete_fields = ["source", "relayed_from"]
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
