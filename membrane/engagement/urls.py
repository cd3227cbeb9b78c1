from django.urls import path

from membrane.engagement import views

app_name = "engagement"
urlpatterns = [
    path("invitation/<str:code>/", views.invitation, name="invitation"),
    path("compte/invitations/", views.my_invitations, name="invitations"),
    path("compte/points/", views.my_points, name="points"),
    path("compte/classements/", views.ranking_choice, name="ranking_choice"),
    path("classements/", views.rankings, name="rankings"),
]
