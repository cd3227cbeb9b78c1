from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "membrane.ideas"
    label = "ideas"
