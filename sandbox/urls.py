"""URLs of the sandbox: its home page, the Django admin, the GraphQL endpoint (GraphiQL on GET), the plugin's pages."""

from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.views.decorators.csrf import csrf_exempt

from cod_plugin.graphql.view import CodGraphQLView

from . import views
from .schema import schema
from .store import deposits
from .store.auth import AdminSignInForm

# Every sign-in of the admin goes through the store's bounded, throttled form.
admin.site.login_form = AdminSignInForm
# The admin's "View site" leads to the store's home page.
admin.site.site_url = reverse_lazy("home")

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico when a response (an image, a JSON answer) names no icon.
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    # Token-authenticated API: a bearer token is not sent by the browser on its own, so CSRF does not apply.
    path("graphql/", csrf_exempt(CodGraphQLView.as_view(schema=schema))),
    path("cod/", include("cod_plugin.urls")),
    # The store's own payment page for a COD order's deposit (partial COD).
    path("pay/<uuid:token>/", deposits.pay_page, name="deposit_pay"),
]
