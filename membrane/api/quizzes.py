"""The quizzes of issue 5 in the API (being written)."""

from ninja import Router

router = Router(tags=["quizzes"])
