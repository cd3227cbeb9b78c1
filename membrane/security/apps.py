from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "membrane.security"
    label = "security"
    verbose_name = "Security"

    def ready(self) -> None:
        # Login, logout and password signals keep the sessions list true.
        from membrane.security import signals  # noqa: F401
