from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("follow/<str:kind>/<int:pk>/", views.follow, name="follow"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
