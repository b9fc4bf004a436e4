"""Who may do what: Django permissions for staff, ownership for customers, the courier's own shipments."""

from django.utils.translation import gettext as _
from graphql import GraphQLError
from strawberry.types import Info

from ..flows import orders
from ..host import get_adapter
from ..models import CodOrder, Courier
from ..permissions import HANDLE_REFUNDS, MANAGE_ORDERS


def user_of(info: Info):
    return info.context.request.user


def require_permission(info: Info, perm: str) -> None:
    """A missing permission is a top-level error, not a payload error."""
    user = user_of(info)
    if not (user.is_authenticated and user.has_perm(perm)):
        raise GraphQLError(_("You do not have permission to do this."), extensions={"code": "PERMISSION_DENIED"})


def courier_of(info: Info) -> Courier | None:
    return orders.courier_of(user_of(info))


def customer_key_of(info: Info) -> str | None:
    customer = get_adapter().get_customer(user_of(info))
    return customer.profile_key if customer else None


def can_see(info: Info, order: CodOrder) -> bool:
    """The owner, staff who manage COD orders or handle refunds, and the order's courier see an order; nobody else."""
    user = user_of(info)
    if user.is_authenticated and (user.has_perm(MANAGE_ORDERS) or user.has_perm(HANDLE_REFUNDS)):
        return True
    courier = courier_of(info)
    if courier is not None:
        return order.courier_id == courier.pk
    return customer_key_of(info) == order.customer_key
