from django.core.cache import cache

from membrane.core.memo import forget, memoised
from membrane.core.models import InstanceSettings

_CACHE_KEY = "instance-settings"


def get_instance_settings() -> InstanceSettings:
    """The instance's settings row, created on first use, cached for every
    process (the cache is shared) and memoised a few seconds in each
    (membrane.core.memo); saving it in the admin clears the cache."""
    instance: InstanceSettings = memoised(_CACHE_KEY, _shared_instance_settings)
    return instance


def _shared_instance_settings() -> InstanceSettings:
    instance = cache.get(_CACHE_KEY)
    if instance is None:
        instance = InstanceSettings.objects.order_by("pk").first()
        if instance is None:
            instance = InstanceSettings.objects.create()
        cache.set(_CACHE_KEY, instance, 300)
    return instance


def forget_instance_settings() -> None:
    cache.delete(_CACHE_KEY)
    forget(_CACHE_KEY)
