from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from membrane.charter.models import CharterAcceptance, CharterArticle, CharterVersion
from membrane.core.memo import forget, memoised

if TYPE_CHECKING:
    from membrane.accounts.models import User

_CURRENT_KEY = "charter-current-number"


def current_charter_number() -> int | None:
    """The number of the current (latest published) charter version, cached
    across processes and memoised a few seconds in each (membrane.core.memo);
    `charter_publish` refreshes it."""
    number: int = memoised(_CURRENT_KEY, _shared_current_number)
    return number or None


def _shared_current_number() -> int:
    number = cache.get(_CURRENT_KEY)
    if number is None:
        number = (
            CharterVersion.objects.published()
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        ) or 0
        cache.set(_CURRENT_KEY, number, 600)
    return int(number)


def current_charter() -> CharterVersion | None:
    return CharterVersion.objects.published().order_by("-number").first()


def charter_create(
    *, title: str, preamble: str, articles: list[tuple[str, str]], summary_of_changes: str = ""
) -> CharterVersion:
    """Create a draft version numbered after the last one, with its articles
    numbered from 1."""
    with transaction.atomic():
        last = CharterVersion.objects.order_by("-number").values_list("number", flat=True).first()
        version = CharterVersion.objects.create(
            number=(last or 0) + 1,
            title=title,
            preamble=preamble,
            summary_of_changes=summary_of_changes,
        )
        CharterArticle.objects.bulk_create(
            CharterArticle(version=version, number=index, title=art_title, body=body)
            for index, (art_title, body) in enumerate(articles, start=1)
        )
    return version


def charter_publish(*, version: CharterVersion) -> CharterVersion:
    """Publish a draft: from the next request on, everyone is asked to accept it."""
    if version.published_at is None:
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
    transaction.on_commit(_forget_current_number)
    _forget_current_number()
    return version


def _forget_current_number() -> None:
    cache.delete(_CURRENT_KEY)
    forget(_CURRENT_KEY)


def charter_accept(*, user: "User", version: CharterVersion) -> CharterAcceptance:
    acceptance, _created = CharterAcceptance.objects.get_or_create(user=user, version=version)
    if (user.charter_version_accepted or 0) < version.number:
        user.charter_version_accepted = version.number
        user.save(update_fields=["charter_version_accepted"])
    return acceptance
