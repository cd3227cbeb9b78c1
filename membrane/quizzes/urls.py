from django.urls import path

from membrane.quizzes import views

app_name = "quizzes"
urlpatterns = [
    path("quiz/", views.quiz_list, name="list"),
    path("quiz/<int:quiz_id>/", views.quiz_detail, name="quiz"),
    path("quiz/<int:quiz_id>/resultat/", views.quiz_result, name="result"),
    path("quiz/<int:quiz_id>/classement/", views.quiz_leaderboard, name="leaderboard"),
    path("espaces/<slug:slug>/quiz/", views.space_quizzes, name="space"),
    path("espaces/<slug:slug>/quiz/nouveau/", views.quiz_create_view, name="create"),
    path("quiz/<int:quiz_id>/modifier/", views.quiz_edit, name="edit"),
    path("quiz/<int:quiz_id>/publier/", views.quiz_publish_view, name="publish"),
    path(
        "quiz/<int:quiz_id>/questions/<int:question_id>/supprimer/",
        views.question_delete_view,
        name="question_delete",
    ),
]
