from django.urls import path

from membrane.conversations import views

app_name = "conversations"
urlpatterns = [
    path("discussions/<int:thread_id>/", views.thread_detail, name="thread"),
    path("discussions/nouvelle/<slug:slug>/", views.thread_create, name="thread_create"),
    path("discussions/mentions/", views.mention_suggestions_view, name="mention_suggestions"),
    path("discussions/<int:thread_id>/repondre/", views.reply, name="reply"),
    path("discussions/<int:thread_id>/epingler/", views.thread_pin, name="thread_pin"),
    path("discussions/<int:thread_id>/verrouiller/", views.thread_lock, name="thread_lock"),
    path("messages/<int:post_id>/", views.post_detail, name="post"),
    path("messages/<int:post_id>/modifier/", views.post_edit_view, name="post_edit"),
    path("messages/<int:post_id>/historique/", views.post_history, name="post_history"),
    path("messages/<int:post_id>/supprimer/", views.post_delete_view, name="post_delete"),
    path("messages/<int:post_id>/pouce/", views.react, name="react"),
]
