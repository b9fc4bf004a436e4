"""``manage.py cod_groups``: create the COD staff groups, or reset their permissions to the shipped ones."""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from ...groups import GROUPS, apply_groups


class Command(BaseCommand):
    help = "Create the COD staff groups (managers, agents, dispatch, finance, support), or reset their permissions."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to apply them in.")

    def handle(self, *args, database, **options):
        created = apply_groups(using=database)
        for name, permissions in GROUPS.items():
            state = "created" if name in created else "updated"
            self.stdout.write(f"{name}: {state}, {len(permissions)} permissions")
