"""The reviewer's queue: the facts that await a second reader, each claim beside its quotes in
the words around them in their articles, with the two answers a second reader gives."""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from .. import services
from ..models import FACTS, Actor
from ..models.base import ReviewState, curated_fields
from ..text.quotes import InContext, quote_in_context

# How many facts of each kind the queue shows at once, those waiting longest first.
QUEUE_LENGTH = 25

KINDS = {model._meta.model_name: model for model in FACTS}


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(choices=[(name, name) for name in KINDS])
    fact = forms.IntegerField(min_value=1)
    version = forms.IntegerField(min_value=1)
    state = forms.ChoiceField(
        choices=[(ReviewState.REVIEWED, "Reviewed"), (ReviewState.QUESTIONED, "Questioned")]
    )
    note = forms.CharField(required=False, max_length=2000)


@dataclass
class Quoted:
    citation: object
    context: InContext | None


@dataclass
class Entry:
    fact: object
    claim: list[tuple[str, str]]
    quotes: list[Quoted]
    is_own: bool


@dataclass
class Kind:
    name: str
    model_name: str
    waiting: int
    entries: list[Entry]


def _label(value) -> str:
    """A linked record by its own name or title: its __str__ may load more records."""
    return str(getattr(value, "title", None) or getattr(value, "name", None) or value)


def claim(fact) -> list[tuple[str, str]]:
    """What a reader is told of the fact: each curated field that holds something, labelled."""
    rows = []
    for name in curated_fields(fact):
        field = fact._meta.get_field(name)
        if name == "slug":
            continue
        if field.is_relation:
            value = getattr(fact, name)
            shown = _label(value) if value is not None else ""
        elif field.choices:
            shown = getattr(fact, f"get_{name}_display")()
        else:
            value = getattr(fact, name)
            shown = "" if value in (None, "", {}, []) else str(value)
        if shown:
            rows.append((str(field.verbose_name).capitalize(), shown))
    for field in fact._meta.many_to_many:
        if field.related_model is Actor:
            names = ", ".join(actor.name for actor in getattr(fact, field.name).all())
            if names:
                rows.append((str(field.verbose_name).capitalize(), names))
    return rows


def _kind(model, user) -> Kind:
    """The facts of one kind that await a second reader, in a fixed number of queries."""
    waiting = model.objects.exclude(review_state=ReviewState.REVIEWED)
    linked = [f.name for f in model._meta.concrete_fields if f.is_relation and f.editable]
    actors = [f.name for f in model._meta.many_to_many if f.related_model is Actor]
    facts = list(
        waiting.select_related(*linked)
        .prefetch_related(*actors)
        .with_citations()
        .order_by("updated_at", "pk")[:QUEUE_LENGTH]
    )
    own = set(
        model.objects.filter(pk__in=[fact.pk for fact in facts])
        .edited_by(user)
        .values_list("pk", flat=True)
    )
    entries = [
        Entry(
            fact=fact,
            claim=claim(fact),
            quotes=[
                Quoted(citation, quote_in_context(citation.quote, citation.source.body))
                for citation in fact.citations.all()
            ],
            is_own=fact.pk in own,
        )
        for fact in facts
    ]
    name = str(model._meta.verbose_name_plural).capitalize()
    return Kind(name, model._meta.model_name, waiting.count(), entries)


def _may_review(user, model) -> bool:
    return user.has_perm(f"requests_app.change_{model._meta.model_name}")


def review_queue(request: HttpRequest) -> HttpResponse:
    """Facts awaiting a second reader, and the answers given to them (POST)."""
    if request.method == "POST":
        return _review(request)
    kinds = [_kind(model, request.user) for model in FACTS if _may_review(request.user, model)]
    context = {
        **admin.site.each_context(request),
        "title": "Awaiting a second reader",
        "kinds": kinds,
        "waiting": sum(kind.waiting for kind in kinds),
    }
    return render(request, "admin/requests_app/review_queue.html", context)


def _review(request: HttpRequest) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"This review could not be read: {form.errors.as_text()}")
        return redirect("review-queue")
    data = form.cleaned_data
    model = KINDS[data["kind"]]
    if not _may_review(request.user, model):
        messages.error(request, f"You may not change {model._meta.verbose_name_plural}.")
        return redirect("review-queue")
    fact = get_object_or_404(model, pk=data["fact"])
    try:
        services.fact_review(
            fact=fact,
            reviewer=request.user,
            state=data["state"],
            note=data["note"],
            expected_version=data["version"],
        )
    except (ValidationError, services.StaleEdit) as error:
        problem = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, f"“{fact}”: {problem}")
    else:
        messages.success(request, f"“{fact}”: {fact.get_review_state_display().lower()}.")
    return redirect(f"{reverse('review-queue')}#{data['kind']}")


review_queue_view = admin.site.admin_view(review_queue)
