"""Personal access tokens for the API.

A token is shown to its owner once, when it is created; only its SHA-256 is
stored, with a short prefix that helps the owner recognise it in the list.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from membrane.accounts.models import PersonalAccessToken, User

TOKEN_PREFIX = "mbr_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = 8
# Writing last_used_at on each request would turn every API read into a
# write; once a minute is precise enough to tell a live token from a dead one.
LAST_USED_PRECISION = timedelta(minutes=1)
# A raw token is "mbr_" + 43 characters; anything much longer is not ours and
# is refused before hashing.
MAX_RAW_LENGTH = 200


def access_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def access_token_create(*, user: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Create a token for `user` and return it with its raw value, which is
    never stored: the caller shows it once."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw[:PREFIX_LENGTH],
        token_hash=access_token_hash(raw),
    )
    return token, raw


def access_token_revoke(*, token: PersonalAccessToken) -> PersonalAccessToken:
    """Revoke a token; revoking it again keeps the first revocation time."""
    with transaction.atomic():
        updated = PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            token.refresh_from_db(fields=["revoked_at"])
    return token


def access_token_authenticate(raw: str) -> User | None:
    """The active person an active token belongs to, or None. Records the
    use at most once a minute."""
    if not raw or len(raw) > MAX_RAW_LENGTH or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(
            token_hash=access_token_hash(raw),
            revoked_at__isnull=True,
            user__is_active=True,
            user__erased_at__isnull=True,
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user
