"""Print the plugin's GraphQL schema (SDL); ``make schema`` writes it to schema.graphql."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the COD plugin's GraphQL schema."

    def handle(self, *args, **options):
        from cod_plugin.graphql.schema import schema

        self.stdout.write(schema.as_str())
