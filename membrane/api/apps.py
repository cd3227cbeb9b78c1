from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "membrane.api"
    label = "api"
