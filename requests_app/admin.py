from django.contrib import admin

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


class CitationInline(admin.TabularInline):
    model = Citation
    fields = ["source", "quote", "note"]
    autocomplete_fields = ["source"]
    extra = 1


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1


class ItemAliasInline(admin.TabularInline):
    model = ItemAlias
    extra = 1


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "slug"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActorAliasInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["person", "title", "organisation", "held_from", "held_until"]
    list_select_related = ["person", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["title", "person__name", "person__aliases__name"]
    autocomplete_fields = ["person", "organisation"]
    inlines = [CitationInline]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "lethality", "maker", "unit_cost_display"]
    list_select_related = ["maker"]
    list_filter = ["category", "lethality"]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["maker", "variant_of"]
    inlines = [ItemAliasInline]


@admin.register(AidRequest)
class AidRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "requester", "addressee", "item", "made_on", "channel", "status"]
    list_select_related = ["requester", "addressee", "item"]
    list_filter = ["status", "channel", "mode", "item__category"]
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
    readonly_fields = ["status", "latest_response"]
    autocomplete_fields = ["requester", "addressee", "voiced_by", "item"]
    inlines = [CitationInline]


@admin.register(AidResponse)
class AidResponseAdmin(admin.ModelAdmin):
    list_display = ["request", "responder", "responded_on", "decision", "stance"]
    list_select_related = ["request", "responder", "stance__holder"]
    list_filter = ["decision", "responder"]
    date_hierarchy = "responded_on"
    search_fields = ["summary", "reason", "request__title", "responder__aliases__name"]
    autocomplete_fields = ["request", "responder", "voiced_by", "stance", "conflicts_with"]
    inlines = [CitationInline]

    def save_model(self, request, obj, form, change) -> None:
        services.response_save(response=obj)

    def delete_model(self, request, obj) -> None:
        services.response_delete(response=obj)

    def delete_queryset(self, request, queryset) -> None:
        for response in queryset:
            services.response_delete(response=response)


@admin.register(PolicyStance)
class PolicyStanceAdmin(admin.ModelAdmin):
    list_display = ["title", "holder", "position", "in_force_from", "in_force_until"]
    list_select_related = ["holder"]
    list_filter = ["position", "holder"]
    search_fields = ["title", "subject", "summary", "legal_basis", "holder__aliases__name"]
    autocomplete_fields = ["holder", "supersedes", "trigger"]
    inlines = [CitationInline]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["description", "donor", "recipient", "status", "amount_display", "given_on"]
    list_select_related = ["donor", "recipient"]
    list_filter = ["status", "donor"]
    search_fields = ["description", "donor__aliases__name", "recipient__aliases__name"]
    autocomplete_fields = ["donor", "recipient", "intermediary", "item", "request"]
    inlines = [CitationInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "occurred_on"]
    list_filter = ["kind"]
    date_hierarchy = "occurred_on"
    search_fields = ["title", "summary", "actors__aliases__name"]
    autocomplete_fields = ["actors"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CitationInline]


@admin.register(SourceArticle)
class SourceArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "language"]
    list_select_related = ["publisher"]
    list_filter = ["publisher", "language"]
    date_hierarchy = "published_on"
    search_fields = ["title", "body", "publisher__name"]
    autocomplete_fields = ["publisher"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["quote", "source", "target_field"]
    list_select_related = ["source__publisher"]
    search_fields = ["quote", "note", "source__title"]
    autocomplete_fields = ["source", *Citation.TARGET_FIELDS]


@admin.register(ActorAlias)
class ActorAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "actor", "language"]
    list_select_related = ["actor"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]


@admin.register(ItemAlias)
class ItemAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "item", "language"]
    list_select_related = ["item"]
    search_fields = ["name", "item__name"]
    autocomplete_fields = ["item"]
