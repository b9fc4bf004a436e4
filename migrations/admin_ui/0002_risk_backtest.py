from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cod_admin_ui", "0001_screens"),
        ("cod_plugin", "0014_screening"),
    ]

    operations = [
        migrations.CreateModel(
            name="RiskBacktest",
            fields=[],
            options={
                "verbose_name": "risk backtest",
                "verbose_name_plural": "risk backtest",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("cod_plugin.codorder",),
        ),
    ]
