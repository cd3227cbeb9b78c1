"""Pages where a person manages their own API access tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from membrane.accounts.models import PersonalAccessToken
from membrane.accounts.tokens import access_token_create, access_token_revoke
from membrane.core.http import AuthenticatedHttpRequest


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=80,
        help_text=gettext_lazy("What the token is for, for example “my calendar script”."),
        error_messages={"required": gettext_lazy("Give the token a name.")},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List my tokens and create one. A new token is shown in this very
    response and never again: nothing keeps its raw value."""
    form = AccessTokenForm(request.POST or None)
    raw_token = None
    if request.method == "POST" and form.is_valid():
        _token, raw_token = access_token_create(user=request.user, name=form.cleaned_data["name"])
        form = AccessTokenForm()
    tokens = PersonalAccessToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens, "raw_token": raw_token},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    # Someone else's token answers 404, like a missing one.
    token = get_object_or_404(PersonalAccessToken, pk=token_id, user=request.user)
    access_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
