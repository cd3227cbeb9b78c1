from django.urls import path

from membrane.conversations import discovery_views as views

app_name = "discovery"
urlpatterns = [
    path("fil/", views.feed, name="feed"),
    path("recherche/", views.search_view, name="search"),
]
