"""URLs of the sandbox: the Django admin, the GraphQL endpoint (GraphiQL on GET) and the plugin's pages."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from cod_plugin.graphql.view import CodGraphQLView

from .schema import schema
from .store.auth import AdminSignInForm

# Every sign-in of the admin goes through the store's bounded, throttled form.
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # Token-authenticated API: a bearer token is not sent by the browser on its own, so CSRF does not apply.
    path("graphql/", csrf_exempt(CodGraphQLView.as_view(schema=schema))),
    path("cod/", include("cod_plugin.urls")),
]
