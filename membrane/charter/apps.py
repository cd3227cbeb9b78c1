from django.apps import AppConfig


class CharterConfig(AppConfig):
    name = "membrane.charter"
    label = "charter"
