from typing import Any

from django.utils import timezone

from membrane.conversations.models import Mention, Post, PostRevision, Reaction, ReadState, Thread


def export_personal_data(user: Any) -> dict[str, Any]:
    return {
        "threads_started": [
            {"id": pk, "title": title, "space": space, "created_at": created.isoformat()}
            for pk, title, space, created in Thread.objects.filter(author=user).values_list(
                "pk", "title", "space__name", "created_at"
            )
        ],
        "posts": [
            {
                "id": pk,
                "thread": thread_id,
                "body": body,
                "created_at": created.isoformat(),
                "edited_at": edited.isoformat() if edited else None,
                "deleted_at": deleted.isoformat() if deleted else None,
            }
            for pk, thread_id, body, created, edited, deleted in Post.objects.filter(
                author=user
            ).values_list("pk", "thread_id", "body", "created_at", "edited_at", "deleted_at")
        ],
        "reactions": [
            {"post": post_id, "kind": kind, "created_at": created.isoformat()}
            for post_id, kind, created in Reaction.objects.filter(user=user).values_list(
                "post_id", "kind", "created_at"
            )
        ],
        "mentions_of_me": list(Mention.objects.filter(user=user).values_list("post_id", flat=True)),
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    """Reactions, read markers and mentions of the person go. Their posts stay
    signed "ancien membre" (`keep_contributions`), or are removed: the text
    and its history are erased and a "message deleted" mark keeps the
    conversation readable; threads they started keep their title."""
    Reaction.objects.filter(user=user).delete()
    ReadState.objects.filter(user=user).delete()
    Mention.objects.filter(user=user).delete()
    if keep_contributions:
        return
    posts = Post.objects.filter(author=user)
    PostRevision.objects.filter(post__in=posts).delete()
    Mention.objects.filter(post__in=posts).delete()
    Reaction.objects.filter(post__in=posts).delete()
    posts.update(body="", body_html="", search_key="", deleted_at=timezone.now(), author=None)
    Thread.objects.filter(author=user).update(author=None)
