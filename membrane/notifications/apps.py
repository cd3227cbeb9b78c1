from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "membrane.notifications"
    label = "notifications"
