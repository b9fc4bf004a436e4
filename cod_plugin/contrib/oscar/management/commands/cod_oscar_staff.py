"""Give an oscar user the plugin's staff groups: ``manage.py cod_oscar_staff agent@example.com "COD agents"``.

The user becomes staff (oscar's dashboard and the admin both ask for it) and joins the named COD groups, which
``migrate`` creates; the dashboard's "Cash on delivery" menu then shows the links those groups allow."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from cod_plugin.api import STAFF_GROUPS as GROUPS


class Command(BaseCommand):
    help = "Make an oscar user COD staff: is_staff, and membership of the given COD groups."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("groups", nargs="+", help=f"One or more of: {', '.join(GROUPS)}")

    def handle(self, *args, email, groups, **options):
        unknown = sorted(set(groups) - set(GROUPS))
        if unknown:
            raise CommandError(f"Not a COD group: {', '.join(unknown)} (the groups are: {', '.join(GROUPS)})")
        user = get_user_model()._default_manager.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the email {email}.")
        found = list(Group.objects.filter(name__in=groups))
        if len(found) != len(set(groups)):
            raise CommandError("The COD groups are made by migrate: run it first.")
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(*found)
        self.stdout.write(f"{user.email}: staff, in {', '.join(sorted(groups))}")
