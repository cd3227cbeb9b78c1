from django.urls import path

from membrane.events import views

app_name = "events"
urlpatterns = [
    path("evenements/", views.event_list, name="list"),
    path("evenements/mes-evenements/", views.mine, name="mine"),
    path("evenements/calendrier/", views.calendar, name="calendar"),
    path("evenements/calendrier/<str:token>.ics", views.personal_ics, name="feed"),
    path("evenements/<int:event_id>/", views.event_detail, name="event"),
    path("evenements/<int:event_id>.ics", views.event_ics, name="ics"),
    path("evenements/<int:event_id>/reponse/", views.rsvp, name="rsvp"),
    path("evenements/<int:event_id>/modifier/", views.event_edit, name="edit"),
    path("evenements/<int:event_id>/annuler/", views.event_cancel_view, name="cancel"),
    path("evenements/<int:event_id>/presences/", views.attendance, name="attendance"),
    path("espaces/<slug:slug>/evenements/", views.space_events, name="space"),
    path("espaces/<slug:slug>/evenements/nouveau/", views.event_new, name="create"),
    path("espaces/<slug:slug>/evenements.ics", views.space_ics, name="space_ics"),
]
