from django.urls import path

from membrane.perf import views

app_name = "perf"
urlpatterns = [
    path("_perf/bare/", views.bare, name="bare"),
]
