from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from membrane.accounts.handles import handle_available, handle_base
from membrane.accounts.models import PoliticalOpinionConsent, User
from membrane.charter.services import charter_accept, current_charter
from membrane.core.instance import get_instance_settings
from membrane.core.mail import email_queue_from_templates
from membrane.territory.models import Unit
from membrane.territory.services import section_counts_kept, section_join

# Bump the version whenever the wording below changes: each consent records
# the version the person actually read.
CONSENT_WORDING_VERSION = "2026-11-v1"
CONSENT_WORDING = _(
    "I explicitly consent to this platform processing data that may reveal my political "
    "opinions (my membership or support, my section, my contributions), for the sole purpose "
    "of taking part in the life of the movement. I can withdraw this consent at any time by "
    "deleting my account."
)


def handle_assign(*, first_name: str, last_name: str) -> str:
    """A free handle for these names: camille-durand, else camille-durand-2…"""
    base = handle_base(first_name, last_name)
    existing = User.objects.filter(handle__startswith=base).values_list("handle", flat=True)
    taken = {handle for handle in existing if handle}
    return handle_available(base, taken)


def consent_record(*, user: User, wording_version: str = CONSENT_WORDING_VERSION) -> None:
    PoliticalOpinionConsent.objects.create(user=user, wording_version=wording_version)


def signup_complete(
    *,
    user: User,
    first_name: str,
    last_name: str,
    language: str,
    section: Unit | None,
    claims_membership: bool,
    membership_number: str,
) -> User:
    """Finish a sign-up inside allauth's transaction: names, language, the
    consent, the charter acceptance, the section and the membership claim."""
    user.first_name = first_name
    user.last_name = last_name
    user.handle = handle_assign(first_name=first_name, last_name=last_name)
    user.language = language
    user.membership_claimed = claims_membership
    user.membership_number = membership_number if claims_membership else ""
    user.save()
    consent_record(user=user)
    charter = current_charter()
    if charter is not None:
        charter_accept(user=user, version=charter)
    if section is not None:
        section_join(user=user, section=section)
    return user


def welcome_email_send(*, user: User) -> bool:
    """Queue the welcome email once per person, after their first confirmation."""
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, welcomed_at__isnull=True).update(
            welcomed_at=timezone.now()
        )
        if not updated:
            return False
        email_queue_from_templates(
            to=user.email,
            template_prefix="accounts/email/welcome",
            context={
                "user": user,
                "instance_name": get_instance_settings().name,
                "site_url": settings.SITE_URL,
            },
            language=user.language,
            purpose="welcome",
        )
    return True


def profile_update(*, user: User, photo: ContentFile[bytes] | None = None, **fields: Any) -> User:
    """Update profile fields; a new photo replaces (and deletes) the old one."""
    allowed = {
        "display_name",
        "bio",
        "commune",
        "profile_visibility",
        "listed_in_directory",
        "language",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(user, name, value)
    changed = list(fields)
    if photo is not None:
        old = user.photo.name if user.photo else ""
        user.photo.save(photo.name or "photo.jpg", photo, save=False)
        changed.append("photo")
        if old:
            transaction.on_commit(lambda: user.photo.storage.delete(old))
    # Only the profile's columns: a concurrent membership verification or
    # section change must not be overwritten.
    # The count of the person's section the directory shows follows them.
    listing = {"listed_in_directory", "profile_visibility"} & set(fields)
    with section_counts_kept(user) if listing else nullcontext():
        user.save(update_fields=changed)
    return user


def profile_photo_remove(*, user: User) -> None:
    if user.photo:
        name = user.photo.name or ""
        user.photo = ""
        user.save(update_fields=["photo"])
        transaction.on_commit(lambda: user.photo.storage.delete(name))


def membership_claim(*, user: User, membership_number: str = "") -> User:
    """Say "I am a member": the status stays "to verify" until verified."""
    user.membership_claimed = True
    if membership_number != user.membership_number:
        user.membership_number = membership_number
    user.save(update_fields=["membership_claimed", "membership_number"])
    return user


def membership_withdraw(*, user: User) -> User:
    user.membership_claimed = False
    user.membership_number = ""
    user.membership_verified_at = None
    user.membership_verified_by = None
    user.save(
        update_fields=[
            "membership_claimed",
            "membership_number",
            "membership_verified_at",
            "membership_verified_by",
        ]
    )
    return user


def membership_verify(*, person: User, verified_by: User | None) -> User:
    """Mark a claimed membership as verified (by an animator, staff, or a
    member-file import when `verified_by` is None)."""
    person.membership_claimed = True
    person.membership_verified_at = timezone.now()
    person.membership_verified_by = verified_by
    person.save(
        update_fields=["membership_claimed", "membership_verified_at", "membership_verified_by"]
    )
    return person


def account_delete(*, user: User, keep_contributions: bool) -> None:
    """Erase a person's account: every app erases its part, then the row is
    either kept as an anonymous "ancien membre" or deleted with the rest."""
    from membrane.core.privacy import erase_personal_data

    # The person leaves their section's stored counts (territory.services).
    with transaction.atomic(), section_counts_kept(user):
        erase_personal_data(user, keep_contributions=keep_contributions)
        if not keep_contributions:
            User.objects.filter(pk=user.pk).delete()


def consent_withdraw(*, user: User) -> None:
    """Withdraw the consent to the processing of political opinions: without
    it the platform may keep nothing that reveals them, so the account is
    erased at once (sessions ended), its contributions kept signed "former
    member" — no longer anyone's personal data. To remove the contributions
    too, the person deletes the account instead (`account_delete`)."""
    account_delete(user=user, keep_contributions=True)
