from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "membrane.moderation"
    label = "moderation"

    def ready(self) -> None:
        # The kinds of content that can be reported register themselves here.
        from membrane.moderation import kinds  # noqa: F401
