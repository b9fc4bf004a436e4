"""One mutation a module; ``Mutation`` gathers them."""

import strawberry

from .checkout_complete import cod_checkout_complete
from .order_mark_paid import cod_order_mark_paid
from .order_reschedule import cod_order_reschedule
from .order_update_status import cod_order_update_status


@strawberry.type
class Mutation:
    cod_checkout_complete = cod_checkout_complete
    cod_order_update_status = cod_order_update_status
    cod_order_reschedule = cod_order_reschedule
    cod_order_mark_paid = cod_order_mark_paid
