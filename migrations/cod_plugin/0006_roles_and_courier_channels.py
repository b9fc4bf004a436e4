"""Roles by job: the catch-all "manage COD orders" permission becomes confirmation, dispatch and payment
permissions; couriers serve a list of channels (none until the merchant names them)."""

from django.conf import settings
from django.db import migrations, models

JOBS = [
    ("confirm_cod_orders", "Can record COD confirmation outcomes"),
    ("dispatch_cod_orders", "Can dispatch COD orders and report their delivery"),
    ("record_cod_payments", "Can record COD payments"),
]


def split_manage_orders(apps, schema_editor):
    """Whoever held "manage COD orders" (a user or a group of the merchant's own) keeps what it allowed, now as
    the three job permissions; the shipped groups are set again from the role table after ``migrate``."""
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = Permission.objects.using(db).filter(content_type__app_label="cod_plugin", codename="manage_cod_orders")
    old = old.first()
    if old is None:  # a new database: Django creates the permissions after migrate
        return
    content_type = ContentType.objects.db_manager(db).get_for_model(apps.get_model("cod_plugin", "CodOrder"))
    jobs = [
        Permission.objects.using(db).get_or_create(content_type=content_type, codename=codename, defaults={"name": name})[0]
        for codename, name in JOBS
    ]
    for group in apps.get_model("auth", "Group").objects.using(db).filter(permissions=old):
        group.permissions.add(*jobs)
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    if any(field.name == "user_permissions" for field in user_model._meta.get_fields()):
        for user in user_model.objects.using(db).filter(user_permissions=old):
            user.user_permissions.add(*jobs)
    old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cod_plugin", "0005_verbose_names_and_moves_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="codorder",
            options={
                "permissions": [
                    ("confirm_cod_orders", "Can record COD confirmation outcomes"),
                    ("dispatch_cod_orders", "Can dispatch COD orders and report their delivery"),
                    ("record_cod_payments", "Can record COD payments"),
                    ("handle_cod_refunds", "Can handle COD returns and refunds"),
                ],
                "verbose_name": "COD order",
                "verbose_name_plural": "COD orders",
            },
        ),
        migrations.AddField(
            model_name="courier",
            name="channels",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The channels whose orders this courier may carry; none: it carries no order.",
                verbose_name="channels served",
            ),
        ),
        migrations.RunPython(split_manage_orders, migrations.RunPython.noop),
    ]
