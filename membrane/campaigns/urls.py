from django.urls import path

from membrane.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("campagnes/", views.campaign_list, name="list"),
    path("campagnes/nouvelle/", views.campaign_create_view, name="create"),
    path("campagnes/actions/<int:report_id>/supprimer/", views.report_remove, name="report_delete"),
    path("campagnes/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("campagnes/<slug:slug>/modifier/", views.campaign_edit, name="edit"),
    path("campagnes/<slug:slug>/actions/", views.report_new, name="report"),
    path("campagnes/<slug:slug>/kit/", views.kit_add, name="kit_add"),
    path(
        "campagnes/<slug:slug>/kit/<int:document_id>/supprimer/",
        views.kit_remove,
        name="kit_remove",
    ),
    path("campagnes/<slug:slug>/kit/<int:document_id>/", views.kit_file, name="kit_file"),
]
