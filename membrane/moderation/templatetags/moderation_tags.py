"""Small filters for moderation's templates: a kind of content's name and
a charter article's title, looked up without a query."""

from typing import Any

from django import template

from membrane.moderation.kinds import KINDS

register = template.Library()


@register.filter
def kind_label(kind_name: str) -> str:
    """The human name of a kind of content ("reply" for "post")."""
    kind = KINDS.get(kind_name)
    return str(kind.label) if kind is not None else kind_name


@register.filter
def article_title(articles: dict[int, str] | None, number: Any) -> str:
    """The title of an article of the charter, from `charter_articles()`."""
    if not articles or number is None:
        return ""
    return articles.get(number, "")
