from django.urls import path

from membrane.territory import views

app_name = "territory"
urlpatterns = [
    path("sections/", views.section_list, name="sections"),
    path("sections/choisir/", views.section_choose, name="choose"),
    path("sections/quitter/", views.section_leave_view, name="leave"),
    path("sections/<slug:slug>/", views.section_detail, name="section"),
    path("sections/<slug:slug>/rejoindre/", views.section_join_view, name="join"),
    path("sections/<slug:slug>/animateurs/", views.animator_appoint_view, name="animator_appoint"),
    path(
        "sections/<slug:slug>/animateurs/<int:person_id>/retirer/",
        views.animator_remove_view,
        name="animator_remove",
    ),
    path("federations/", views.federation_index, name="federations"),
    path("federations/<str:code>/", views.federation_detail, name="federation"),
]
