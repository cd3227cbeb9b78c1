"""Pages of threads and posts. Reads through selectors, writes through
services, rights through permissions.py; a refusal to write says why and
gives back what was typed."""

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from membrane.conversations.forms import PostEditForm, ReplyForm, ThreadForm
from membrane.conversations.models import Post, Thread
from membrane.conversations.moderated import attach_thread_in_place, cannot_reply_moderated
from membrane.conversations.permissions import (
    access_post,
    access_thread,
    can_delete_post,
    can_edit_post,
    can_lock_thread,
    can_pin_thread,
    can_react,
    can_reply,
    can_start_thread,
)
from membrane.conversations.selectors import (
    first_post_since,
    mention_suggestions,
    post_page_number,
    post_revisions,
    posts_of_thread,
    read_until,
    thread_page,
)
from membrane.conversations.services import (
    post_create_once,
    post_delete,
    post_edit,
    reaction_toggle,
    thread_create_once,
    thread_mark_read,
    thread_set_locked,
    thread_set_pinned,
)
from membrane.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from membrane.moderation.models import ModerationState
from membrane.moderation.permissions import can_moderate, can_report
from membrane.moderation.services import ModerationError
from membrane.spaces.models import Space
from membrane.spaces.permissions import access_space, can_view_space

# Shown to the author of a held thread or post, in place and once posted.
HELD_NOTICE = _lazy("Waiting for a moderator's review: only you see it for now")


def post_url(post: Post, viewer: Any) -> str:
    """The address of a post: its thread's page that shows it to the viewer,
    at its anchor."""
    url = reverse("conversations:thread", args=[post.thread_id])
    page = post_page_number(post, viewer=viewer)
    if page > 1:
        url += f"?page={page}"
    return f"{url}#post-{post.pk}"


@require_safe
def thread_detail(request: HtmxHttpRequest, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, thread_id)
    page_number: int | str | None = request.GET.get("page")
    seen_until = None
    if request.method == "GET" and request.user.is_authenticated:
        # What was new is decided before this visit marks everything read.
        seen_until = read_until(thread=thread, user=request.user)
        thread_mark_read(thread=thread, user=request.user)
    first_new = None
    if seen_until is not None:
        first_new = first_post_since(thread=thread, user=request.user, since=seen_until)
        if first_new is not None and page_number is None:
            # A returning reader opens the thread where they stopped.
            page_number = post_page_number(first_new, viewer=request.user)
    return _thread_page(
        request, thread, page_number=page_number, seen_until=seen_until, first_new=first_new
    )


def _thread_page(
    request: HtmxHttpRequest,
    thread: Thread,
    *,
    page_number: Any,
    form: ReplyForm | None = None,
    status: int = 200,
    seen_until: Any = None,
    first_new: Post | None = None,
) -> HttpResponse:
    """The page of posts; with `seen_until` (the reader's previous visit),
    the posts written since by others are marked new."""
    user = request.user
    page = thread_page(thread=thread, viewer=user, number=page_number)
    posts = list(page.object_list)
    may_reply = can_reply(user, thread)
    attach_thread_in_place(thread, posts, viewer=user)
    for post in posts:
        _with_rights(post, thread=thread, user=user, may_reply=may_reply)
        post.is_new = bool(  # type: ignore[attr-defined]
            seen_until is not None and post.created_at > seen_until and post.author_id != user.pk
        )
    if form is None and may_reply:
        form = ReplyForm(thread=thread, initial={"quote": request.GET.get("quote")})
    context = {
        "thread": thread,
        "space": thread.space,
        "page": page,
        "form": form,
        "can_pin": can_pin_thread(user, thread),
        "can_lock": can_lock_thread(user, thread),
        "can_report": can_report(user, thread),
        "can_moderate": can_moderate(user, thread),
        "first_new": first_new if first_new is not None and first_new in posts else None,
    }
    return render(request, "conversations/thread_detail.html", context, status=status)


def _with_rights(post: Post, *, thread: Thread, user: Any, may_reply: bool) -> Post:
    """Attach what the viewer may do with the post, for the template. The
    thread object is shared so that the rights cost no query per post."""
    post.thread = thread
    visible = post.moderation_state == ModerationState.VISIBLE
    post.can_quote = may_reply and visible and not post.is_deleted  # type: ignore[attr-defined]
    post.can_edit = can_edit_post(user, post)  # type: ignore[attr-defined]
    post.can_delete = can_delete_post(user, post)  # type: ignore[attr-defined]
    post.can_react = can_react(user, post)  # type: ignore[attr-defined]
    post.can_report = can_report(user, post)  # type: ignore[attr-defined]
    post.can_moderate = can_moderate(user, post)  # type: ignore[attr-defined]
    return post


def _refused(
    request: HtmxHttpRequest, *, title: str, message: str, back: str = "", back_label: str = ""
) -> HttpResponse:
    """403 with the reason, and the text the person typed so that it is not lost."""
    context = {
        "title": title,
        "message": message,
        "text": request.POST.get("body", ""),
        "back": back,
        "back_label": back_label,
    }
    return render(request, "conversations/refused.html", context, status=403)


def _cannot_post(request: HtmxHttpRequest, space: Space, *, thread: Thread | None) -> HttpResponse:
    if thread is not None and thread.moderation_state != ModerationState.VISIBLE:
        message = cannot_reply_moderated(thread)
    elif thread is not None and thread.locked:
        message = _("This thread is locked: only its moderators can still reply.")
    elif space.is_group:
        message = _("Only the members of “%(name)s” can write there. Join the group first.") % {
            "name": space.name
        }
    else:
        message = _("Only the people of “%(name)s” can write there.") % {"name": space.name}
    back = reverse("conversations:thread", args=[thread.pk]) if thread else ""
    return _refused(
        request,
        title=_("You cannot post here"),
        message=message,
        back=back,
        back_label=_("Back to the thread") if thread else "",
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    space = access_space(slug)
    if not can_view_space(request.user, space):
        raise Http404("No such space.")
    if not can_start_thread(request.user, space):
        return _cannot_post(request, space, thread=None)
    form = ThreadForm(request.POST or None)
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            thread, created = thread_create_once(
                author=request.user,
                space=space,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ModerationError as error:
            # Muted, or over the space's rate: the form keeps the text.
            form.add_error(None, error.message)
            status = error.status
        else:
            if not created:
                messages.info(request, _("This thread was already started: here it is."))
            elif thread.moderation_state == ModerationState.HELD:
                messages.info(request, HELD_NOTICE)
            return redirect("conversations:thread", thread_id=thread.pk)
    return render(
        request,
        "conversations/thread_form.html",
        {"form": form, "space": space},
        status=status if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reply(request: AuthenticatedHttpRequest, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, thread_id)
    if request.method == "GET":
        return redirect(reverse("conversations:thread", args=[thread.pk]) + "#reply")
    if not can_reply(request.user, thread):
        return _cannot_post(request, thread.space, thread=thread)
    form = ReplyForm(request.POST, thread=thread)
    if not form.is_valid():
        return _thread_page(request, thread, page_number="last", form=form, status=400)
    try:
        post, created = post_create_once(
            author=request.user,
            thread=thread,
            body=form.cleaned_data["body"],
            quoted=form.cleaned_data["quote"],
        )
    except ModerationError as error:
        # Muted, or over the space's rate: the form keeps the text.
        form.add_error(None, error.message)
        return _thread_page(request, thread, page_number="last", form=form, status=error.status)
    if not created:
        messages.info(request, _("This message was already sent: here it is."))
    elif post.moderation_state == ModerationState.HELD:
        messages.info(request, HELD_NOTICE)
    return redirect(post_url(post, request.user))


@require_safe
def post_detail(request: HtmxHttpRequest, post_id: int) -> HttpResponse:
    """A permanent address for a post: sends to the page that shows it."""
    return redirect(post_url(access_post(request.user, post_id), request.user))


@login_required
@require_http_methods(["GET", "POST"])
def post_edit_view(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    if not can_edit_post(request.user, post):
        return _refused(
            request,
            title=_("You cannot edit this message"),
            message=_(
                "Only its author can edit a message, while they can still reply in the thread."
            ),
            back=post_url(post, request.user),
            back_label=_("Back to the message"),
        )
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        post_edit(post=post, body=form.cleaned_data["body"])
        messages.success(request, _("Your message has been changed."))
        return redirect(post_url(post, request.user))
    attach_thread_in_place(post.thread, viewer=request.user)
    return render(
        request,
        "conversations/post_edit.html",
        {"form": form, "post": post, "thread": post.thread},
        status=400 if form.errors else 200,
    )


@require_safe
def post_history(request: HtmxHttpRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    attach_thread_in_place(post.thread, [post], viewer=request.user)
    masked = post.in_place.masked  # type: ignore[attr-defined]
    return render(
        request,
        "conversations/post_history.html",
        {"post": post, "thread": post.thread, "revisions": [] if masked else post_revisions(post)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_delete_view(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    if not can_delete_post(request.user, post):
        return _refused(
            request,
            title=_("You cannot delete this message"),
            message=_("Only its author can delete a message."),
            back=post_url(post, request.user),
            back_label=_("Back to the message"),
        )
    if request.method == "POST":
        post_delete(post=post)
        messages.success(request, _("Your message has been deleted."))
        return redirect(post_url(post, request.user))
    return render(request, "conversations/post_delete.html", {"post": post, "thread": post.thread})


@login_required
@require_POST
def react(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    if not can_react(request.user, post):
        return _refused(
            request,
            title=_("You cannot react to this message"),
            message=_(
                "You can give a thumbs up to the messages of others in a space you belong to, not to your own."
            ),
            back=post_url(post, request.user),
            back_label=_("Back to the message"),
        )
    reaction_toggle(post=post, user=request.user)
    if not request.htmx:
        return redirect(post_url(post, request.user))
    thread = post.thread
    post = posts_of_thread(thread=thread, viewer=request.user).get(pk=post.pk)
    _with_rights(post, thread=thread, user=request.user, may_reply=can_reply(request.user, thread))
    return render(request, "conversations/_post.html#reactions", {"post": post})


def _thread_flag(request: AuthenticatedHttpRequest, thread_id: int, *, flag: str) -> HttpResponse:
    thread = access_thread(request.user, thread_id)
    allowed = can_pin_thread if flag == "pinned" else can_lock_thread
    if not allowed(request.user, thread):
        return _refused(
            request,
            title=_("Not allowed"),
            message=_("Only the space's animators pin threads.")
            if flag == "pinned"
            else _("Only the space's moderators and animators lock threads."),
            back=reverse("conversations:thread", args=[thread.pk]),
            back_label=_("Back to the thread"),
        )
    raw = request.POST.get(flag)
    value = (not getattr(thread, flag)) if raw not in ("0", "1") else raw == "1"
    if flag == "pinned":
        thread_set_pinned(thread=thread, pinned=value)
        done = _("The thread is pinned.") if value else _("The thread is no longer pinned.")
    else:
        thread_set_locked(thread=thread, locked=value)
        done = _("The thread is locked.") if value else _("The thread is open again.")
    messages.success(request, done)
    return redirect("conversations:thread", thread_id=thread.pk)


@login_required
@require_POST
def thread_pin(request: AuthenticatedHttpRequest, thread_id: int) -> HttpResponse:
    return _thread_flag(request, thread_id, flag="pinned")


@login_required
@require_POST
def thread_lock(request: AuthenticatedHttpRequest, thread_id: int) -> HttpResponse:
    return _thread_flag(request, thread_id, flag="locked")


MENTION_BEING_TYPED = re.compile(r"(?:^|\s)@([\w-]*)$")


@login_required
@require_GET
def mention_suggestions_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The people one may mention, for the suggestions under a message box."""
    query = request.GET.get("q")
    if query is None:
        # From the message box: the "@…" word the text ends with, being typed.
        typed = MENTION_BEING_TYPED.search(request.GET.get("body", "")[-200:])
        query = typed.group(1) if typed else ""
    people = mention_suggestions(viewer=request.user, query=query)
    return render(request, "conversations/_mention_suggestions.html", {"people": people})
