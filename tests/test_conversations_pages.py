"""Threads and posts through their pages: starting a thread, replying and
quoting, mentions and the notifications they send, reactions, edits and their
history, deletion, unread markers, bad input, and pinned query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.conversations.models import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Post,
    Reaction,
    Thread,
)
from membrane.conversations.selectors import POSTS_PER_PAGE, threads_of_space
from membrane.conversations.services import (
    post_create,
    post_delete,
    post_edit,
    reaction_toggle,
    thread_create,
    thread_set_locked,
)
from membrane.moderation.models import SpacePolicy
from membrane.notifications.models import Channel, Kind, Notification
from membrane.notifications.services import preference_set
from membrane.spaces.models import Membership, Role, Space
from membrane.spaces.services import group_create, territorial_space_ensure
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def thread_url(thread):
    return reverse("conversations:thread", args=[thread.pk])


def reply_url(thread):
    return reverse("conversations:reply", args=[thread.pk])


@pytest.fixture
def group(member, supporter):
    """A public group animated by `member`, which `supporter` joined."""
    space = group_create(creator=member, name="Services publics")
    Membership.objects.create(space=space, user=supporter, role=Role.MEMBER)
    return space


@pytest.fixture
def private_group(member):
    return group_create(
        creator=member, name="Coordination des animateurs", visibility=Space.Visibility.PRIVATE
    )


@pytest.fixture
def thread(group, member):
    return thread_create(author=member, space=group, title="Défendons La Poste", body="Qui vient ?")


# Starting a thread ------------------------------------------------------------------------


def test_a_member_starts_a_thread_and_lands_on_it(client, group, supporter):
    client.force_login(supporter)

    response = client.post(
        reverse("conversations:thread_create", args=[group.slug]),
        {"title": "Le bureau de poste ferme", "body": "Il faut **agir**."},
    )

    thread = Thread.objects.get(title="Le bureau de poste ferme")
    assert response.status_code == 302
    assert response["Location"] == thread_url(thread)
    assert thread.space == group and thread.author == supporter
    page = client.get(thread_url(thread)).content.decode()
    assert "<strong>agir</strong>" in page


def test_the_new_thread_form_is_shown_to_members(client, group, supporter):
    client.force_login(supporter)

    response = client.get(reverse("conversations:thread_create", args=[group.slug]))

    assert response.status_code == 200
    assert 'name="title"' in response.content.decode()


def test_a_thread_without_title_is_refused_and_the_message_kept(client, group, supporter):
    client.force_login(supporter)

    response = client.post(
        reverse("conversations:thread_create", args=[group.slug]),
        {"title": "  ", "body": "Mon texte précieux"},
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "Give the thread a title." in content
    assert "Mon texte précieux" in content
    assert not Thread.objects.filter(author=supporter).exists()


def test_a_too_long_title_states_the_limit(client, group, supporter):
    client.force_login(supporter)

    response = client.post(
        reverse("conversations:thread_create", args=[group.slug]),
        {"title": "T" * (TITLE_MAX_LENGTH + 1), "body": "Texte"},
    )

    assert response.status_code == 400
    assert f"At most {TITLE_MAX_LENGTH} characters" in response.content.decode()
    assert not Thread.objects.filter(author=supporter).exists()


def test_a_double_submitted_thread_is_started_once(client, group, supporter):
    client.force_login(supporter)
    data = {"title": "Une seule fois", "body": "Même texte"}
    url = reverse("conversations:thread_create", args=[group.slug])

    first = client.post(url, data)
    second = client.post(url, data)

    assert Thread.objects.filter(title="Une seule fois").count() == 1
    assert first["Location"] == second["Location"]


# Replying ---------------------------------------------------------------------------------


def test_a_reply_appears_at_its_anchor(client, thread, supporter):
    client.force_login(supporter)

    response = client.post(reply_url(thread), {"body": "J'y serai."})

    post = Post.objects.get(body="J'y serai.")
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url(thread)}#post-{post.pk}"
    thread.refresh_from_db()
    assert thread.post_count == 2
    page = client.get(thread_url(thread)).content.decode()
    assert f'id="post-{post.pk}"' in page
    assert "J&#x27;y serai." in page or "J'y serai." in page


@pytest.mark.parametrize("body", ["", "   ", "\r\n\r\n  \r\n"])
def test_an_empty_reply_is_refused(client, thread, supporter, body):
    client.force_login(supporter)

    response = client.post(reply_url(thread), {"body": body})

    assert response.status_code == 400
    assert "Write a message: it cannot be empty." in response.content.decode()
    assert Post.objects.filter(thread=thread).count() == 1


def test_a_too_long_reply_states_the_limit_and_is_kept(client, thread, supporter):
    client.force_login(supporter)
    body = "mot " * (BODY_MAX_LENGTH // 4) + "fin"

    response = client.post(reply_url(thread), {"body": body})

    assert response.status_code == 400
    content = response.content.decode()
    assert f"At most {BODY_MAX_LENGTH} characters, please: this text has {len(body)}." in content
    assert body in content
    assert Post.objects.filter(thread=thread).count() == 1


def test_a_reply_of_exactly_the_limit_is_accepted(client, thread, supporter):
    client.force_login(supporter)

    response = client.post(reply_url(thread), {"body": "a" * BODY_MAX_LENGTH})

    assert response.status_code == 302
    assert Post.objects.filter(thread=thread).count() == 2


def test_a_mention_of_nobody_is_named_and_nothing_is_posted(client, thread, supporter, member):
    client.force_login(supporter)
    body = f"Merci @{member.handle}, @inconnu-total et @Personne-Fantome !"

    response = client.post(reply_url(thread), {"body": body})

    assert response.status_code == 400
    content = response.content.decode()
    assert "@inconnu-total: nobody has this handle." in content
    assert "@personne-fantome: nobody has this handle." in content
    assert f"@{member.handle}: nobody" not in content
    assert body in content
    assert Post.objects.filter(thread=thread).count() == 1


def test_handles_in_code_or_urls_are_not_mentions(client, thread, supporter):
    client.force_login(supporter)
    body = "Voir `@decorator` et https://mastodon.social/@inconnu"

    response = client.post(reply_url(thread), {"body": body})

    assert response.status_code == 302
    assert Post.objects.get(body=body).mentions.count() == 0


def test_a_double_submitted_reply_is_posted_once(client, thread, supporter):
    client.force_login(supporter)

    first = client.post(reply_url(thread), {"body": "Une fois suffit."})
    second = client.post(reply_url(thread), {"body": "Une fois suffit."}, follow=True)

    posts = Post.objects.filter(thread=thread, body="Une fois suffit.")
    assert posts.count() == 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert "This message was already sent" in second.content.decode()


def test_the_same_reply_later_is_a_new_message(client, thread, supporter):
    client.force_login(supporter)
    client.post(reply_url(thread), {"body": "Encore !"})
    Post.objects.filter(body="Encore !").update(created_at=timezone.now() - timedelta(seconds=31))

    client.post(reply_url(thread), {"body": "Encore !"})

    assert Post.objects.filter(thread=thread, body="Encore !").count() == 2


def test_replying_in_a_locked_thread_is_refused_with_the_text_kept(client, thread, supporter):
    thread_set_locked(thread=thread, locked=True)
    client.force_login(supporter)

    response = client.post(reply_url(thread), {"body": "Mon avis important"})

    assert response.status_code == 403
    content = response.content.decode()
    assert "This thread is locked" in content
    assert "Mon avis important" in content
    assert Post.objects.filter(thread=thread).count() == 1


def test_replying_in_a_group_one_has_not_joined_is_refused(client, thread, federation_animator):
    client.force_login(federation_animator)

    response = client.post(reply_url(thread), {"body": "Je passe par là"})

    assert response.status_code == 403
    content = response.content.decode()
    assert "Only the members of “Services publics” can write there." in content
    assert "Je passe par là" in content
    assert Post.objects.filter(thread=thread).count() == 1


def test_a_locked_thread_says_so_where_the_reply_form_would_be(client, thread, supporter):
    thread_set_locked(thread=thread, locked=True)
    client.force_login(supporter)

    content = client.get(thread_url(thread)).content.decode()

    assert "This thread is locked: nobody can reply any more." in content
    assert 'name="body"' not in content


def test_a_non_member_is_told_to_join_to_reply(client, thread, federation_animator):
    client.force_login(federation_animator)

    content = client.get(thread_url(thread)).content.decode()

    assert "members can reply." in content
    assert 'name="body"' not in content


def test_a_visitor_is_invited_to_log_in(client, thread):
    content = client.get(thread_url(thread)).content.decode()

    assert "Log in to take part." in content


# Quoting ----------------------------------------------------------------------------------


def test_the_quote_link_prefills_the_reply_form(client, thread, supporter):
    opening = thread.posts.get()
    client.force_login(supporter)

    content = client.get(f"{thread_url(thread)}?quote={opening.pk}").content.decode()

    assert f'<input type="hidden" name="quote" value="{opening.pk}">' in content
    assert "You are quoting" in content


def test_a_reply_with_a_quote_shows_the_quoted_message_and_notifies_its_author(
    client, django_capture_on_commit_callbacks, group, thread, supporter, member
):
    reply = post_create(author=supporter, thread=thread, body="Le mardi, je peux.")
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reply_url(thread), {"body": "Parfait.", "quote": str(reply.pk)})

    assert response.status_code == 302
    answer = Post.objects.get(body="Parfait.")
    assert answer.quoted == reply
    content = client.get(thread_url(thread)).content.decode()
    assert "wrote:" in content and "Le mardi, je peux." in content
    assert Notification.objects.filter(recipient=supporter, kind=Kind.QUOTE, post=answer).exists()


@pytest.mark.parametrize("forged", ["other-thread", "999999", "abc", "-3", "1" * 40])
def test_a_forged_quote_gets_a_message_and_nothing_is_lost(
    client, group, thread, supporter, member, forged
):
    elsewhere = thread_create(author=member, space=group, title="Autre", body="Ailleurs")
    quote = str(elsewhere.posts.get().pk) if forged == "other-thread" else forged
    client.force_login(supporter)

    response = client.post(reply_url(thread), {"body": "Ma réponse", "quote": quote})

    assert response.status_code == 400
    content = response.content.decode()
    assert "This message cannot be quoted" in content
    assert "Ma réponse" in content
    assert f'name="quote" value="{quote}"' not in content
    assert not Post.objects.filter(body="Ma réponse").exists()


# Mentions and notifications ---------------------------------------------------------------


@pytest.fixture
def mentionable(charter):
    """Two people with the mention notification kept on the site."""

    def make(handle, **fields):
        person = UserFactory(handle=handle, charter_version_accepted=charter.number, **fields)
        preference_set(user=person, kind=Kind.MENTION, channel=Channel.IN_APP)
        return person

    return make


def test_a_mention_links_to_the_profile_and_notifies_who_can_see_the_space(
    client, django_capture_on_commit_callbacks, private_group, member, mentionable
):
    insider = mentionable("camille-insider")
    outsider = mentionable("dominique-outsider")
    Membership.objects.create(space=private_group, user=insider)
    thread = thread_create(
        author=member, space=private_group, title="Réunion", body="Ordre du jour"
    )
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reply_url(thread), {"body": "@camille-insider et @dominique-outsider, venez"})

    post = Post.objects.get(body__startswith="@camille-insider")
    assert Notification.objects.filter(recipient=insider, kind=Kind.MENTION, post=post).exists()
    assert not Notification.objects.filter(recipient=outsider).exists()
    content = client.get(thread_url(thread)).content.decode()
    profile = reverse("accounts:profile", args=[insider.pk])
    assert (
        f'<a href="{profile}" class="mention" rel="nofollow ugc noopener">@camille-insider</a>'
        in content
    )


def test_a_reply_notifies_the_thread_author(
    client, django_capture_on_commit_callbacks, thread, supporter, member
):
    client.force_login(supporter)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reply_url(thread), {"body": "Présent·e !"})

    notification = Notification.objects.get(recipient=member)
    assert notification.kind == Kind.REPLY
    assert notification.actor == supporter and notification.thread == thread


def test_mention_suggestions_list_visible_people_by_handle_or_name(client, supporter, charter):
    UserFactory(
        handle="camille-durand", first_name="Camille", last_name="Durand", listed_in_directory=True
    )
    UserFactory(
        handle="claude-martin", first_name="Claude", last_name="Camusat", listed_in_directory=True
    )
    UserFactory(handle="camille-cachee", profile_visibility="staff", listed_in_directory=True)
    UserFactory(handle="camille-discrete", first_name="Camille")  # not in the directory
    client.force_login(supporter)

    response = client.get(
        reverse("conversations:mention_suggestions"), {"q": "cam"}, HTTP_HX_REQUEST="true"
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>@camille-durand</strong> — Camille Durand" in content
    assert "@claude-martin" in content  # by name
    assert "camille-cachee" not in content
    assert "camille-discrete" not in content
    assert content.index("camille-durand") < content.index("claude-martin")


def test_mention_suggestions_show_at_most_eight_people(client, supporter):
    for index in range(12):
        UserFactory(handle=f"alex-{index:02d}", listed_in_directory=True)
    client.force_login(supporter)

    content = client.get(reverse("conversations:mention_suggestions"), {"q": "@alex"}).content
    assert content.decode().count("<li>") == 8


def test_mention_suggestions_are_empty_without_a_query(client, supporter):
    client.force_login(supporter)

    response = client.get(reverse("conversations:mention_suggestions"), {"q": ""})

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_reply_box_asks_for_suggestions_as_one_types(client, thread, supporter):
    client.force_login(supporter)

    content = client.get(thread_url(thread)).content.decode()

    assert f'hx-get="{reverse("conversations:mention_suggestions")}"' in content
    assert 'hx-target="#mention-suggestions"' in content
    assert 'id="mention-suggestions"' in content


# Reactions --------------------------------------------------------------------------------


def test_a_reaction_toggles_and_comes_back_to_the_post(client, thread, supporter):
    post = thread.posts.get()
    client.force_login(supporter)
    url = reverse("conversations:react", args=[post.pk])

    first = client.post(url)

    assert first.status_code == 302
    assert first["Location"] == f"{thread_url(thread)}#post-{post.pk}"
    assert Reaction.objects.filter(post=post, user=supporter).exists()
    content = client.get(thread_url(thread)).content.decode()
    assert 'aria-pressed="true"' in content
    assert supporter.public_name in content

    client.post(url)

    assert not Reaction.objects.filter(post=post).exists()


def test_a_reaction_with_htmx_returns_the_updated_counter(client, thread, supporter, member):
    post = thread.posts.get()
    reaction_toggle(post=post, user=UserFactory())
    client.force_login(supporter)

    response = client.post(reverse("conversations:react", args=[post.pk]), HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert f'id="reactions-{post.pk}"' in content
    assert 'aria-pressed="true"' in content
    assert "</span> 2</button>" in content
    assert supporter.public_name in content


def test_one_cannot_react_to_ones_own_post(client, thread, member):
    post = thread.posts.get()
    client.force_login(member)

    response = client.post(reverse("conversations:react", args=[post.pk]))

    assert response.status_code == 403
    assert not Reaction.objects.exists()


# Editing, history, deleting ---------------------------------------------------------------


def test_editing_keeps_the_previous_versions_newest_first(client, thread, supporter):
    post = post_create(author=supporter, thread=thread, body="Première version")
    client.force_login(supporter)
    edit_url = reverse("conversations:post_edit", args=[post.pk])

    assert client.get(edit_url).status_code == 200
    client.post(edit_url, {"body": "Deuxième version"})
    response = client.post(edit_url, {"body": "Troisième version"})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Troisième version" and post.edited_at is not None
    history_url = reverse("conversations:post_history", args=[post.pk])
    assert history_url in client.get(thread_url(thread)).content.decode()
    history = client.get(history_url).content.decode()
    assert history.index("Troisième") < history.index("Deuxième") < history.index("Première")


def test_an_invalid_edit_keeps_the_text(client, thread, supporter):
    post = post_create(author=supporter, thread=thread, body="Avant")
    client.force_login(supporter)

    response = client.post(
        reverse("conversations:post_edit", args=[post.pk]), {"body": "Après @inconnu-xyz"}
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "@inconnu-xyz: nobody has this handle." in content
    assert "Après @inconnu-xyz" in content
    post.refresh_from_db()
    assert post.body == "Avant"


def test_editing_someone_elses_post_is_refused(client, thread, supporter):
    post = thread.posts.get()
    client.force_login(supporter)

    response = client.post(
        reverse("conversations:post_edit", args=[post.pk]), {"body": "Je réécris tout"}
    )

    assert response.status_code == 403
    assert "Je réécris tout" in response.content.decode()
    post.refresh_from_db()
    assert post.body == "Qui vient ?"


def test_the_history_is_as_hidden_as_the_thread(client, private_group, member, supporter):
    thread = thread_create(author=member, space=private_group, title="Secret", body="v1")
    post = thread.posts.get()
    post_edit(post=post, body="v2")
    client.force_login(supporter)

    response = client.get(reverse("conversations:post_history", args=[post.pk]))

    assert response.status_code == 404


def test_deleting_asks_first_then_leaves_a_placeholder(client, thread, supporter):
    post = post_create(author=supporter, thread=thread, body="Je retire ce que j'ai dit")
    client.force_login(supporter)
    url = reverse("conversations:post_delete", args=[post.pk])

    confirmation = client.get(url)
    response = client.post(url)

    assert confirmation.status_code == 200
    assert "Delete my message?" in confirmation.content.decode()
    assert response.status_code == 302
    content = client.get(thread_url(thread)).content.decode()
    assert "This message was deleted by its author." in content
    assert "Je retire" not in content
    post.refresh_from_db()
    assert post.is_deleted and post.body == ""


def test_deleting_someone_elses_post_is_refused(client, thread, supporter):
    post = thread.posts.get()
    client.force_login(supporter)

    response = client.post(reverse("conversations:post_delete", args=[post.pk]))

    assert response.status_code == 403
    post.refresh_from_db()
    assert not post.is_deleted


# Unread markers and pagination ------------------------------------------------------------


def test_viewing_a_thread_marks_it_read_until_someone_replies(client, group, thread, supporter):
    def is_unread():
        return threads_of_space(space=group, viewer=supporter).get(pk=thread.pk).is_unread

    assert is_unread()
    client.force_login(supporter)

    client.get(thread_url(thread))

    assert not is_unread()
    Thread.objects.filter(pk=thread.pk).update(
        last_activity_at=timezone.now() + timedelta(seconds=1)
    )
    assert is_unread()


def test_a_returning_reader_sees_which_messages_are_new(client, thread, member, supporter):
    client.force_login(supporter)
    client.get(thread_url(thread))
    mine = post_create(author=supporter, thread=thread, body="J'y serai.")
    theirs = post_create(author=member, thread=thread, body="Rendez-vous à 10 h.")

    page = client.get(thread_url(thread)).content.decode()

    new_badge = '<span class="badge new">'
    assert page.count(new_badge) == 1
    assert page.index(f'id="post-{theirs.pk}"') < page.index(new_badge)
    assert page.index(f'id="post-{mine.pk}"') < page.index(f'id="post-{theirs.pk}"')
    assert f'href="#post-{theirs.pk}"' in page
    # Seen now: the next visit marks nothing.
    assert new_badge not in client.get(thread_url(thread)).content.decode()


def test_a_first_visit_marks_nothing_new(client, thread, supporter):
    client.force_login(supporter)

    assert '<span class="badge new">' not in client.get(thread_url(thread)).content.decode()


def test_a_returning_reader_opens_the_page_of_the_first_new_message(
    client, thread, member, supporter
):
    for index in range(POSTS_PER_PAGE + 5):
        post_create(author=member, thread=thread, body=f"Message {index}")
    client.force_login(supporter)
    client.get(thread_url(thread) + "?page=2")
    first_new = post_create(author=member, thread=thread, body="Du nouveau !")

    response = client.get(thread_url(thread))

    assert response.context["page"].number == 2
    assert response.context["first_new"] == first_new
    # An explicit page is honoured.
    response = client.get(thread_url(thread) + "?page=1")
    assert response.context["page"].number == 1


def test_a_visitor_reads_a_public_thread_without_a_marker(client, thread):
    response = client.get(thread_url(thread))

    assert response.status_code == 200
    assert thread.read_states.count() == 0


def without_rate_limit(space):
    """Bulk test data: the space's moderation policy accepts any number of
    messages an hour (the default limit refuses the 21st)."""
    SpacePolicy.objects.update_or_create(space=space, defaults={"posts_per_hour": 0})


def test_long_threads_are_paginated_and_a_reply_lands_on_its_page(client, thread, supporter):
    without_rate_limit(thread.space)
    for index in range(POSTS_PER_PAGE):
        post_create(author=supporter, thread=thread, body=f"Message {index}")
    client.force_login(supporter)

    first_page = client.get(thread_url(thread)).content.decode()
    second_page = client.get(thread_url(thread), {"page": 2}).content.decode()
    response = client.post(reply_url(thread), {"body": "Le dernier mot"})

    assert "Message 28" in first_page and "Message 29" not in first_page
    assert "Message 29" in second_page and "Page 2 of 2" in second_page
    last = Post.objects.get(body="Le dernier mot")
    assert response["Location"] == f"{thread_url(thread)}?page=2#post-{last.pk}"


def test_a_permanent_post_address_leads_to_its_page(client, thread, supporter):
    without_rate_limit(thread.space)
    posts = [post_create(author=supporter, thread=thread, body=f"n{i}") for i in range(31)]
    client.force_login(supporter)

    response = client.get(reverse("conversations:post", args=[posts[-1].pk]))

    assert response["Location"] == f"{thread_url(thread)}?page=2#post-{posts[-1].pk}"


# Pinned numbers of queries ----------------------------------------------------------------


def busy_thread(space, opener, count):
    """A thread of `count` posts by different people, some with a photo,
    verified members, quotes, reactions, edits and a deletion."""
    thread = thread_create(author=opener, space=space, title=f"Fil de {count}", body="Début")
    previous = thread.posts.get()
    for index in range(count - 1):
        factory = MemberFactory if index % 2 else UserFactory
        author = factory(photo=f"photos/{index}.jpg" if index % 3 == 0 else "")
        post = post_create(
            author=author, thread=thread, body=f"Réponse {index} @{opener.handle}", quoted=previous
        )
        reaction_toggle(post=post, user=opener)
        reaction_toggle(post=post, user=UserFactory())
        if index % 4 == 0:
            post_edit(post=post, body=f"Réponse {index} corrigée")
        previous = post
    post_delete(post=post_create(author=UserFactory(), thread=thread, body="À effacer"))
    return thread


def count_queries(client, url):
    client.get(url)  # warm the caches (instance settings, charter, read marker)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("viewer", ["supporter", "anonymous"])
def test_the_thread_page_queries_do_not_grow_with_its_posts(request, client, group, member, viewer):
    small = busy_thread(group, member, 3)
    large = busy_thread(group, member, POSTS_PER_PAGE)
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))

    assert count_queries(client, thread_url(small)) == count_queries(client, thread_url(large))


def test_the_section_space_thread_page_queries_do_not_grow_either(
    client, section, section_animator, member
):
    space = territorial_space_ensure(section)
    small = busy_thread(space, member, 3)
    large = busy_thread(space, member, POSTS_PER_PAGE)
    client.force_login(section_animator)

    assert count_queries(client, thread_url(small)) == count_queries(client, thread_url(large))


def test_mention_suggestions_read_the_word_the_message_box_ends_with(client, supporter):
    """The message box sends its text (no script runs in the page, the CSP
    forbids it): the "@…" word being typed at its end is the query."""
    UserFactory(
        handle="camille-durand", first_name="Camille", last_name="Durand", listed_in_directory=True
    )
    client.force_login(supporter)
    url = reverse("conversations:mention_suggestions")

    typing = client.get(url, {"body": "Bonjour,\nqu'en penses-tu @cam"}).content.decode()
    done = client.get(url, {"body": "Bonjour @camille-durand et les autres"}).content.decode()

    assert "@camille-durand" in typing
    assert done.strip() == ""
