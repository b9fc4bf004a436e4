"""Oscar → plugin: an order cancelled on oscar's side (the dashboard, a shop's own code) cancels its COD order.

A change the adapter makes for the plugin is marked (``lifecycle.plugin_change``) and not told back. When the plugin
refuses (the COD order is past cancelling: delivered, completed), oscar's change stands and an order note says that
the COD order did not follow; oscar's dashboard is never broken by it.
"""

import logging

from django.db import transaction
from django.dispatch import receiver
from oscar.core.loading import get_class, get_model

from ... import api
from .lifecycle import is_plugin_change, plugin_change, release
from .settings import oscar_settings

order_status_changed = get_class("order.signals", "order_status_changed")
OrderNote = get_model("order", "OrderNote")

logger = logging.getLogger("cod_plugin.contrib.oscar")


@receiver(order_status_changed, dispatch_uid="cod_oscar.order_status_changed")
def order_cancelled_in_oscar(sender, order, old_status, new_status, **kwargs):
    if is_plugin_change() or new_status != oscar_settings.STATUSES["cancelled"]:
        return
    try:
        with transaction.atomic():
            cod_order = api.store_cancelled(str(order.pk), reason=f"Cancelled in the shop (was {old_status})")
    except api.CodError as error:
        logger.warning("COD order of oscar order %s did not follow its cancel: %s", order.number, error.message)
        OrderNote.objects.create(
            order=order, message=f"Cash on delivery did not follow: {error.message}", note_type=OrderNote.SYSTEM
        )
        return
    if cod_order is not None:
        with plugin_change():
            release(order)
