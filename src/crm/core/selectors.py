from django.core.cache import cache

from crm.core.models import SystemSettings

_SETTINGS_CACHE_KEY = "crm:system-settings"


def system_settings() -> SystemSettings:
    """The one settings row, cached: every page shows the system name."""
    settings_row = cache.get(_SETTINGS_CACHE_KEY)
    if settings_row is None:
        settings_row = SystemSettings.objects.order_by("pk").first() or SystemSettings()
        cache.set(_SETTINGS_CACHE_KEY, settings_row, 300)
    return settings_row


def forget_system_settings() -> None:
    cache.delete(_SETTINGS_CACHE_KEY)
