from django.urls import path

from membrane.charter import views

app_name = "charter"
urlpatterns = [
    path("", views.charter_current, name="current"),
    path("v<int:number>/", views.charter_version, name="version"),
    path("accepter/", views.charter_accept_view, name="accept"),
]
