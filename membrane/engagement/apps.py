from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "membrane.engagement"
    label = "engagement"

    def ready(self) -> None:
        # allauth's sign-up signal records who invited the person; points for
        # replies, ideas and answers come from explicit calls in their services.
        from membrane.engagement import receivers

        receivers.connect()
