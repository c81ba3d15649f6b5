"""Deployment checks (`crm check --deploy`) for settings only this project has."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def forwarded_headers(app_configs, **kwargs):
    if settings.HTTPS and not settings.CRM_TRUSTED_PROXIES:
        return [
            Warning(
                "CRM_HTTPS=1 but CRM_TRUSTED_PROXIES is empty: the proxy's X-Forwarded-Proto and "
                "X-Forwarded-For are ignored, so HTTPS is not recognised and every client has the proxy's address.",
                hint="Set CRM_TRUSTED_PROXIES to the address of the TLS proxy, e.g. 127.0.0.1.",
                id="crm.W001",
            )
        ]
    return []
