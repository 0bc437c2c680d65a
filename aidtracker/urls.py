from django.contrib import admin
from django.urls import include, path

from requests_app.admin.reviews import review_queue_view

from .views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The reviewer's queue, in the admin (staff only), before the admin's own pages.
    path("admin/review/", review_queue_view, name="review-queue"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("requests_app.api.urls")),
    path("alerts/", include("alerts.urls")),
    path("", include("requests_app.urls")),
]

# A database that cannot be reached answers 503 with a plain message, not a 500.
handler500 = "aidtracker.views.server_error"
