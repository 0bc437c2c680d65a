"""Reads pinned to a moment of the record (`?recorded_at=`), on every public page, CSV and API
read: the view runs inside requests_app.recorded.pinned(), which shows it the curated tables as
they stood then. A bad moment answers 400 naming the parameter; a record that did not exist yet
answers 404 saying when it was first recorded."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import resolve, reverse
from django.utils.http import urlencode

from requests_app import models
from requests_app.linked_data import view_citation
from requests_app.recorded import RecordedAtForm, first_recorded, permalink, pinned, pinned_at

from .cache import public_read

# The detail pages, by URL name: the record each shows and the URL's name for it.
DETAIL_PAGES = {
    "request-detail": models.AidRequest,
    "actor-detail": models.Actor,
    "item-detail": models.Item,
    "stance-detail": models.PolicyStance,
    "event-detail": models.Event,
    "action-detail": models.Action,
    "contribution-detail": models.Contribution,
    "source-detail": models.SourceArticle,
}


def shown_record(request: HttpRequest):
    """(model, lookup) of the one record a detail page or API detail shows, else None."""
    match = resolve(request.path_info)
    if match.url_name in DETAIL_PAGES and match.namespace == "tracker":
        return DETAIL_PAGES[match.url_name], history_lookup(match.kwargs)
    view = getattr(match.func, "cls", None)
    if match.namespace == "api" and match.url_name.endswith("-detail"):
        model = view.serializer_class.Meta.model
        if model in models.CURATED:
            return model, history_lookup({view.lookup_field: match.kwargs[view.lookup_field]})
    return None


def history_lookup(kwargs: dict) -> dict:
    """A URL's lookup of a record, on its history rows (where `pk` is the history row's)."""
    return {"id" if name == "pk" else name: value for name, value in kwargs.items()}


class PinnedReadMiddleware:
    """After the page cache (its answers are keyed on the whole address, moment included)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not public_read(request):
            return self.get_response(request)
        if "recorded_at" not in request.GET:
            request.cited = permalink(request)
            return cited(request, self.get_response(request))
        form = RecordedAtForm(request.GET)
        if not form.is_valid():
            return bad_moment(request, form)
        moment = form.cleaned_data["recorded_at"]
        if moment is None:  # left empty, as an empty filter is
            return self.get_response(request)
        request.cited = pinned_at(moment)
        with pinned(moment) as loaded:
            request.recorded_at, request.recorded_loaded = moment, loaded
            response = self.get_response(request)
            if response.streaming:
                # Written while the pinned tables are there to read.
                response.streaming_content = list(response.streaming_content)
        if response.status_code == 404:
            return not_recorded_yet(request, moment) or response
        return cited(request, response)


def cited(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """'Cite this view' on every answer: its permalink (`rel="cite-as"`), and its ready
    citations (`rel="describedby"`, /cite/)."""
    if response.status_code != 200:
        return response
    citation = view_citation(request, request.path, request.GET, *request.cited)
    ready = f"{reverse('tracker:cite')}?{urlencode({'view': citation['permalink']})}"
    response["Link"] = (
        f'<{citation["permalink"]}>; rel="cite-as", '
        f'<{request.build_absolute_uri(ready)}>; rel="describedby"; type="application/json"'
    )
    return response


def bad_moment(request: HttpRequest, form: RecordedAtForm) -> HttpResponse:
    errors = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
    if request.path.startswith("/api/"):
        return JsonResponse(errors, status=400)
    return render(request, "400.html", {"form": form}, status=400)


def not_recorded_yet(request: HttpRequest, moment) -> HttpResponse | None:
    """404 for a record that did not exist at the moment, saying when it was first recorded."""
    shown = shown_record(request)
    if shown is None:
        return None
    model, lookup = shown
    first = first_recorded(model, **lookup)
    if first is None or first <= moment:
        return None
    noun = model._meta.verbose_name
    if request.path.startswith("/api/"):
        detail = f"Not recorded yet at recorded_at: this {noun} was first recorded at "
        return JsonResponse(
            {"detail": detail + first.isoformat(), "first_recorded_at": first.isoformat()},
            status=404,
        )
    context = {"noun": noun, "moment": moment, "first": first, "current": request.path}
    return render(request, "recorded_not_yet.html", context, status=404)
