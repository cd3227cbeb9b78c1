from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "membrane.engagement"
    label = "engagement"

    def ready(self) -> None:
        # The engagement app observes replies, ideas, answers and sign-ups to
        # count points and invitations; those apps know nothing of points.
        from membrane.engagement import receivers

        receivers.connect()
