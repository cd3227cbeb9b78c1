from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "membrane.events"
    label = "events"

    def ready(self) -> None:
        # Events are reported, hidden and appealed like any other content.
        from django.urls import reverse
        from django.utils.text import Truncator
        from django.utils.translation import gettext_lazy as _

        from membrane.events.models import Event
        from membrane.events.permissions import can_view_event
        from membrane.moderation.kinds import ContentKind, register

        register(
            ContentKind(
                name="event",
                label=_("event"),
                model=Event,
                space_of=lambda event: event.space,
                author_of=lambda event: event.organiser,
                url_of=lambda event: reverse("events:event", args=[event.pk]),
                excerpt_of=lambda event: Truncator(f"{event.title} — {event.description}").chars(
                    280
                ),
                can_view=can_view_event,
            )
        )
