from django.urls import path

from membrane.quizzes import views

app_name = "quizzes"
urlpatterns = [
    path("quiz/", views.quiz_list, name="list"),
    path("quiz/<int:quiz_id>/", views.quiz_detail, name="quiz"),
    path("quiz/<int:quiz_id>/resultat/", views.quiz_result, name="result"),
    path("quiz/<int:quiz_id>/classement/", views.quiz_leaderboard, name="leaderboard"),
]
