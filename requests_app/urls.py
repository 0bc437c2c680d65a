from django.urls import path

from . import feeds, views

app_name = "tracker"

urlpatterns = [
    path("", views.home, name="home"),
    path("feed/", feeds.UpdatesFeed(), name="feed"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/export.csv", views.request_export, name="request-export"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/feed/", feeds.RequestFeed(), name="request-feed"),
    path("actors/", views.actor_list, name="actor-list"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("actors/<slug:slug>/feed/", feeds.ActorFeed(), name="actor-feed"),
    path("items/", views.item_list, name="item-list"),
    path("items/<slug:slug>/", views.item_detail, name="item-detail"),
    path("stances/", views.stance_list, name="stance-list"),
    path("stances/<slug:slug>/", views.stance_detail, name="stance-detail"),
    path("events/", views.event_list, name="event-list"),
    path("events/export.csv", views.list_export, {"kind": "events"}, name="event-export"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("aid/", views.contribution_list, name="contribution-list"),
    path("aid/export.csv", views.list_export, {"kind": "aid"}, name="contribution-export"),
    path("actions/", views.action_list, name="action-list"),
    path("actions/export.csv", views.list_export, {"kind": "actions"}, name="action-export"),
    path("actions/<slug:slug>/", views.action_detail, name="action-detail"),
    path("contributions/<slug:slug>/", views.contribution_detail, name="contribution-detail"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("cite/", views.cite, name="cite"),
    path("sources/", views.source_list, name="source-list"),
    path("sources/<int:pk>/", views.source_detail, name="source-detail"),
    path("sources/<int:pk>/cite.json", views.source_cite, name="source-cite"),
    path("data/", views.release_list, name="release-list"),
    path("data/<str:number>/", views.release_detail, name="release-detail"),
    path("data/<str:number>/<str:name>", views.release_file, name="release-file"),
]
