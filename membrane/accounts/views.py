from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from membrane.accounts.exports import (
    access_data_export,
    data_export_pending,
    data_export_request,
)
from membrane.accounts.follows import (
    FollowError,
    can_follow,
    contacts_of,
    follow,
    follow_counts,
    groups_of,
    is_following,
    recent_contributions,
    unfollow,
)
from membrane.accounts.forms import AccountDeleteForm, MembershipForm, ProfileForm
from membrane.accounts.models import User
from membrane.accounts.permissions import access_profile, can_verify_membership
from membrane.accounts.selectors import memberships_to_verify, people_visible_to
from membrane.accounts.services import (
    account_delete,
    membership_claim,
    membership_verify,
    membership_withdraw,
    profile_photo_remove,
    profile_update,
)
from membrane.conversations.moderated import (
    hiding_decisions,
    in_place,
    profile_masked,
    shown_name,
)
from membrane.core.http import AuthenticatedHttpRequest, safe_next_url
from membrane.moderation.permissions import can_moderate, can_moderate_in, can_report
from membrane.security.models import AuditAction
from membrane.security.services import audit_record
from membrane.territory.permissions import animated_unit_ids


def profile_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_profile(request.user, person_id)
    return _profile_page(request, person)


def _profile_page(
    request: HttpRequest,
    person: User,
    *,
    template: str = "accounts/profile.html",
    status: int = 200,
) -> HttpResponse:
    """The profile, as the viewer may see it: counts, follow button, groups,
    section and recent contributions — nothing from spaces they cannot read.
    A profile hidden by moderation shows the reason instead of its name,
    photo and bio to all but the person and staff (who moderate profiles)."""
    viewer = request.user
    decision = hiding_decisions([person]).get(person.pk)
    person.in_place = in_place(  # type: ignore[attr-defined]
        person, viewer=viewer, decision=decision, moderates=can_moderate_in(viewer, None)
    )
    context = {
        "can_report": can_report(viewer, person),
        "can_moderate": can_moderate(viewer, person),
        "person": person,
        "can_verify": can_verify_membership(viewer, person),
        "counts": follow_counts(person),
        "can_follow": can_follow(viewer, person),
        "is_following": is_following(follower=viewer, followed=person),
        "memberships": groups_of(person=person, viewer=viewer),
        "contributions": recent_contributions(person=person, viewer=viewer),
    }
    return render(request, template, context, status=status)


@login_required
@require_POST
def follow_view(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = access_profile(request.user, person_id)
    try:
        follow(follower=request.user, followed=person)
    except FollowError as error:
        messages.error(request, str(error))
        return _profile_page(request, person, status=400)
    return _after_follow_change(request, person, _("You now follow %(name)s."))


@login_required
@require_POST
def unfollow_view(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = access_profile(request.user, person_id)
    unfollow(follower=request.user, followed=person)
    return _after_follow_change(request, person, _("You no longer follow %(name)s."))


def _after_follow_change(
    request: AuthenticatedHttpRequest, person: User, message: str
) -> HttpResponse:
    if request.htmx:
        # The button and the counts, swapped in place.
        return _profile_page(request, person, template="accounts/profile.html#follow")
    messages.success(request, message % {"name": shown_name(person, request.user)})
    return redirect(safe_next_url(request, reverse("accounts:profile", args=[person.pk])))


def contact_list(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's contacts (coopains) whose profiles the viewer may see."""
    person = access_profile(request.user, person_id)
    contacts = people_visible_to(request.user, contacts_of(person))
    page = Paginator(contacts, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/contacts.html", {"person": person, "page": page})


def profile_photo(request: HttpRequest, person_id: int) -> FileResponse:
    """Photos are served through their profile's visibility rule, never as
    public files."""
    person = access_profile(request.user, person_id)
    if not person.photo or profile_masked(person, request.user):
        raise Http404("No photo.")
    try:
        photo = person.photo.open("rb")
    except FileNotFoundError:
        raise Http404("No photo.") from None
    response = FileResponse(photo, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def account_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    can_verify = request.user.is_staff or bool(animated_unit_ids(request.user))
    return render(request, "accounts/account.html", {"can_verify": can_verify})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, instance=user)
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}
            profile_update(user=user, photo=form.processed_photo, **fields)
            if form.cleaned_data.get("remove_photo") and form.processed_photo is None:
                profile_photo_remove(user=user)
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile_edit")
        user.refresh_from_db()
    return render(
        request, "accounts/profile_edit.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = MembershipForm(
        request.POST or None, initial={"membership_number": user.membership_number}
    )
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            membership_withdraw(user=user)
            messages.success(request, _("You are now registered as a supporter."))
            return redirect("accounts:membership")
        if form.is_valid():
            membership_claim(
                user=user, membership_number=form.cleaned_data["membership_number"].strip()
            )
            messages.success(
                request, _("Thank you. An animator of your section will verify your membership.")
            )
            return redirect("accounts:membership")
    return render(
        request, "accounts/membership.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def membership_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not (request.user.is_staff or animated_unit_ids(request.user)):
        raise PermissionDenied
    claims = memberships_to_verify(request.user)
    audit_record(actor=request.user, action=AuditAction.MEMBERSHIP_QUEUE_VIEW)
    return render(request, "accounts/membership_queue.html", {"claims": claims})


@login_required
@require_POST
def membership_verify_view(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("section__parent"), pk=person_id)
    if not can_verify_membership(request.user, person):
        raise PermissionDenied
    membership_verify(person=person, verified_by=request.user)
    messages.success(
        request, _("%(name)s is now a verified member.") % {"name": person.public_name}
    )
    return redirect(safe_next_url(request, reverse("accounts:membership_queue")))


@login_required
@require_http_methods(["GET", "POST"])
def data_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for one's data: the worker builds it and emails a single-use link."""
    if request.method == "POST":
        data_export_request(user=request.user)
        messages.success(
            request,
            _(
                "Your export is being prepared. We will email you a link to download it; "
                "the link works once, within 24 hours."
            ),
        )
        return redirect("accounts:data_export")
    return render(
        request, "accounts/data_export.html", {"pending": data_export_pending(request.user)}
    )


@login_required
def data_export_download(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    payload = access_data_export(request.user, token)
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="membrane-mes-donnees-{stamp}.json"'
    return response


@login_required
@reauthentication_required(app="allauth.account")
@require_http_methods(["GET", "POST"])
def account_delete_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        keep = form.cleaned_data["contributions"] == AccountDeleteForm.KEEP
        logout(request)
        account_delete(user=user, keep_contributions=keep)
        messages.success(request, _("Your account has been deleted. Goodbye, and thank you."))
        return redirect("home")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )
