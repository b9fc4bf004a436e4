"""URLs of the oscar shop: oscar's own, the Django admin (with the COD screens), the plugin's GraphQL and pages."""

import strawberry
from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from cod_plugin.graphql import Mutation, Query
from cod_plugin.graphql.extensions import CodErrors
from cod_plugin.graphql.limits import limit_extensions
from cod_plugin.graphql.view import CodGraphQLView

schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[CodErrors, *limit_extensions()])

urlpatterns = [
    path("admin/", admin.site.urls),
    # Oscar's session-authenticated shop: the GraphQL endpoint keeps Django's CSRF protection.
    path("graphql/", CodGraphQLView.as_view(schema=schema)),
    path("cod/", include("cod_plugin.urls")),
    path("cod/oscar/", include("cod_plugin.contrib.oscar.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]
