from django.urls import path

from membrane.polls import views

app_name = "polls"
urlpatterns = [
    path("espaces/<slug:slug>/sondages/", views.poll_list, name="list"),
    path("espaces/<slug:slug>/sondages/nouveau/", views.poll_create_view, name="create"),
    path("sondages/<int:poll_id>/", views.poll_detail, name="poll"),
    path("sondages/<int:poll_id>/voter/", views.poll_vote, name="vote"),
]
