"""The admin of each kind of record: actors, items, facts, citations and aliases."""

from django.contrib import admin

from .. import services
from ..models import (
    Action,
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
)
from .curation import CitationInline, CuratedAdmin, CuratedInline


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
        "ended_on",
        "end_reason",
    ]
    autocomplete_fields = ["organisation"]
    show_change_link = True
    extra = 0


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

    def save_record(self, record, citations=()) -> None:
        services.response_save(response=record, citations=citations)

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

    def get_deleted_objects(self, objs, request):
        """Events that name an actor protect it, as the delete service does."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        events = Event.objects.filter(actors__in=objs).distinct()
        return deleted, counts, perms_needed, [*protected, *(f"Event: {e}" for e in events)]

    @admin.display(description="Also written")
    def alias_list(self, actor: Actor) -> str:
        return ", ".join(alias.name for alias in actor.aliases.all())


@admin.register(Role)
class RoleAdmin(CuratedAdmin):
    list_display = ["person", "title", "organisation", "started_on", "ended_on", "end_reason"]
    list_select_related = ["person", "organisation"]
    list_filter = ["organisation", "end_reason"]
    fields = [
        "slug",
        "person",
        "title",
        "organisation",
        ("held_from", "held_from_precision"),
        ("held_until", "held_until_precision"),
        ("started_on", "started_on_precision"),
        ("ended_on", "ended_on_precision"),
        "end_reason",
        "conflict_note",
    ]
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
    autocomplete_fields = ["holder", "voiced_by", "supersedes", "trigger"]
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


@admin.register(Citation)
class CitationAdmin(CuratedAdmin):
    list_display = ["quote", "source", "target_field", "note"]
    list_select_related = ["source__publisher"]
    list_filter = ["source"]
    search_fields = ["quote", "quote_translation", "note", "source__title"]
    autocomplete_fields = ["source", "relayed_from", *Citation.TARGET_FIELDS]

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


@admin.register(Action)
class ActionAdmin(CuratedAdmin):
    list_display = ["actor", "kind", "counterpart", "occurred_on", "request"]
    list_select_related = ["actor", "counterpart", "request"]
    list_filter = ["kind", "actor", "counterpart"]
    date_hierarchy = "occurred_on"
    search_fields = [
        "summary",
        "actor__name",
        "actor__aliases__name",
        "counterpart__name",
        "counterpart__aliases__name",
    ]
    autocomplete_fields = ["actor", "counterpart", "request"]
    inlines = [CitationInline]
