"""Getting one's data export the way a person does: ask for it, let the
worker build it (run here in the test's thread), follow the emailed link."""

import re

from django.test import Client
from django.urls import reverse

from membrane.accounts.exports import data_export_build
from membrane.accounts.models import DataExport
from membrane.core.models import OutgoingEmail

LINK = re.compile(r"/compte/donnees/([A-Za-z0-9_\-]+)/")


def export_token(client: Client, user) -> str:
    """Ask for an export as `user`, build it and return the token emailed."""
    client.force_login(user)
    assert client.post(reverse("accounts:data_export")).status_code == 302
    export = DataExport.objects.get(user=user, ready_at__isnull=True)
    raw = data_export_build(export_id=export.pk)
    assert raw is not None
    email = OutgoingEmail.objects.filter(to=user.email, purpose="data_export").latest("pk")
    match = LINK.search(email.body_text)
    assert match is not None and match.group(1) == raw
    return raw


def export_downloaded(client: Client, user):
    """The response to the emailed link, followed once by its owner."""
    raw = export_token(client, user)
    return client.get(reverse("accounts:data_export_download", args=[raw]))
