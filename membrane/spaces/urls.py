from django.urls import path

from membrane.spaces import views

app_name = "spaces"
urlpatterns = [
    path("groupes/", views.group_list, name="groups"),
    path("groupes/nouveau/", views.group_create_view, name="group_create"),
    path("groupes/<slug:slug>/", views.group_detail, name="group"),
    path("groupes/<slug:slug>/modifier/", views.group_edit, name="group_edit"),
    path("groupes/<slug:slug>/image/", views.group_image, name="image"),
    path("groupes/<slug:slug>/rejoindre/", views.group_join_view, name="join"),
    path("groupes/<slug:slug>/demander/", views.group_request_view, name="request"),
    path("groupes/<slug:slug>/quitter/", views.group_leave_view, name="leave"),
    path("groupes/<slug:slug>/membres/", views.group_members_view, name="members"),
    path("groupes/<slug:slug>/membres/inviter/", views.member_invite, name="invite"),
    path(
        "groupes/<slug:slug>/membres/<int:person_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path("groupes/<slug:slug>/demandes/", views.group_requests, name="requests"),
    path(
        "groupes/<slug:slug>/demandes/<int:request_id>/",
        views.request_decide,
        name="request_decide",
    ),
    path("espaces/<slug:slug>/", views.space_detail, name="space"),
]
