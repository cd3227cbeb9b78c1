"""Retention: supporters who stopped coming are not kept for ever.

A supporter (not a verified member, not staff, not a territorial animator)
whose last activity — sign-in, sign-up, last message written — is older than
RETENTION_INACTIVE_DAYS is warned by email and marked (`retention_warned_at`).
If nothing happens in the next RETENTION_GRACE_DAYS, the account is erased
as a deletion keeping the contributions would (signed "former member").
Any activity after the warning cancels it. Run daily:
`manage.py purge_inactive_supporters` (docs/configuration.md)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.models import User
from membrane.accounts.services import account_delete
from membrane.core.instance import get_instance_settings
from membrane.core.mail import email_queue_from_templates


@dataclass
class RetentionReport:
    warned: list[int] = field(default_factory=list)
    erased: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)


def with_last_activity(people: QuerySet[User]) -> QuerySet[User]:
    """Annotate `last_activity`: the latest of sign-up, last sign-in and last
    message written (each falls back to sign-up, so it is never NULL)."""
    from membrane.conversations.models import Post

    last_post = Subquery(
        Post.objects.filter(author=OuterRef("pk")).order_by("-created_at").values("created_at")[:1],
        output_field=DateTimeField(),
    )
    return people.annotate(
        last_activity=Greatest(
            "date_joined",
            Coalesce("last_login", "date_joined"),
            Coalesce(last_post, "date_joined"),
            output_field=DateTimeField(),
        )
    )


def retention_candidates() -> QuerySet[User]:
    """People the retention rule may erase: active supporters, members to
    verify included; never verified members, staff or territorial animators."""
    return with_last_activity(
        User.objects.filter(
            is_active=True,
            erased_at=None,
            is_staff=False,
            is_superuser=False,
            membership_verified_at=None,
        ).exclude(animator_roles__isnull=False)
    )


def supporters_to_warn(*, now: datetime) -> QuerySet[User]:
    inactive_since = now - timedelta(days=settings.RETENTION_INACTIVE_DAYS)
    # Q(): the annotation is invisible to the type checker across functions.
    return retention_candidates().filter(
        Q(last_activity__lt=inactive_since), retention_warned_at=None
    )


def supporters_to_erase(*, now: datetime) -> QuerySet[User]:
    """Warned at least RETENTION_GRACE_DAYS ago, and not seen since."""
    warned_before = now - timedelta(days=settings.RETENTION_GRACE_DAYS)
    return retention_candidates().filter(
        Q(last_activity__lte=F("retention_warned_at")), retention_warned_at__lte=warned_before
    )


def warnings_to_clear() -> QuerySet[User]:
    """Warned people who came back, or who are no longer concerned (verified
    as members, made staff or animators)."""
    candidates = retention_candidates().values("pk")
    return with_last_activity(User.objects.filter(retention_warned_at__isnull=False)).filter(
        Q(last_activity__gt=F("retention_warned_at")) | ~Q(pk__in=candidates)
    )


def inactive_supporters_purge(*, now: datetime | None = None) -> RetentionReport:
    """Clear the warnings that activity cancelled, erase those warned long
    enough ago, then warn the newly inactive (one email each, queued for the
    worker). Each person is handled in their own transaction."""
    now = now or timezone.now()
    report = RetentionReport()
    report.cleared = list(warnings_to_clear().values_list("pk", flat=True))
    User.objects.filter(pk__in=report.cleared).update(retention_warned_at=None)
    for person in list(supporters_to_erase(now=now)):
        account_delete(user=person, keep_contributions=True)
        report.erased.append(person.pk)
    for person in list(supporters_to_warn(now=now)):
        with transaction.atomic():
            updated = User.objects.filter(pk=person.pk, retention_warned_at=None).update(
                retention_warned_at=now
            )
            if updated:
                _warning_email_queue(person, now=now)
                report.warned.append(person.pk)
    return report


def _warning_email_queue(person: Any, *, now: datetime) -> None:
    email_queue_from_templates(
        to=person.email,
        template_prefix="accounts/email/retention_warning",
        context={
            "user": person,
            "instance_name": get_instance_settings().name,
            "erasure_date": timezone.localtime(
                now + timedelta(days=settings.RETENTION_GRACE_DAYS)
            ).date(),
            # "3 years" when the setting is a whole number of years, else days.
            "inactive_years": divmod(settings.RETENTION_INACTIVE_DAYS, 365)[0]
            if settings.RETENTION_INACTIVE_DAYS % 365 == 0
            else 0,
            "inactive_days": settings.RETENTION_INACTIVE_DAYS,
            "login_url": settings.SITE_URL + reverse("account_login"),
            "delete_url": settings.SITE_URL + reverse("accounts:delete"),
        },
        language=person.language,
        purpose="retention_warning",
    )
