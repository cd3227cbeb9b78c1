from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "membrane.spaces"
    label = "spaces"
