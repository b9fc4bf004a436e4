"""Migration 0006: whoever held the catch-all "manage COD orders" permission keeps its work, as the three job
permissions, and the old permission is gone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cod_plugin", "0005_verbose_names_and_moves_index")]
AFTER = [("cod_plugin", "0006_roles_and_courier_channels")]
# The states of auth and contenttypes the test's models are read at (both come before 0006).
AROUND = [("contenttypes", "0002_remove_content_type_name"), ("auth", "0012_alter_user_first_name_max_length")]
JOBS = {"confirm_cod_orders", "dispatch_cod_orders", "record_cod_payments"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([*targets, *AROUND]).apps


@pytest.mark.django_db(transaction=True)
def test_holders_of_manage_cod_orders_get_the_three_job_permissions():
    # given the database before roles by job, with a merchant's own group and a user holding the old permission
    apps = migrate(BEFORE)
    Permission, Group, User = (
        apps.get_model(*name) for name in (("auth", "Permission"), ("auth", "Group"), ("auth", "User"))
    )
    content_type = apps.get_model("contenttypes", "ContentType").objects.get(app_label="cod_plugin", model="codorder")
    Permission.objects.filter(content_type=content_type, codename__in=JOBS).delete()
    old = Permission.objects.create(
        content_type=content_type, codename="manage_cod_orders", name="Can manage COD orders"
    )
    desk = Group.objects.create(name="Front desk")
    desk.permissions.add(old)
    clerk = User.objects.create(username="clerk@example.com")
    clerk.user_permissions.add(old)
    bystander = User.objects.create(username="bystander@example.com")
    # when the migration runs
    apps = migrate(AFTER)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # and the rest, for the tests after this one
    # then both hold the job permissions instead, and nobody else got them
    Permission, Group, User = (
        apps.get_model(*name) for name in (("auth", "Permission"), ("auth", "Group"), ("auth", "User"))
    )
    codenames = lambda rows: set(rows.values_list("codename", flat=True))  # noqa: E731
    assert codenames(Group.objects.get(name="Front desk").permissions) == JOBS
    assert codenames(User.objects.get(pk=clerk.pk).user_permissions) == JOBS
    assert codenames(User.objects.get(pk=bystander.pk).user_permissions) == set()
    assert not Permission.objects.filter(codename="manage_cod_orders").exists()
