from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "membrane.territory"
    label = "territory"
