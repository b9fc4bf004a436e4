"""The COD staff groups with exactly the permissions the role table gives them (``cod_plugin.permissions.GROUPS``):
managers run the settings, agents the confirmation calls, dispatch the deliveries, finance the payment records,
support the customers, returns and refunds. Applied after every ``migrate`` and by ``manage.py cod_groups``;
applying twice changes nothing, and applying resets a group to exactly this list."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from cod_plugin.permissions import GROUPS

APP_LABELS = ("cod_plugin", "cod_admin_ui")


def apply_groups(*, using: str = "default", apps=global_apps) -> list[str]:
    """Create the groups and set their permissions; the names of the groups created (not those updated)."""
    try:
        group_model, permission_model = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    except LookupError:  # auth is not migrated (yet)
        return []
    _create_permissions(using)
    permissions = _permissions(permission_model, using)
    created = []
    for name, wanted in GROUPS.items():
        group, is_new = group_model.objects.using(using).get_or_create(name=name)
        group.permissions.set([permissions[perm] for perm in wanted])
        created += [name] if is_new else []
    return created


def _create_permissions(using: str) -> None:
    """Django creates an app's permissions after that app's ``migrate`` signal; make sure both apps' exist now,
    whatever the order of INSTALLED_APPS."""
    for label in APP_LABELS:
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using)


def _permissions(permission_model, using: str) -> dict[str, object]:
    """Every permission the groups name, by "app_label.codename"; a missing one is an error, not a gap."""
    rows = permission_model.objects.using(using).filter(content_type__app_label__in=APP_LABELS)
    found = {f"{row.content_type.app_label}.{row.codename}": row for row in rows.select_related("content_type")}
    missing = sorted({perm for wanted in GROUPS.values() for perm in wanted} - set(found))
    if missing:
        raise LookupError(f"Permissions missing: {', '.join(missing)}")
    return found
