from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from membrane.core.http import AuthenticatedHttpRequest, safe_next_url
from membrane.notifications.forms import PreferencesForm
from membrane.notifications.selectors import (
    channels_of,
    notifications_of,
    target_url,
    unread_count,
)
from membrane.notifications.services import (
    notifications_mark_hidden_read,
    notifications_mark_read,
    preferences_save,
)

PAGE_SIZE = 30


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications_mark_hidden_read(user=request.user)
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "has_unread": unread_count(request.user) > 0}
    return render(request, "notifications/list.html", context)


@login_required
def notification_open(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Open a notification: it is read, and the person goes to what it is
    about. Someone else's notification, or one about what the person may no
    longer see, is a 404."""
    notification = notifications_of(request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("No such notification.")
    notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(target_url(notification))


@login_required
@require_POST
def notification_mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications_mark_read(user=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect(safe_next_url(request, reverse("notifications:list")))


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, current=channels_of(request.user))
    if request.method == "POST":
        if form.is_valid():
            preferences_save(user=request.user, channels=form.channels())
            messages.success(request, _("Your notification preferences have been saved."))
            return redirect("notifications:preferences")
        messages.error(request, _("Please choose one option for each kind of notification."))
    return render(
        request,
        "notifications/preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
