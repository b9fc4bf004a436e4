"""The COD staff groups and their exact permissions: managers run the settings, agents the confirmation queue,
support the customers, returns and refunds. Applied after every ``migrate`` and by ``manage.py cod_groups``;
applying twice changes nothing, and applying resets a group to exactly this list."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions


def _crud(app_label: str, model: str, *actions: str) -> tuple[str, ...]:
    return tuple(f"{app_label}.{action}_{model}" for action in actions or ("view", "add", "change", "delete"))


GROUPS: dict[str, tuple[str, ...]] = {
    "COD managers": (
        "cod_plugin.manage_cod_settings",
        *_crud("cod_plugin", "codpolicy"),
        *_crud("cod_plugin", "codregion"),
        *_crud("cod_plugin", "codterms"),
        *_crud("cod_plugin", "courier"),
        *_crud("cod_plugin", "notification", "view"),
        *_crud("cod_plugin", "courierevent", "view"),
        *_crud("cod_plugin", "codorder", "view"),
        *_crud("cod_admin_ui", "codoverview", "view"),
    ),
    "COD agents": (
        "cod_plugin.manage_cod_orders",
        *_crud("cod_plugin", "codorder", "view"),
        *_crud("cod_admin_ui", "confirmationqueue", "view"),
    ),
    "COD support": (
        "cod_plugin.handle_cod_refunds",
        *_crud("cod_plugin", "codcustomerprofile", "view", "change"),
        *_crud("cod_plugin", "codorder", "view"),
        *_crud("cod_plugin", "codreturnrequest", "view", "change"),
        *_crud("cod_plugin", "codrefund", "view", "add", "change"),
        *_crud("cod_admin_ui", "codoverview", "view"),
    ),
}
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
