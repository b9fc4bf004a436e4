"""Rate limits of the plugin's public endpoints, counted by django-ratelimit in the host's default cache.

The confirmation link is counted per client address (``COD_CONFIRM_LINK_RATE``), a courier's webhook per courier
(``COD_WEBHOOK_RATE``): a courier's events arrive in bursts, so its rate is generous, and one courier's flood
never slows another's. Only a signed event counts against its courier: posts whose signature fails count against
their client address instead (at the same rate), so nobody without the secret can use up a courier's allowance.
The cache must be shared by the host's processes for one count across them (Redis, memcached); a per-process
cache counts per process.
"""

from django_ratelimit.core import get_usage

from .conf import app_settings


def confirm_link_wait(request) -> int | None:
    """Seconds this client must wait before opening a confirmation link again, or None when it may now."""
    return _wait(request, "cod_plugin.confirm_link", "ip", app_settings.CONFIRM_LINK_RATE)


WEBHOOK = "cod_plugin.courier_webhook"
REFUSED_WEBHOOK = "cod_plugin.courier_webhook_refused"


def webhook_wait(request, courier_code: str) -> int | None:
    """Seconds to wait before another event of this courier, or from this address after refused signatures, or
    None when the request may go on. Counts nothing: see ``count_signed`` and ``count_refused``."""
    for group, key in ((WEBHOOK, _courier(courier_code)), (REFUSED_WEBHOOK, "ip")):
        wait = _wait(request, group, key, app_settings.WEBHOOK_RATE, increment=False)
        if wait is not None:
            return wait
    return None


def count_signed(request, courier_code: str) -> None:
    """One more event of this courier, once its signature holds (counted once per request)."""
    if not getattr(request, "_cod_webhook_counted", False):
        request._cod_webhook_counted = True
        _wait(request, WEBHOOK, _courier(courier_code), app_settings.WEBHOOK_RATE, increment=True)


def count_refused(request) -> None:
    """One more post with a signature that did not hold, from this client address."""
    _wait(request, REFUSED_WEBHOOK, "ip", app_settings.WEBHOOK_RATE, increment=True)


def _courier(code: str):
    return lambda _group, _request: code


def _wait(request, group: str, key, rate: str | None, *, increment: bool = True) -> int | None:
    usage = get_usage(request, group=group, key=key, rate=rate, increment=increment)
    # Without counting this request, the allowance is used up once the count reaches the limit.
    limited = usage is not None and (usage["should_limit"] or (not increment and usage["count"] >= usage["limit"]))
    return max(usage["time_left"], 1) if limited else None
