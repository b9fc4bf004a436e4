"""The monitoring's alerts: a region, postal area, product or courier whose refusal rate rose above
``COD_ALERT_REFUSAL_PERCENT`` in a week with at least ``COD_ALERT_MIN_ORDERS`` orders at the door, and a phone or
an address that refused again across accounts (two refusals or more, from two customers or more).

A periodic task (daily) looks at the last full week and the running one. Each subject is raised once per week:
the table's unique key does it, so two runs at once record one alert. Alerts not yet sent are e-mailed to the
active staff holding the metrics permission, under row locks (``skip_locked``): two runs never send one twice."""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from ..conf import app_settings
from ..models import CodOrder, CodOrderEvent, CodRiskAlert
from ..permissions import VIEW_METRICS
from ..rules.metrics import Dimension, Rate, week_of
from ..rules.statuses import CodStatus
from . import metrics

log = logging.getLogger("cod_plugin")
Kind = CodRiskAlert.Kind
WATCHED = (Dimension.REGION, Dimension.POSTAL_AREA, Dimension.PRODUCT, Dimension.COURIER)
PHONE, ADDRESS = "phone", "address"
PERSON_KEYS = {PHONE: "phone_e164", ADDRESS: "address_key"}
SUBJECTS = (*(str(dimension) for dimension in WATCHED), PHONE, ADDRESS)


def watched_weeks(now: datetime) -> list[date]:
    """The last full week and the running one (Mondays, in the store's time zone)."""
    running = week_of(timezone.localdate(now, timezone.get_default_timezone()))
    return [running - timedelta(weeks=1), running]


def raise_alerts(now: datetime | None = None) -> int:
    """Record the alerts of the watched weeks (each once) and send those not sent yet; the number sent."""
    now = now or timezone.now()
    found = refusal_rate_alerts(now) + repeat_refuser_alerts(now)
    CodRiskAlert.objects.bulk_create(found, ignore_conflicts=True)
    return send_unsent(now)


def refusal_rate_alerts(now: datetime) -> list[CodRiskAlert]:
    """Subjects above the threshold, one query per watched dimension. Counts of every currency add up."""
    weeks = watched_weeks(now)
    alerts = []
    for dimension in WATCHED:
        spec = metrics.MetricsFilter(first=weeks[0], last=weeks[-1], dimension=dimension)
        alerts += _above_threshold(dimension, metrics.week_figures(spec))
    return alerts


def _above_threshold(dimension: Dimension, rows) -> list[CodRiskAlert]:
    totals: dict[tuple[date, str], dict] = {}
    for row in rows:
        total = totals.setdefault((row.week, row.key), {"label": row.label, "at_door": 0, "refused": 0, "reasons": {}})
        total["at_door"] += row.at_door
        total["refused"] += row.refused
        for reason, n in row.refusals.items():
            total["reasons"][reason] = total["reasons"].get(reason, 0) + n
    alerts = []
    for (week, key), total in totals.items():
        rate = Rate(total["refused"], total["at_door"])
        if total["at_door"] >= app_settings.ALERT_MIN_ORDERS and rate.above(app_settings.ALERT_REFUSAL_PERCENT):
            data = {
                "at_door": total["at_door"],
                "refused": total["refused"],
                "reasons": {reason: n for reason, n in total["reasons"].items() if n},
            }
            alerts.append(_alert(Kind.REFUSAL_RATE, dimension, key, total["label"], week, rate.percent, data))
    return alerts


def repeat_refuser_alerts(now: datetime) -> list[CodRiskAlert]:
    """Phones and addresses refused on two orders or more, of two customers or more, the latest refusal in a
    watched week: one query each."""
    start = metrics.midnight(watched_weeks(now)[0])
    alerts = []
    for dimension, field in PERSON_KEYS.items():
        refusals = (
            CodOrderEvent.objects.filter(to_status=CodStatus.REFUSED)
            .exclude(**{f"order__{field}": ""})
            .values(f"order__{field}")
            .annotate(
                refusals=Count("order", distinct=True),
                accounts=Count("order__customer_key", distinct=True),
                latest=Max("created_at"),
                country=Max("order__country"),
                postal_code=Max("order__postal_code"),
            )
            .filter(refusals__gte=2, accounts__gte=2, latest__gte=start)
            .order_by(f"order__{field}")
        )
        for row in refusals:
            key = row[f"order__{field}"]
            label = key if dimension == PHONE else f"{row['country']} {row['postal_code']}".strip()
            week = week_of(timezone.localdate(row["latest"], timezone.get_default_timezone()))
            data = {"refusals": row["refusals"], "accounts": row["accounts"]}
            alerts.append(_alert(Kind.REPEAT_REFUSER, dimension, key, label, week, None, data))
    return alerts


def _alert(kind, dimension, key: str, label: str, week: date, rate, data: dict) -> CodRiskAlert:
    return CodRiskAlert(kind=kind, dimension=str(dimension), key=key, label=label, week=week, rate=rate, data=data)


def matching_orders(alert: CodRiskAlert):
    """The refused orders behind an alert: of the subject in the alert's week, or of the phone or address."""
    refused = CodOrder.objects.filter(metrics.refused())
    if alert.kind == Kind.REPEAT_REFUSER:
        return refused.filter(**{PERSON_KEYS[alert.dimension]: alert.key})
    return refused.filter(metrics.key_filter(Dimension(alert.dimension), alert.key), metrics.placed_in(alert.week))


def acknowledge(alert_pk: int, *, actor: str, now: datetime | None = None) -> bool:
    """Mark an open alert as seen (who and when); False when it was acknowledged already."""
    with transaction.atomic():
        alert = CodRiskAlert.objects.select_for_update().get(pk=alert_pk)
        if alert.acknowledged_at is not None:
            return False
        alert.acknowledged_at, alert.acknowledged_by = now or timezone.now(), actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return True


# --- the e-mail ---------------------------------------------------------------------------------------------------


def managers():
    """Active staff holding the metrics permission (through a group or their own), with an e-mail address."""
    app_label, codename = VIEW_METRICS.split(".")
    perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    holders = Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)
    users = get_user_model().objects.filter(holders, is_active=True, is_staff=True).exclude(email="")
    return users.distinct().order_by("pk")


def send_unsent(now: datetime) -> int:
    """E-mail the open alerts not sent yet, in one message, and mark them sent; the number sent (none when
    nobody is there to tell: they wait for the next run)."""
    with transaction.atomic():
        unsent = list(
            CodRiskAlert.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, acknowledged_at__isnull=True)
            .order_by("week", "kind", "dimension", "key")
        )
        if not unsent:
            return 0
        recipients = list(managers().values_list("email", flat=True))
        if not recipients:
            log.warning("COD alerts raised, but no active manager with an e-mail to tell")
            return 0
        subject = ngettext("COD: %(count)d new alert", "COD: %(count)d new alerts", len(unsent)) % {
            "count": len(unsent)
        }
        send_mail(subject, alert_text(unsent), settings.DEFAULT_FROM_EMAIL, recipients)
        CodRiskAlert.objects.filter(pk__in=[alert.pk for alert in unsent]).update(sent_at=now)
    return len(unsent)


def alert_text(alerts: list[CodRiskAlert]) -> str:
    lines = [gettext("The COD monitoring raised these alerts:")]
    lines += ["- " + describe(alert) for alert in alerts]
    try:
        where = app_settings.PUBLIC_BASE_URL.rstrip("/") + reverse("admin:cod_plugin_codriskalert_changelist")
        lines.append(gettext("Read them and acknowledge them in the admin: %(url)s") % {"url": where})
    except NoReverseMatch:
        pass
    return "\n".join(lines) + "\n"


def describe(alert: CodRiskAlert) -> str:
    """The alert in one sentence, with its figures."""
    values = {"subject": alert.label or alert.key, "of": dimension_name(alert.dimension), "week": alert.week}
    if alert.kind == Kind.REPEAT_REFUSER:
        values |= {"refusals": alert.data.get("refusals", 0), "accounts": alert.data.get("accounts", 0)}
        return (
            gettext(
                "%(of)s %(subject)s: %(refusals)d refusals from %(accounts)d customers, the latest in the week of "
                "%(week)s."
            )
            % values
        )
    values |= {"rate": alert.rate, "refused": alert.data.get("refused", 0), "at_door": alert.data.get("at_door", 0)}
    return (
        gettext(
            "%(of)s %(subject)s: %(rate)s%% refused in the week of %(week)s (%(refused)d of %(at_door)d orders at "
            "the door)."
        )
        % values
    )


def dimension_name(dimension: str) -> str:
    names = {
        Dimension.REGION: gettext("Region"),
        Dimension.POSTAL_AREA: gettext("Postal area"),
        Dimension.PRODUCT: gettext("Product"),
        Dimension.COURIER: gettext("Courier"),
        PHONE: gettext("Phone"),
        ADDRESS: gettext("Address"),
    }
    return str(names.get(dimension, dimension))
