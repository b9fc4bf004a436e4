"""The COD staff groups: made by ``migrate`` with exactly their permissions, re-applied by ``cod_groups``, and the
demo staff accounts in them."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

MANAGERS = {
    "cod_plugin.manage_cod_settings",
    *(f"cod_plugin.{action}_{model}" for model in ("codpolicy", "codregion", "codterms", "courier")
      for action in ("view", "add", "change", "delete")),
    "cod_plugin.view_notification",
    "cod_plugin.view_courierevent",
    "cod_plugin.view_codorder",
    "cod_admin_ui.view_codoverview",
    "cod_plugin.view_cod_metrics",
    "cod_plugin.view_codriskalert",
    "cod_plugin.change_codriskalert",
}  # fmt: skip
AGENTS = {"cod_plugin.confirm_cod_orders", "cod_plugin.view_codorder", "cod_admin_ui.view_confirmationqueue"}
DISPATCH = {
    "cod_plugin.dispatch_cod_orders",
    "cod_plugin.view_codorder",
    "cod_plugin.view_courier",
    "cod_plugin.view_courierevent",
}
FINANCE = {
    "cod_plugin.record_cod_payments",
    "cod_plugin.reconcile_cod_cash",
    "cod_plugin.view_codorder",
    "cod_plugin.view_courier",
    "cod_plugin.view_codremittance",
    "cod_plugin.view_codreconciliationexception",
    "cod_plugin.view_courierreportmapping",
    "cod_plugin.add_courierreportmapping",
    "cod_plugin.change_courierreportmapping",
}
SUPPORT = {
    "cod_plugin.handle_cod_refunds",
    "cod_plugin.view_codcustomerprofile",
    "cod_plugin.change_codcustomerprofile",
    "cod_plugin.view_codorder",
    "cod_plugin.view_codreturnrequest",
    "cod_plugin.change_codreturnrequest",
    "cod_plugin.view_codrefund",
    "cod_plugin.add_codrefund",
    "cod_plugin.change_codrefund",
    "cod_admin_ui.view_codoverview",
}
EXPECTED = {
    "COD managers": MANAGERS,
    "COD agents": AGENTS,
    "COD dispatch": DISPATCH,
    "COD finance": FINANCE,
    "COD support": SUPPORT,
}


def permissions_of(name: str) -> set[str]:
    rows = Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename")
    return {f"{app_label}.{codename}" for app_label, codename in rows}


def cod_groups() -> str:
    out = StringIO()
    call_command("cod_groups", stdout=out)
    return out.getvalue()


def test_migrate_made_the_five_groups_with_exactly_their_permissions(db):
    # given the test database, built by migrate; then the groups are there, each with exactly its list
    assert {name: permissions_of(name) for name in EXPECTED} == EXPECTED
    assert len(MANAGERS) == 24


def test_applying_again_changes_nothing_and_resets_a_group_that_drifted(db):
    # given a support group that lost a permission and gained one it should not have
    support = Group.objects.get(name="COD support")
    support.permissions.remove(Permission.objects.get(codename="handle_cod_refunds"))
    support.permissions.add(Permission.objects.get(codename="delete_codcustomerprofile"))
    groups_before = list(Group.objects.order_by("pk").values_list("pk", "name"))
    # when the command runs twice
    first, second = cod_groups(), cod_groups()
    # then the same five groups (no duplicates) have exactly their permissions again
    assert list(Group.objects.order_by("pk").values_list("pk", "name")) == groups_before
    assert {name: permissions_of(name) for name in EXPECTED} == EXPECTED
    assert "COD support: updated, 10 permissions" in first and first == second


def test_the_command_creates_missing_groups(db):
    Group.objects.filter(name="COD agents").delete()
    assert "COD agents: created, 3 permissions" in cod_groups()
    assert permissions_of("COD agents") == AGENTS


def test_the_demo_staff_accounts_are_in_their_groups(demo):
    staff = [f"{name}@example.com" for name in ("manager", "agent", "dispatch", "finance", "support")]
    users = get_user_model().objects.filter(email__in=staff)
    assert {user.email: [g.name for g in user.groups.all()] for user in users} == {
        "manager@example.com": ["COD managers"],
        "agent@example.com": ["COD agents"],
        "dispatch@example.com": ["COD dispatch"],
        "finance@example.com": ["COD finance"],
        "support@example.com": ["COD support"],
    }
    agent = users.get(email="agent@example.com")
    assert agent.is_staff and not agent.is_superuser and agent.check_password("codDemo123!")
    assert agent.has_perm("cod_admin_ui.view_confirmationqueue") and not agent.has_perm("cod_plugin.handle_cod_refunds")
