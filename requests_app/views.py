from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import AidRequest, AidResponse, Citation, Item, SourceArticle


def home(request: HttpRequest) -> HttpResponse:
    status_counts = dict(
        AidRequest.objects.order_by().values_list("status").annotate(n=Count("pk"))
    )
    category_counts = dict(
        AidRequest.objects.order_by().values_list("item__category").annotate(n=Count("pk"))
    )
    latest_responses = AidResponse.objects.select_related(
        "request", "responder", "stance"
    ).order_by("-responded_on", "-pk")[:5]
    return render(
        request,
        "requests_app/home.html",
        {
            "status_counts": [
                (status, status_counts.get(status.value, 0)) for status in AidRequest.Status
            ],
            "category_counts": [
                (category, category_counts[category.value])
                for category in Item.Category
                if category.value in category_counts
            ],
            "request_total": sum(status_counts.values()),
            "latest_responses": latest_responses,
        },
    )


def request_list(request: HttpRequest) -> HttpResponse:
    requests = AidRequest.objects.for_listing()
    return render(request, "requests_app/aidrequest_list.html", {"requests": requests})


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    citations = Prefetch("citations", Citation.objects.select_related("source__publisher"))
    responses = AidResponse.objects.select_related("responder", "voiced_by", "stance")
    aid_request = get_object_or_404(
        AidRequest.objects.for_listing().prefetch_related(
            citations, Prefetch("responses", responses.prefetch_related(citations))
        ),
        pk=pk,
    )
    return render(request, "requests_app/aidrequest_detail.html", {"aid_request": aid_request})


def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(SourceArticle.objects.select_related("publisher"), pk=pk)
    return render(request, "requests_app/sourcearticle_detail.html", {"article": article})
