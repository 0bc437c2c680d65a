from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.defaults import page_not_found

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

if settings.DEBUG:
    # In development too, a mistyped address gets the site's 404 page, not Django's debug
    # page; an address without its final slash is still redirected to it first (APPEND_SLASH).
    urlpatterns.append(re_path(r"^.*/$", page_not_found, {"exception": Http404()}))

# A database that cannot be reached answers 503 with a plain message, not a 500.
handler500 = "aidtracker.views.server_error"
