"""Rate limits of the plugin's public endpoints, counted by django-ratelimit in the host's default cache.

The confirmation link is counted per client address (``COD_CONFIRM_LINK_RATE``), a courier's webhook per courier
(``COD_WEBHOOK_RATE``): a courier's events arrive in bursts, so its rate is generous, and one courier's flood
never slows another's. The cache must be shared by the host's processes for one count across them (Redis,
memcached); a per-process cache counts per process.
"""

from django_ratelimit.core import get_usage

from .conf import app_settings


def confirm_link_wait(request) -> int | None:
    """Seconds this client must wait before opening a confirmation link again, or None when it may now."""
    return _wait(request, "cod_plugin.confirm_link", "ip", app_settings.CONFIRM_LINK_RATE)


def webhook_wait(request, courier_code: str) -> int | None:
    """Seconds this courier must wait before sending another event, or None when it may now."""
    return _wait(
        request, "cod_plugin.courier_webhook", lambda _group, _request: courier_code, app_settings.WEBHOOK_RATE
    )


def _wait(request, group: str, key, rate: str | None) -> int | None:
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(usage["time_left"], 1)
