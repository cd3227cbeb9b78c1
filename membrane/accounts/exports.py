"""The personal data export, built by the task worker.

The person asks for it (`data_export_request`); the worker builds the JSON
(`data_export_build`) and emails a link holding a random token, of which only
the SHA-256 is stored. The link (`access_data_export`) gives the file once, to
its owner signed in, within EXPORT_LIFETIME; then the payload is emptied and
the link is dead. Any other token, owner, expired or used link answers 404,
the same answer whatever the reason, so a guess learns nothing."""

import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.models import DataExport, User
from membrane.core.mail import email_queue_from_templates
from membrane.core.privacy import export_personal_data
from membrane.security.models import AuditAction
from membrane.security.services import audit_record

EXPORT_LIFETIME = timedelta(hours=24)
# A token is 43 URL-safe characters; anything much longer is not ours.
MAX_TOKEN_LENGTH = 100


def export_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def data_export_pending(user: Any) -> DataExport | None:
    """The person's export still being built, if any."""
    return DataExport.objects.filter(user=user, ready_at__isnull=True).first()


def data_export_request(*, user: User) -> DataExport:
    """Ask for an export; the worker builds it once the transaction commits.
    An export still being built is reused rather than doubled."""
    from membrane.accounts.tasks import build_data_export

    with transaction.atomic():
        export = data_export_pending(user)
        if export is None:
            export = DataExport.objects.create(user=user)
        export_id = export.pk
        transaction.on_commit(lambda: build_data_export.enqueue(export_id))
    return export


def data_export_build(*, export_id: int) -> str | None:
    """Build the JSON of a requested export, give it a fresh token and email
    the link to its owner. Returns the raw token (None when the export is gone
    or already built); only its hash is stored."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id, ready_at__isnull=True)
            .first()
        )
        if export is None or not export.user.is_active:
            return None
        user = export.user
        raw = secrets.token_urlsafe(32)
        now = timezone.now()
        export.payload = json.dumps(export_personal_data(user), ensure_ascii=False, indent=2)
        export.token_hash = export_token_hash(raw)
        export.ready_at = now
        export.expires_at = now + EXPORT_LIFETIME
        export.save(update_fields=["payload", "token_hash", "ready_at", "expires_at"])
        email_queue_from_templates(
            to=user.email,
            template_prefix="accounts/email/data_export",
            context={
                "person": user,
                "link": settings.SITE_URL + reverse("accounts:data_export_download", args=[raw]),
                "expires_at": export.expires_at,
            },
            language=user.language,
            purpose="data_export",
        )
    return raw


def access_data_export(user: Any, raw: str) -> str:
    """Consume the export behind `raw` for `user` and return its JSON: the
    link is dead afterwards. Raises Http404 for any other case."""
    if not user.is_authenticated or not raw or len(raw) > MAX_TOKEN_LENGTH:
        raise Http404
    now = timezone.now()
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .filter(
                user=user,
                token_hash=export_token_hash(raw),
                ready_at__isnull=False,
                downloaded_at__isnull=True,
                expires_at__gt=now,
            )
            .first()
        )
        if export is None:
            raise Http404
        payload = export.payload
        export.downloaded_at = now
        export.payload = ""
        export.save(update_fields=["downloaded_at", "payload"])
        audit_record(actor=user, action=AuditAction.DATA_EXPORT, target=user)
    return payload


def data_exports_erase(*, user: Any) -> None:
    """Every export of the person, pending, ready or used, goes (erasure)."""
    DataExport.objects.filter(user=user).delete()


def data_exports_purge() -> int:
    """Remove the payloads of expired exports; returns how many rows went."""
    deleted, _by_model = DataExport.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
