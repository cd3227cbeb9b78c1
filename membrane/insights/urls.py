from django.urls import path

from membrane.insights import views

app_name = "insights"
urlpatterns = [
    path("participation/", views.insights_page, name="platform"),
    path("participation/export.csv", views.insights_export, name="platform_export"),
    path("participation/<str:kind>.svg", views.insights_chart, name="platform_chart"),
    path("espaces/<slug:slug>/participation/", views.insights_page, name="space"),
    path("espaces/<slug:slug>/participation/export.csv", views.insights_export, name="export"),
    path("espaces/<slug:slug>/participation/inviter/", views.insights_nudge, name="nudge"),
    path("espaces/<slug:slug>/participation/publier/", views.insights_publish, name="publish"),
    path("espaces/<slug:slug>/participation/<str:kind>.svg", views.insights_chart, name="chart"),
]
