import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cod_plugin", "0006_roles_and_courier_channels"),
    ]

    operations = [
        migrations.AddField(
            model_name="codpolicy",
            name="appointment_max_days",
            field=models.PositiveSmallIntegerField(
                default=30,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(365),
                ],
                verbose_name="days ahead an appointment may be set",
            ),
        ),
        migrations.AddField(
            model_name="codpolicy",
            name="appointment_max_hours",
            field=models.PositiveSmallIntegerField(
                default=12,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(72),
                ],
                verbose_name="longest appointment window (hours)",
            ),
        ),
    ]
