"""Factories for spaces and conversations tests (groups, memberships,
threads, posts). Personas live in conftest.py."""

import factory
from django.utils import timezone

from membrane.conversations.models import Post, ReadState, Thread
from membrane.spaces.models import Invitation, JoinRequest, Membership, Role, Space
from membrane.spaces.services import member_counts_recount
from tests.factories import UserFactory


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    kind = Space.Kind.GROUP
    name = factory.Sequence(lambda n: f"Groupe thématique {n}")
    slug = factory.Sequence(lambda n: f"groupe-{n}")
    description = "Un groupe pour débattre ensemble."
    visibility = Space.Visibility.PUBLIC
    joining = Space.Joining.OPEN


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    space = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """As the services do, keep the group's stored member count."""
        membership = super()._create(model_class, *args, **kwargs)
        member_counts_recount(spaces=Space.objects.filter(pk=membership.space_id))
        return membership


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    space = factory.SubFactory(GroupFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Fil de discussion {n}")
    post_count = 1


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    # As the services write them: the thread's space; a reply unless first.
    space = factory.LazyAttribute(lambda post: post.thread.space)
    is_reply = factory.LazyAttribute(lambda post: Post.objects.filter(thread=post.thread).exists())
    author = factory.SubFactory(UserFactory)
    body = "Je propose qu'on en parle."
    body_html = "<p>Je propose qu'on en parle.</p>"


class ReadStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadState

    thread = factory.SubFactory(ThreadFactory)
    user = factory.SubFactory(UserFactory)
    last_read_at = factory.LazyFunction(timezone.now)


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    space = factory.SubFactory(GroupFactory, joining=Space.Joining.REQUEST)
    user = factory.SubFactory(UserFactory)
    message = ""


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    space = factory.SubFactory(GroupFactory, joining=Space.Joining.INVITATION)
    user = factory.SubFactory(UserFactory)
