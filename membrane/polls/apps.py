from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "membrane.polls"
    label = "polls"
