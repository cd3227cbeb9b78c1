from typing import Any

from django.db import transaction
from django.utils import timezone

from membrane.accounts.models import (
    DataExport,
    Follow,
    PersonalAccessToken,
    PoliticalOpinionConsent,
    User,
)
from membrane.accounts.selectors import people_visible_to


def export_personal_data(user: Any) -> dict[str, Any]:
    from allauth.account.models import EmailAddress

    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "bio": user.bio,
        "commune": user.commune,
        "photo": user.photo.name if user.photo else None,
        "profile_visibility": user.profile_visibility,
        "listed_in_directory": user.listed_in_directory,
        "retention_warned_at": (
            user.retention_warned_at.isoformat() if user.retention_warned_at else None
        ),
        "language": user.language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "membership": {
            "status": str(user.membership_status.value),
            "claimed": user.membership_claimed,
            "number": user.membership_number,
            "verified_at": (
                user.membership_verified_at.isoformat() if user.membership_verified_at else None
            ),
        },
        "handle": user.handle,
        "following": list(
            Follow.objects.filter(follower=user).values_list("followed_id", flat=True)
        ),
        # Only followers whose profile the person may see: a hidden profile
        # does not show whom it follows (nor does the notification centre).
        "followers": list(
            people_visible_to(user, User.objects.filter(following__followed=user)).values_list(
                "pk", flat=True
            )
        ),
        "email_addresses": [
            {"email": email, "verified": verified, "primary": primary}
            for email, verified, primary in EmailAddress.objects.filter(user=user).values_list(
                "email", "verified", "primary"
            )
        ],
        "political_opinion_consents": [
            {"wording_version": version, "given_at": given_at.isoformat()}
            for version, given_at in PoliticalOpinionConsent.objects.filter(user=user)
            .order_by("given_at")
            .values_list("wording_version", "given_at")
        ],
        "access_tokens": [
            {
                "name": name,
                "prefix": prefix,
                "created_at": created.isoformat(),
                "revoked_at": revoked.isoformat() if revoked else None,
            }
            for name, prefix, created, revoked in PersonalAccessToken.objects.filter(
                user=user
            ).values_list("name", "prefix", "created_at", "revoked_at")
        ],
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    """Erase the account's personal data. With `keep_contributions` the row
    stays as an anonymous "ancien membre" so that contributions keep an
    author; otherwise the account service deletes the row afterwards."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    DataExport.objects.filter(user=user).delete()
    PersonalAccessToken.objects.filter(user=user).delete()
    PoliticalOpinionConsent.objects.filter(user=user).delete()
    Follow.objects.filter(follower=user).delete()
    Follow.objects.filter(followed=user).delete()
    if user.photo:
        # Delete the file only once the erasure is committed.
        photo_name, storage = user.photo.name, user.photo.storage
        transaction.on_commit(lambda: storage.delete(photo_name))
    User.objects.filter(pk=user.pk).update(
        email=f"ancien-membre-{user.pk}@invalid.invalid",
        first_name="",
        last_name="",
        display_name="",
        handle=None,
        bio="",
        commune="",
        search_key="",  # what the people search matched: the names above
        photo="",
        membership_number="",
        membership_claimed=False,
        membership_verified_at=None,
        membership_verified_by=None,
        section=None,
        is_active=False,
        is_staff=False,
        is_superuser=False,
        password="!",  # noqa: S106 (an unusable password)
        erased_at=timezone.now(),
    )
