from django.urls import path

from membrane.ideas import views

app_name = "ideas"
urlpatterns = [
    path("idees/", views.report, name="report"),
    path("idees/idee/<int:idea_id>/", views.idea_detail, name="idea"),
    path("idees/idee/<int:idea_id>/soutien/", views.idea_support, name="support"),
    path("idees/idee/<int:idea_id>/repondre/", views.idea_answer_view, name="answer"),
    path("idees/idee/<int:idea_id>/faire-monter/", views.idea_forward_view, name="forward"),
    path("idees/idee/<int:idea_id>/fusionner/", views.idea_merge_view, name="merge"),
    path("idees/idee/<int:idea_id>/commenter/", views.idea_comment_view, name="comment"),
    path("idees/<slug:slug>/", views.box_detail, name="box"),
    path("idees/<slug:slug>/similaires/", views.similar, name="similar"),
    path("idees/<slug:slug>/ouvrir/", views.box_edit, name="box_edit"),
]
