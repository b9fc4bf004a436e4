"""Who may do what: the role table (``cod_plugin.permissions``) for staff, ownership for customers, and for a
courier the orders handed to it in the channels it serves."""

from django.utils.translation import gettext as _
from graphql import GraphQLError
from strawberry.types import Info

from ..flows import orders
from ..host import HostContext, get_adapter
from ..models import CodOrder, Courier
from ..permissions import may


def user_of(info: Info):
    return info.context.request.user


def context_of(info: Info) -> HostContext:
    """The request as the store's adapter reads it (the user, and the session for a guest's basket), built once
    per request."""
    context = getattr(info.context, "cod_host_context", None)
    if context is None:
        context = HostContext.of(info.context.request)
        info.context.cod_host_context = context
    return context


def denied() -> GraphQLError:
    return GraphQLError(_("You do not have permission to do this."), extensions={"code": "PERMISSION_DENIED"})


def staff_may(info: Info, operation: str) -> bool:
    """Whether the user may use ``operation`` (a key of the role table) as staff."""
    return may(user_of(info), operation)


def require(info: Info, operation: str) -> None:
    """A missing permission is a top-level error, not a payload error."""
    if not staff_may(info, operation):
        raise denied()


def courier_of(info: Info) -> Courier | None:
    return orders.courier_of(user_of(info))


def carries(courier: Courier, order: CodOrder) -> bool:
    """The order is handed to ``courier``, in a channel it serves."""
    return order.courier_id == courier.pk and courier.serves(order.channel)


def customer_key_of(info: Info) -> str | None:
    customer = get_adapter().get_customer(context_of(info))
    return customer.profile_key if customer else None


def can_see(info: Info, order: CodOrder) -> bool:
    """Staff who read orders, the order's courier and its customer see an order; nobody else."""
    if staff_may(info, "codOrder"):
        return True
    courier = courier_of(info)
    if courier is not None:
        return carries(courier, order)
    return customer_key_of(info) == order.customer_key
