from django.urls import path

from membrane.security import views

app_name = "security"
urlpatterns = [
    path("compte/sessions/", views.session_list, name="sessions"),
    path("compte/sessions/autres/fin/", views.sessions_end_others, name="sessions_end_others"),
    path("compte/sessions/<int:session_id>/fin/", views.session_end_view, name="session_end"),
    path("securite/journal/", views.audit_log, name="audit_log"),
]
