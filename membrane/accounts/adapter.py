from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from membrane.accounts.services import welcome_email_send
from membrane.core.instance import get_instance_settings
from membrane.core.mail import email_queue


class AccountAdapter(DefaultAccountAdapter):
    """allauth, the Membrane way: its emails go through the stored outbox and
    the task worker, and a first confirmation triggers the welcome email."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        # allauth's emails greet from `current_site.name`: the instance's name.
        site = get_current_site(request)
        site.name = get_instance_settings().name
        ctx: dict[str, Any] = {"request": request, "email": email, "current_site": site}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = str(content)
        email_queue(
            to=email,
            subject=str(message.subject),
            body_text=str(message.body),
            body_html=html,
            purpose=template_prefix.rsplit("/", 1)[-1],
        )

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            welcome_email_send(user=email_address.user)
        return confirmed
