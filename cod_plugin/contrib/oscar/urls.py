"""The COD pages of an oscar shop: ``path("cod/oscar/", include("cod_plugin.contrib.oscar.urls"))``."""

from django.urls import path

from . import views

app_name = "cod_oscar"

urlpatterns = [
    path("orders/<str:order_number>/paid/", views.paid, name="paid"),
]
