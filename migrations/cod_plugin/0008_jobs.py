import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cod_plugin", "0007_appointment_horizon"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CodJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("export_orders", "Export of orders (CSV)"),
                            ("assign_courier", "Orders handed to a courier"),
                        ],
                        max_length=32,
                        verbose_name="kind",
                    ),
                ),
                ("language", models.CharField(blank=True, max_length=10, verbose_name="language")),
                ("params", models.JSONField(blank=True, default=dict)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting to start"),
                            ("running", "Running"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("total", models.PositiveIntegerField(default=0, verbose_name="total")),
                ("done", models.PositiveIntegerField(default=0, verbose_name="done")),
                ("counts", models.JSONField(blank=True, default=dict, verbose_name="counts")),
                ("file_name", models.CharField(blank=True, max_length=100, verbose_name="file name")),
                ("file_content", models.TextField(blank=True)),
                ("error", models.CharField(blank=True, max_length=255, verbose_name="error")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="started at")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "COD job",
                "verbose_name_plural": "COD jobs",
                "indexes": [models.Index(fields=["created_by", "-created_at"], name="cod_plugin__created_bcd111_idx")],
            },
        ),
    ]
