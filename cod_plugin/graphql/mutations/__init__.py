"""One mutation a module; ``Mutation`` gathers them."""

import strawberry

from ..cash.mutations.exception_resolve import cod_reconciliation_exception_resolve
from ..cash.mutations.remittance_create import cod_remittance_create
from .checkout_complete import cod_checkout_complete
from .order_assign_courier import cod_order_assign_courier
from .order_confirm import cod_order_confirm
from .order_confirm_by_link import cod_order_confirm_by_link
from .order_mark_paid import cod_order_mark_paid
from .order_record_payment import cod_order_record_payment
from .order_reschedule import cod_order_reschedule
from .order_update_status import cod_order_update_status
from .refund_create import cod_refund_create
from .refund_mark_paid import cod_refund_mark_paid
from .return_approve import cod_return_approve
from .return_receive import cod_return_receive
from .return_reject import cod_return_reject
from .return_request_create import cod_return_request_create


@strawberry.type
class Mutation:
    cod_checkout_complete = cod_checkout_complete
    cod_order_update_status = cod_order_update_status
    cod_order_assign_courier = cod_order_assign_courier
    cod_order_reschedule = cod_order_reschedule
    cod_order_mark_paid = cod_order_mark_paid
    cod_order_record_payment = cod_order_record_payment
    cod_order_confirm = cod_order_confirm
    cod_order_confirm_by_link = cod_order_confirm_by_link
    cod_return_request_create = cod_return_request_create
    cod_return_approve = cod_return_approve
    cod_return_reject = cod_return_reject
    cod_return_receive = cod_return_receive
    cod_refund_create = cod_refund_create
    cod_refund_mark_paid = cod_refund_mark_paid
    cod_remittance_create = cod_remittance_create
    cod_reconciliation_exception_resolve = cod_reconciliation_exception_resolve
