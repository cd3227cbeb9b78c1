from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "membrane.insights"
    label = "insights"
