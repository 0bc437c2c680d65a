from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from alerts.api import WebhookEndpointViewSet

from . import sync, views

app_name = "api"


router = DefaultRouter()
router.APIRootView = views.APIRoot
router.register("requests", views.AidRequestViewSet, basename="request")
router.register("responses", views.AidResponseViewSet, basename="response")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("items", views.ItemViewSet, basename="item")
router.register("stances", views.StanceViewSet, basename="stance")
router.register("contributions", views.ContributionViewSet, basename="contribution")
router.register("events", views.EventViewSet, basename="event")
router.register("sources", views.SourceArticleViewSet, basename="source")
router.register("actions", views.ActionViewSet, basename="action")
router.register("roles", views.RoleViewSet, basename="role")
router.register("citations", views.CitationViewSet, basename="citation")
router.register("deletions", sync.DeletionViewSet, basename="deletion")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
