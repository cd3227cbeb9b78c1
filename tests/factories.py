"""Factories for tests. Personas live in conftest.py."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from membrane.accounts.models import ProfileVisibility, User
from membrane.charter.models import CharterArticle, CharterVersion
from membrane.territory.models import Animator, Unit
from membrane.territory.services import section_counts_recount

TEST_PASSWORD = "une-phrase-de-passe-solide-42"


class NationalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["slug"]

    kind = Unit.Kind.NATIONAL
    name = "National"
    slug = "national"


class FederationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    kind = Unit.Kind.FEDERATION
    parent = factory.SubFactory(NationalFactory)
    # Three-digit codes from 100 up never collide with the fixtures' real ones.
    code = factory.Sequence(lambda n: f"{100 + n % 800}")
    name = factory.Sequence(lambda n: f"Fédération {n}")
    slug = factory.LazyAttribute(lambda o: f"federation-{o.code.lower()}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    kind = Unit.Kind.SECTION
    parent = factory.SubFactory(FederationFactory)
    commune = factory.Sequence(lambda n: f"Commune {n}")
    name = factory.LazyAttribute(lambda o: f"Section de {o.commune}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    postcode = factory.Sequence(lambda n: f"{10000 + n:05d}")


class UserFactory(factory.django.DjangoModelFactory):
    """A confirmed sympathisant who accepted the current charter."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    handle = factory.Sequence(lambda n: f"personne-{n}")
    profile_visibility = ProfileVisibility.SIGNED_IN
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def section_counted(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        # Made past the services that keep the sections' stored counts.
        if create and obj.section_id is not None:
            section_counts_recount(units=Unit.objects.filter(pk=obj.section_id))


class MemberFactory(UserFactory):
    membership_claimed = True
    membership_number = factory.Sequence(lambda n: f"A{100000 + n}")
    membership_verified_at = factory.LazyFunction(timezone.now)


class AnimatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Animator

    unit = factory.SubFactory(SectionFactory)
    user = factory.SubFactory(MemberFactory)


class CharterVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CharterVersion

    number = factory.Sequence(lambda n: n + 1)
    title = "Charte de la coopérative"
    preamble = "Nous débattons avec respect."
    published_at = factory.LazyFunction(timezone.now)


class CharterArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CharterArticle

    version = factory.SubFactory(CharterVersionFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Respect"
    body = "On critique les idées, jamais les personnes."
