"""The admin of threads and posts: staff find and look; pinning and locking
go through the services; nobody rewrites or deletes what people wrote there."""

import pytest
from django.urls import reverse

from membrane.conversations.models import Post, Thread
from membrane.conversations.services import post_create, post_edit, thread_create
from membrane.spaces.services import group_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, charter):
    client.force_login(
        UserFactory(is_staff=True, is_superuser=True, charter_version_accepted=charter.number)
    )
    return client


@pytest.fixture
def thread(member):
    group = group_create(creator=member, name="Ruralité")
    thread = thread_create(author=member, space=group, title="Les petites lignes", body="Train")
    post = post_create(author=member, thread=thread, body="Première version")
    post_edit(post=post, body="Seconde version")
    return thread


def test_staff_list_search_and_filter_threads_and_posts(admin_client, thread):
    threads = admin_client.get(reverse("admin:conversations_thread_changelist"), {"q": "lignes"})
    posts = admin_client.get(
        reverse("admin:conversations_post_changelist"), {"deleted_at__isempty": "1"}
    )

    assert threads.status_code == posts.status_code == 200
    assert "Les petites lignes" in threads.content.decode()
    assert posts.context["cl"].result_count == 2


def test_a_post_is_shown_read_only_with_its_history(admin_client, thread):
    post = Post.objects.get(body="Seconde version")

    response = admin_client.get(reverse("admin:conversations_post_change", args=[post.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Première version" in content
    assert 'name="body"' not in content
    assert admin_client.get(reverse("admin:conversations_post_add")).status_code == 403


def test_the_pin_and_lock_actions_use_the_services(admin_client, thread):
    url = reverse("admin:conversations_thread_changelist")

    admin_client.post(url, {"action": "pin", "_selected_action": [thread.pk]})
    admin_client.post(url, {"action": "lock", "_selected_action": [thread.pk]})

    thread.refresh_from_db()
    assert thread.pinned and thread.locked
    assert Thread.objects.get(pk=thread.pk).title == "Les petites lignes"
