"""The plugin's public pages: the current COD terms of a channel, in the asked language."""

from django.urls import path

from . import views
from .couriers import webhooks as courier_webhooks

app_name = "cod_plugin"

urlpatterns = [
    path("terms/<slug:channel>/", views.terms, name="terms"),
    path("couriers/<slug:code>/events/", courier_webhooks.courier_events_view, name="courier-events"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
