from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "membrane.quizzes"
    label = "quizzes"
