from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "membrane.conversations"
    label = "conversations"
