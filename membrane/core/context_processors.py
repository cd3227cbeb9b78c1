from typing import Any

from django.http import HttpRequest

from membrane.core.instance import get_instance_settings


def instance(request: HttpRequest) -> dict[str, Any]:
    return {"instance": get_instance_settings()}
