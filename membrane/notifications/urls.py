from django.urls import path

from membrane.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/tout-lu/", views.notification_mark_all_read, name="mark_all_read"),
    path("notifications/preferences/", views.notification_preferences, name="preferences"),
    path("notifications/<int:notification_id>/", views.notification_open, name="open"),
]
