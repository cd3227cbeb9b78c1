from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "membrane.core"
    label = "core"
