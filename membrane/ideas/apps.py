from dataclasses import replace

from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "membrane.ideas"
    label = "ideas"

    def ready(self) -> None:
        # Ideas are reported, hidden and appealed like any other content.
        from django.urls import reverse
        from django.utils.text import Truncator
        from django.utils.translation import gettext_lazy as _

        from membrane.conversations.models import Thread
        from membrane.ideas.models import Idea
        from membrane.ideas.permissions import can_view_idea
        from membrane.moderation.kinds import KINDS, ContentKind, register

        register(
            ContentKind(
                name="idea",
                label=_("idea"),
                model=Idea,
                space_of=lambda idea: idea.box.space,
                author_of=lambda idea: idea.author,
                url_of=lambda idea: reverse("ideas:idea", args=[idea.pk]),
                excerpt_of=lambda idea: Truncator(f"{idea.title} — {idea.description}").chars(280),
                can_view=can_view_idea,
                # Its comment thread is titled after it and quotes it: hidden
                # or held with it, through the thread's own state, which every
                # page, list, search and notification already filters on.
                followers_of=lambda idea: list(Thread.objects.filter(idea=idea)),
            )
        )
        register(
            replace(
                KINDS["thread"],
                leader_of=lambda thread: Idea.objects.filter(thread=thread).first(),
            )
        )
