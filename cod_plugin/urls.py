"""The plugin's public pages: the current COD terms of a channel, in the asked language."""

from django.urls import path

from . import views

app_name = "cod_plugin"

urlpatterns = [
    path("terms/<slug:channel>/", views.terms, name="terms"),
]
