from urllib.parse import urlsplit

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Cast
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from .exports import (
    ACTION_COLUMNS,
    CONTRIBUTION_COLUMNS,
    EVENT_COLUMNS,
    records_csv,
    requests_csv,
)
from .filters import (
    ActionFilter,
    ActorFilter,
    AidRequestFilter,
    AsOfForm,
    ConflictsForm,
    ContributionFilter,
    EventFilter,
    ItemFilter,
    SourceArticleFilter,
)
from .kept import kept_per_data_version
from .linked_data import csl_item, request_claims, script, view_citation
from .models import (
    Action,
    Actor,
    AidRequest,
    AidResponse,
    Contribution,
    DataRelease,
    Event,
    Item,
    PolicyStance,
    Qualifier,
    Role,
    SourceArticle,
    Tally,
)
from .models.amounts import format_amount
from .pagination import BadCursor, IdPaginator
from .past import moment, restate, stances_on
from .recorded import RecordedAtForm, corrections, permalink, pinned_at
from .text.highlight import highlight
from .timeline import build_timeline, stance_chart

PAGE_SIZE = 25
FILTER_FORM = "requests_app/_filter_form.html"
# Actor and item pages show the first rows of each kind and link to the full lists.
DETAIL_ROWS = 20
# The stance list shows this many governments a page, each with its chart.
STANCE_HOLDERS_PER_PAGE = 10


def home(request: HttpRequest) -> HttpResponse:
    """The answer first: where each most-asked government stands now and what it was asked
    for, then counts and the timeline. Every count comes from the tallies (tallies.py)."""
    # The timeline's own tallies are read only when it is drawn (once per data version).
    tallied = Tally.objects.filter(
        subject__in=["request_addressee_status", "request_item"]
    ).counts()
    by_addressee: dict[int, dict[str, int]] = {}
    for key, count in tallied.get("request_addressee_status", {}).items():
        addressee, status = key.split(":", 1)
        by_addressee.setdefault(int(addressee), {})[status] = count
    status_counts: dict[str, int] = {}
    for counts in by_addressee.values():
        for status, count in counts.items():
            status_counts[status] = status_counts.get(status, 0) + count
    per_item = {int(item): n for item, n in tallied.get("request_item", {}).items()}
    # Rows, not model instances, found by a join rather than by sending 1,000 ids: at 1,000
    # items, either cost more than the page. Every item ever counted (a count that a write has
    # just taken to zero is still there).
    asked = Tally.objects.filter(subject="request_item").values(item=Cast("key", BigIntegerField()))
    items = {
        row["pk"]: row
        for row in Item.objects.filter(pk__in=asked).values("pk", "slug", "name", "category")
    }
    category_counts: dict[str, int] = {}
    for item_id, count in per_item.items():
        category = items[item_id]["category"]
        category_counts[category] = category_counts.get(category, 0) + count
    most_asked = sorted(per_item, key=lambda item_id: (-per_item[item_id], items[item_id]["name"]))
    return render(
        request,
        "requests_app/home.html",
        {
            "standings": standings(by_addressee),
            "most_asked": [(items[item_id], per_item[item_id]) for item_id in most_asked[:6]],
            "status_counts": [
                (status, status_counts[status.value])
                for status in AidRequest.Status
                if status.value in status_counts
            ],
            "category_counts": [
                (category, category_counts[category.value])
                for category in Item.Category
                if category.value in category_counts
            ],
            "request_total": sum(status_counts.values()),
            "aid_totals": donor_totals(Contribution.objects.all(), limit=DASHBOARD_DONORS),
            "latest_responses": fold_stances(
                AidResponse.objects.select_related(
                    "request__requester", "request__addressee", "responder", "stance"
                ).order_by("-responded_on", "-pk")[:6]
            ),
            "timeline": kept_per_data_version(
                request,
                "timeline",
                lambda: render_to_string(
                    "requests_app/_timeline.html",
                    {
                        "timeline": build_timeline(
                            reverse("tracker:request-list"), Tally.objects.counts()
                        )
                    },
                ),
            ),
        },
    )


# The dashboard answers for the governments asked most, and lists the largest donors' aid.
DASHBOARD_ADDRESSEES = 3
DASHBOARD_DONORS = 12


def fold_stances(responses) -> list[AidResponse]:
    """Responses in a timeline, each marked `stance_repeated` when the one above it gave the
    same stance: a stance is shown once for a run of answers it is behind."""
    responses = list(responses)
    previous = None
    for response in responses:
        response.stance_repeated = response.stance_id is not None and response.stance_id == previous
        # An answer without a stance does not break the run.
        previous = response.stance_id or previous
    return responses


def standings(by_addressee: dict[int, dict[str, int]]) -> list[dict]:
    """For the governments asked most: the stances in force today, and how many of the
    requests they received were answered, refused, or have no answer reported."""
    most_asked = sorted(by_addressee, key=lambda pk: -sum(by_addressee[pk].values()))
    most_asked = most_asked[:DASHBOARD_ADDRESSEES]
    actors = Actor.objects.in_bulk(most_asked)
    stances = (
        PolicyStance.objects.filter(holder__in=most_asked)
        .select_related("trigger")
        .latest_in_force_on(timezone.localdate())
    )
    pending = AidRequest.Status.PENDING.value
    rows = []
    for pk in most_asked:
        counts = by_addressee[pk]
        received = sum(counts.values())
        rows.append(
            {
                "actor": actors[pk],
                "stances": stances.get(pk, []),
                "received": received,
                "answered": received - counts.get(pending, 0),
                "declined": counts.get(AidRequest.Status.DECLINED.value, 0),
                "unanswered": counts.get(pending, 0),
            }
        )
    return rows


def browse(
    request: HttpRequest, filterset, template: str, page_context=None, **context
) -> HttpResponse:
    """A filtered, paginated list; a bad filter value answers 400 with the form's errors.
    `page_context(filterset, page)` adds what depends on the page's rows to the context."""
    context["primary_fields"], context["more_fields"] = filter_fields(filterset)

    def respond(page, status=200) -> HttpResponse:
        shown = {"filter": filterset, "page": page, **context}
        shown["filter_form"] = filter_form(request, shown)
        return render(request, template, shown, status=status)

    if not filterset.is_valid():
        return respond(None, status=400)
    paginator = IdPaginator(filterset.qs, PAGE_SIZE, rows=filterset.queryset, request=request)
    if "cursor" in request.GET:
        try:
            page = paginator.cursor_page(request.GET["cursor"])
        except BadCursor as error:
            filterset.form.add_error(None, f"Cursor: {error} Start again from the first page.")
            return respond(None, status=400)
    else:
        page = paginator.get_page(request.GET.get("page"))
    if page_context:
        context |= page_context(filterset, page)
    context["applied"] = applied_filters(request, filterset)
    return respond(page)


def filter_form(request: HttpRequest, context: dict) -> str:
    """A list's filter form and chips, rendered once per data version for each set of filters
    (its menus list every actor: without this, they cost more than the page's rows)."""

    def make() -> str:
        return render_to_string(FILTER_FORM, context, request)

    if context["filter"].errors:
        return make()
    shown = request.GET.copy()
    for name in ("page", "cursor"):
        shown.pop(name, None)
    return kept_per_data_version(request, f"{request.path}?{shown.urlencode()}", make)


# Parameters that say how to list, not what: never shown as filters.
NOT_FILTERS = {"ordering", "cursor", "page", "changed_since"}


def applied_filters(request: HttpRequest, filterset) -> list[dict]:
    """The filters in use, each with its label, its value as the form shows it, and the
    address of the list without it: the chips and the sentence above a list."""
    applied = []
    for field in filterset.form:
        value = filterset.form.cleaned_data.get(field.name)
        if field.name in NOT_FILTERS or value in (None, "", []):
            continue
        choices = dict(getattr(field.field, "choices", ()))
        shown = choices.get(value, value)
        remaining = request.GET.copy()
        for name in (field.name, "page", "cursor"):
            remaining.pop(name, None)
        applied.append(
            {
                "name": field.name,
                "label": field.label,
                "value": shown.isoformat() if hasattr(shown, "isoformat") else str(shown),
                "url": value.get_absolute_url() if hasattr(value, "get_absolute_url") else "",
                "remove": f"?{remaining.urlencode()}" if remaining else request.path,
            }
        )
    return applied


def filter_fields(filterset) -> tuple[list, list]:
    """The visible fields beside the search box (the filterset's `primary`) and the others."""
    primary = getattr(filterset, "primary", None)
    fields = filterset.form.visible_fields()
    if primary is None:
        return fields, []
    return (
        [field for field in fields if field.name in primary],
        [field for field in fields if field.name not in primary],
    )


def request_list(request: HttpRequest) -> HttpResponse:
    filterset = AidRequestFilter(request.GET, queryset=AidRequest.objects.for_listing())
    return browse(
        request,
        filterset,
        "requests_app/aidrequest_list.html",
        page_context=request_rows,
        noun="request",
    )


def request_rows(filterset, page) -> dict:
    """What each row shows beside its own fields: whether it is disputed, and, with no answer
    reported, the stance in force that rules it out; with as_of, all as reported then (with
    the addressees' stances then)."""
    day = filterset.form.cleaned_data["as_of"]
    rows = page.object_list
    if day is not None:
        restate(rows, day)
    # A stance rules out a request with no answer; with as_of, the page lists them all.
    waiting = {row.pk for row in rows if row.status == AidRequest.Status.PENDING}
    stances = stances_on(
        {row.addressee_id for row in rows if day is not None or row.pk in waiting}, day
    )
    # Asked of the page's rows only, so that the cost stays that of one page.
    contested = set(
        AidRequest.objects.filter(pk__in=[row.pk for row in rows])
        .contested(day)
        .values_list("pk", flat=True)
    )
    for row in rows:
        row.contested = row.pk in contested
        row.ruled_out = (
            row.ruled_out_by(stances.get(row.addressee_id, [])) if row.pk in waiting else None
        )
    context = {"sentence": request_sentence(filterset.form.cleaned_data, page.paginator.count)}
    if day is None:
        return context
    held = [stance for holder_stances in stances.values() for stance in holder_stances]
    return context | {"past": moment(day), "stances_then": sorted(held, key=str)}


# Statuses that read after the noun: "requests under consideration", not "under
# consideration requests"; the others read before it ("declined requests").
STATUS_AFTER_NOUN = {
    AidRequest.Status.PENDING: "with no answer reported",
    AidRequest.Status.UNDER_CONSIDERATION: "under consideration",
    AidRequest.Status.ALTERNATIVE_OFFERED: "offered an alternative",
}


def request_sentence(filters: dict, count: int) -> dict:
    """The request list's main filters as words around its count ("3 declined air-defence
    requests to South Korea, matching “radar”"), and the names of those it phrased: the page
    lists the others after it."""
    before, after = [], []
    if status := filters.get("status"):
        status = AidRequest.Status(status)
        if status in STATUS_AFTER_NOUN:
            after.append(STATUS_AFTER_NOUN[status])
        else:
            before.append(status.label.lower())
    if category := filters.get("category"):
        before.append(Item.Category(category).label.lower().replace(" ", "-"))
    if addressee := filters.get("addressee"):
        after.append(f"to {addressee}")
    if requester := filters.get("requester"):
        after.append(f"from {requester}")
    if q := filters.get("q"):
        after.append(f"matching “{q}”")
    noun = "request" if count == 1 else "requests"
    return {
        "phrase": " ".join([*before, noun, *after]),
        "phrased": {"status", "category", "addressee", "requester", "q"},
    }


def bad_filter(filterset) -> HttpResponse:
    """A CSV download's answer to a bad filter value: 400, naming the parameter."""
    errors = "; ".join(
        f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
    )
    return HttpResponse(f"Bad filter. {errors}\n", status=400, content_type="text/plain")


def request_export(request: HttpRequest) -> HttpResponse:
    filterset = AidRequestFilter(request.GET, queryset=AidRequest.objects.for_listing())
    if not filterset.is_valid():
        return bad_filter(filterset)
    return requests_csv(request, filterset.qs, filterset.form.cleaned_data["as_of"])


# The other lists, each with its filters, its rows and its CSV columns.
CONTRIBUTIONS = Contribution.objects.select_related("donor", "recipient", "intermediary", "item")
EVENTS = Event.objects.prefetch_related("actors")
ACTIONS = Action.objects.select_related("actor", "counterpart", "request")


def contribution_list(request: HttpRequest) -> HttpResponse:
    filterset = ContributionFilter(request.GET, queryset=CONTRIBUTIONS)
    return browse(
        request,
        filterset,
        "requests_app/contribution_list.html",
        page_context=aid_totals,
        noun="contribution",
    )


def aid_totals(filterset, page) -> dict:
    return {"totals": donor_totals(filterset.qs)}


def donor_totals(contributions, limit: int | None = None) -> list[dict]:
    """Totals of aid by donor, status and currency, each as a newsroom writes it ("520 billion
    KRW"): amounts in different currencies are never added together."""
    totals = (
        contributions.exclude(amount=None)
        .order_by("donor__name", "status", "currency")
        .values("donor__name", "status", "currency")
        .annotate(
            total=Sum("amount"),
            count=Count("pk"),
            # "More than $230 million" and "about 377 million" make a total a bound, not a sum.
            qualified=Count("pk", filter=~Q(amount_qualifier=Qualifier.EXACT)),
        )
    )
    return [
        {**total, "total_display": format_amount(total["total"], total["currency"])}
        for total in totals[:limit]
    ]


def event_list(request: HttpRequest) -> HttpResponse:
    filterset = EventFilter(request.GET, queryset=EVENTS)
    return browse(request, filterset, "requests_app/event_list.html", noun="event")


def action_list(request: HttpRequest) -> HttpResponse:
    filterset = ActionFilter(request.GET, queryset=ACTIONS)
    return browse(request, filterset, "requests_app/action_list.html", noun="action")


# The CSV downloads of those lists: their filters, rows, columns and file name.
EXPORTS = {
    "aid": (ContributionFilter, CONTRIBUTIONS, CONTRIBUTION_COLUMNS, "aid.csv"),
    "events": (EventFilter, EVENTS, EVENT_COLUMNS, "events.csv"),
    "actions": (ActionFilter, ACTIONS, ACTION_COLUMNS, "actions.csv"),
}


def list_export(request: HttpRequest, kind: str) -> HttpResponse:
    filterset_class, queryset, columns, filename = EXPORTS[kind]
    filterset = filterset_class(request.GET, queryset=queryset)
    if not filterset.is_valid():
        return bad_filter(filterset)
    return records_csv(request, filterset.qs, columns, filename)


def action_detail(request: HttpRequest, slug: str) -> HttpResponse:
    action = get_object_or_404(ACTIONS.with_citations(), slug=slug)
    corrected(request, [action])
    return render(request, "requests_app/action_detail.html", {"action": action})


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return render(request, "400.html", {"form": form}, status=400)
    day = form.cleaned_data["as_of"]
    requests = AidRequest.objects.for_listing().select_related("item__maker").with_reports(day)
    if day is not None:
        requests = requests.known_on(day)
    try:
        # Not first(): it would sort the one row, and building the sort's SQL over the joined
        # tables' columns cost Django half a millisecond.
        aid_request = requests.get(pk=pk)
    except AidRequest.DoesNotExist:
        return request_not_yet_reported(request, get_object_or_404(AidRequest, pk=pk), day)
    if day is not None:
        restate([aid_request], day)
    corrected(request, [aid_request, *aid_request.responses.all()])
    addressee_stances = stances_on([aid_request.addressee_id], day).get(
        aid_request.addressee_id, []
    )
    return render(
        request,
        "requests_app/aidrequest_detail.html",
        {
            "aid_request": aid_request,
            "past": day and moment(day),
            "as_of_form": form,
            "addressee_stances": addressee_stances,
            "ruled_out_by": aid_request.ruled_out_by(addressee_stances)
            if aid_request.status == AidRequest.Status.PENDING
            else None,
            "timeline": response_groups(aid_request.responses.all()),
            "claims": script(request_claims(request, aid_request)),
        },
    )


def corrected(request: HttpRequest, facts: list) -> None:
    """Give the facts a page shows their corrections since first published (on a pinned read,
    those made by its moment)."""
    corrections(facts, until=getattr(request, "recorded_at", None))


def request_not_yet_reported(request: HttpRequest, aid_request: AidRequest, day) -> HttpResponse:
    """404, saying when the sources first reported the request, if they ever did."""
    return render(
        request,
        "requests_app/aidrequest_not_yet.html",
        {
            "aid_request": aid_request,
            "past": moment(day),
            "first_reported": aid_request.first_reported_on,
        },
        status=404,
    )


def response_groups(responses) -> list[list[AidResponse]]:
    """Responses in date order, each with the reports that conflict with it beside it."""
    groups, placed = [], set()
    for response in responses:
        if response.pk in placed:
            continue
        group = [response, *(r for r in responses if r in response.conflicts_with.all())]
        placed.update(r.pk for r in group)
        groups.append(group)
    return groups


def conflicts(request: HttpRequest) -> HttpResponse:
    """Every disputed fact: disputed by a source, or reported differently, each side with its
    source and quotes. A page of each kind, or, with `kind`, that kind's pages."""
    form = ConflictsForm(request.GET)
    if not form.is_valid():
        return render(request, "400.html", {"form": form}, status=400)
    chosen = form.cleaned_data["kind"]
    responses = (
        AidResponse.objects.select_related("request")
        .with_citations()
        .prefetch_related(
            Prefetch("conflicts_with", AidResponse.objects.select_related("responder"))
        )
    )
    facts = {
        "request": AidRequest.objects.with_citations(),
        "response": responses,
        "stance": PolicyStance.objects.select_related("holder").with_citations(),
        "contribution": Contribution.objects.select_related("donor", "recipient").with_citations(),
        "event": Event.objects.with_citations(),
        "action": Action.objects.select_related("actor", "counterpart").with_citations(),
        "role": Role.objects.select_related("person", "organisation").with_citations(),
    }
    kinds = []
    for anchor, title in form.fields["kind"].choices[1:]:
        model = facts[anchor].model
        # The disputed facts' ids from their partial indexes, then in the list's order by
        # primary key: no read of a large table whole, at any page (tests/test_dashboard.py).
        disputed = [pk for pk in model.objects.disputed_ids() if pk is not None]
        ordered = model.objects.filter(pk__in=disputed).values_list("pk", flat=True)
        paginator = Paginator(list(ordered), PAGE_SIZE)
        page = None
        if chosen in ("", anchor):
            page = paginator.get_page(request.GET.get("page") if chosen == anchor else 1)
            rows = facts[anchor].in_bulk(page.object_list)
            page.object_list = [rows[pk] for pk in page.object_list]
        kinds.append({"title": title, "anchor": anchor, "count": paginator.count, "page": page})
    context = {"kinds": kinds, "chosen": chosen, "total": sum(kind["count"] for kind in kinds)}
    return render(request, "requests_app/conflicts.html", context)


def actor_list(request: HttpRequest) -> HttpResponse:
    filterset = ActorFilter(request.GET, queryset=Actor.objects.prefetch_related("aliases"))
    return browse(request, filterset, "requests_app/actor_list.html", noun="actor")


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor.objects.prefetch_related("aliases"), slug=slug)
    requests = AidRequest.objects.for_listing()
    shown = DETAIL_ROWS
    positions = Role.objects.filter(organisation=actor).select_related("person")
    received = {
        key.split(":", 1)[1]: count
        for key, count in Tally.objects.filter(
            subject="request_addressee_status", key__startswith=f"{actor.pk}:"
        )
        .counts()
        .get("request_addressee_status", {})
        .items()
    }
    today = timezone.localdate()
    stances_now = PolicyStance.objects.filter(holder=actor).latest_in_force_on(today)
    stances = list(PolicyStance.objects.filter(holder=actor).select_related("trigger")[:shown])
    return render(
        request,
        "requests_app/actor_detail.html",
        {
            "actor": actor,
            "shown": shown,
            "requests_made": requests.filter(requester=actor)[:shown],
            "requests_received": requests.filter(addressee=actor)[:shown],
            "requests_voiced": requests.filter(voiced_by=actor)[:shown],
            "responses": fold_stances(
                AidResponse.objects.filter(Q(responder=actor) | Q(voiced_by=actor))
                .select_related("request", "stance")
                .order_by("-responded_on", "-pk")[:shown]
            ),
            "stances": stances,
            "stance_chart": stance_chart(stances, today),
            "stances_now": stances_now.get(actor.pk, []),
            "received": {
                "total": sum(received.values()),
                "declined": received.get(AidRequest.Status.DECLINED.value, 0),
                "unanswered": received.get(AidRequest.Status.PENDING.value, 0),
            },
            "aid_given": donor_totals(Contribution.objects.filter(donor=actor)),
            "roles": Role.objects.filter(person=actor)
            .select_related("organisation")
            .with_citations(),
            "current_positions": positions.current(),
            "past_positions": positions.ended(),
            "attested_positions": positions.exclude(
                Q(pk__in=positions.current().values("pk"))
                | Q(pk__in=positions.ended().values("pk"))
            ),
            "actions": ACTIONS.filter(Q(actor=actor) | Q(counterpart=actor))[:shown],
            "contributions": Contribution.objects.filter(
                Q(donor=actor) | Q(recipient=actor) | Q(intermediary=actor)
            ).select_related("donor", "recipient", "item")[:shown],
            "events": actor.events.all()[:shown],
            "articles": actor.articles_published.all()[:shown],
        },
    )


def item_list(request: HttpRequest) -> HttpResponse:
    filterset = ItemFilter(
        request.GET, queryset=Item.objects.select_related("maker").prefetch_related("aliases")
    )
    return browse(request, filterset, "requests_app/item_list.html", noun="item")


def item_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(
        Item.objects.select_related("maker", "variant_of").prefetch_related("aliases", "variants"),
        slug=slug,
    )
    return render(
        request,
        "requests_app/item_detail.html",
        {
            "item": item,
            "request_statuses": [
                (AidRequest.Status(status).label, count)
                for status, count in AidRequest.objects.filter(item=item)
                .order_by("status")
                .values_list("status")
                .annotate(n=Count("pk"))
            ],
            "aid_given": donor_totals(Contribution.objects.filter(item=item)),
            "requests": AidRequest.objects.for_listing().filter(item=item)[:DETAIL_ROWS],
            "contributions": Contribution.objects.filter(item=item).select_related(
                "donor", "recipient"
            )[:DETAIL_ROWS],
        },
    )


def stance_list(request: HttpRequest) -> HttpResponse:
    """Each government's stances and their chart, a page of governments at a time (350 stances
    of 50 governments made one page of 500 KB that took 100 ms to draw)."""
    holders = Actor.objects.filter(Exists(PolicyStance.objects.filter(holder=OuterRef("pk"))))
    page = Paginator(holders.order_by("name", "pk"), STANCE_HOLDERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown = list(page)
    stances = (
        PolicyStance.objects.filter(holder__in=shown)
        .select_related("trigger", "supersedes")
        .order_by(F("in_force_from").asc(nulls_first=True), "pk")
    )
    held: dict[int, list] = {}
    for stance in stances:
        held.setdefault(stance.holder_id, []).append(stance)
    today = timezone.localdate()
    charts = [
        (holder, held[holder.pk], stance_chart(held[holder.pk], today))
        for holder in shown
        if holder.pk in held  # unless a curator removed its stances in between
    ]
    return render(request, "requests_app/policystance_list.html", {"holders": charts, "page": page})


def stance_detail(request: HttpRequest, slug: str) -> HttpResponse:
    stance = get_object_or_404(
        PolicyStance.objects.select_related("holder", "trigger", "supersedes").with_citations(),
        slug=slug,
    )
    corrected(request, [stance])
    return render(
        request,
        "requests_app/policystance_detail.html",
        {
            "stance": stance,
            "superseded_by": stance.superseded_by.all(),
            "responses": stance.responses.select_related("request", "responder").order_by(
                "responded_on"
            ),
        },
    )


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event.objects.prefetch_related("actors").with_citations(), slug=slug)
    corrected(request, [event])
    return render(
        request,
        "requests_app/event_detail.html",
        {"event": event, "stances": event.triggered_stances.select_related("holder")},
    )


def contribution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    contribution = get_object_or_404(
        Contribution.objects.select_related(
            "donor", "recipient", "intermediary", "item"
        ).with_citations(),
        slug=slug,
    )
    corrected(request, [contribution])
    return render(request, "requests_app/contribution_detail.html", {"contribution": contribution})


def source_list(request: HttpRequest) -> HttpResponse:
    filterset = SourceArticleFilter(
        request.GET, queryset=SourceArticle.objects.select_related("publisher")
    )
    return browse(request, filterset, "requests_app/sourcearticle_list.html", noun="article")


def source_cite(request: HttpRequest, pk: int) -> JsonResponse:
    """The article as CSL-JSON, for reference managers."""
    article = get_object_or_404(SourceArticle.objects.select_related("publisher"), pk=pk)
    return JsonResponse(
        [csl_item(request, article)],
        safe=False,
        content_type="application/vnd.citationstyles.csl+json",
        headers={"Content-Disposition": f'inline; filename="{article.slug}.json"'},
    )


def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(SourceArticle.objects.select_related("publisher"), pk=pk)
    citations = list(
        article.citations.select_related(
            "request",
            "response__request",
            "stance__holder",
            "contribution__donor",
            "contribution__recipient",
            "event",
            "role__person",
            "role__organisation",
            "action__actor",
            "action__counterpart",
            "relayed_from",
        )
    )
    return render(
        request,
        "requests_app/sourcearticle_detail.html",
        {
            "article": article,
            "text": highlight(article.body, citations),
            "citations": citations,
            "disputed": [citation for citation in citations if citation.disputes],
        },
    )


def cite(request: HttpRequest) -> JsonResponse:
    """'Cite this view' for any page or API read (`?view=` its address): its permalink, pinned
    to the moment it gives (`recorded_at`) or to now, and its APA, BibTeX and CSL-JSON
    citations. The `Link` header of every answer points here."""
    address = urlsplit(request.GET.get("view", ""))
    query = QueryDict(address.query)
    form = RecordedAtForm(query)
    try:
        shown = resolve(address.path).namespace in ("tracker", "api")
    except Resolver404:
        shown = False
    if not shown:
        return JsonResponse(
            {"view": ["The address of a page or API read of this site."]}, status=400
        )
    if not form.is_valid():
        return JsonResponse({"view": [f"recorded_at: {form.errors['recorded_at'][0]}"]}, status=400)
    moment = form.cleaned_data["recorded_at"]
    citation = view_citation(
        request, address.path, query, *(pinned_at(moment) if moment else permalink(request))
    )
    return JsonResponse(
        {
            "permalink": citation["permalink"],
            "recorded_at": citation["moment"].isoformat(),
            "release": citation["release"],
            "accessed": citation["accessed"].isoformat(),
            "apa": citation["apa"],
            "bibtex": citation["bibtex"],
            "csl": [citation["csl"]],
        }
    )


def release_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "requests_app/datarelease_list.html", {"releases": DataRelease.objects.all()}
    )


def release_detail(request: HttpRequest, number: str) -> HttpResponse:
    release = get_object_or_404(DataRelease, number=number)
    address = request.build_absolute_uri(release.get_absolute_url())
    return render(
        request,
        "requests_app/datarelease_detail.html",
        {"release": release, "tables": release.counts.items(), "permalink": address},
    )


RELEASE_FILE_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".zip": "application/zip",
}


def release_file(request: HttpRequest, number: str, name: str) -> FileResponse:
    """A file of a release, as it was written: it never changes, so caches may keep it."""
    release = get_object_or_404(DataRelease, number=number)
    if name not in release.files:
        raise Http404(f"Release {number} has no file named {name}.")
    try:
        stored = default_storage.open(f"{release.folder}/{name}", "rb")
    except FileNotFoundError as error:
        raise Http404(f"The file {name} of release {number} is missing from storage.") from error
    response = FileResponse(
        stored,
        as_attachment=name == release.zip_name,
        filename=name,
        content_type=RELEASE_FILE_TYPES[name[name.rindex(".") :]],
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
