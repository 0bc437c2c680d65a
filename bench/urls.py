"""The app's URLs plus two references the benchmark measures it against (bench.settings)."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from rest_framework import generics, serializers

from requests_app.models import AidRequest


def ping(request: HttpRequest) -> JsonResponse:
    """The ceiling: a bare JSON answer through the same middleware, without the database."""
    return JsonResponse({"ping": "pong"})


class NaiveRequestSerializer(serializers.ModelSerializer):
    """What a typical project ships: every field, related records one level deep."""

    class Meta:
        model = AidRequest
        fields = "__all__"
        depth = 1


class NaiveRequestList(generics.ListAPIView):
    queryset = AidRequest.objects.all()
    serializer_class = NaiveRequestSerializer


urlpatterns = [
    path("bench/ping", ping),
    path("bench/naive/requests/", NaiveRequestList.as_view()),
    path("", include("aidtracker.urls")),
]
