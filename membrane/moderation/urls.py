from django.urls import path

from membrane.moderation import views

app_name = "moderation"
urlpatterns = [
    path("moderation/", views.queue_view, name="queue"),
    path("moderation/journal/", views.log_view, name="log"),
    path("moderation/journal/<int:decision_id>/", views.decision_view, name="decision"),
    path("moderation/signaler/<str:kind>/<int:object_id>/", views.report_view, name="report"),
    path("moderation/decider/<str:kind>/<int:object_id>/", views.decide_view, name="decide"),
    path("moderation/decisions/<int:decision_id>/contester/", views.appeal_view, name="appeal"),
    path("moderation/recours/<int:appeal_id>/", views.appeal_decide_view, name="appeal_decide"),
    path("moderation/regles/<slug:slug>/", views.policy_view, name="policy"),
    path("moderation/audit/", views.audit_view, name="audit"),
]
