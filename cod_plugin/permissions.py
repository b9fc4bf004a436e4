"""The COD roles as one table of data: the Django permission of each job, the staff groups that hold them, and who
may use each query, mutation and admin screen. The API and the admin check these entries (``may``), the groups
are made from ``GROUPS`` (``admin_ui/groups.py``), README shows the table and ``tests/roles`` walks it."""

from dataclasses import dataclass

VIEW_ORDERS = "cod_plugin.view_codorder"
CONFIRM_ORDERS = "cod_plugin.confirm_cod_orders"
DISPATCH_ORDERS = "cod_plugin.dispatch_cod_orders"
RECORD_PAYMENTS = "cod_plugin.record_cod_payments"
HANDLE_REFUNDS = "cod_plugin.handle_cod_refunds"
MANAGE_SETTINGS = "cod_plugin.manage_cod_settings"
VIEW_QUEUE = "cod_admin_ui.view_confirmationqueue"
VIEW_OVERVIEW = "cod_admin_ui.view_codoverview"
VIEW_PROFILES, CHANGE_PROFILES = "cod_plugin.view_codcustomerprofile", "cod_plugin.change_codcustomerprofile"
VIEW_RETURNS = "cod_plugin.view_codreturnrequest"
RECONCILE_CASH = "cod_plugin.reconcile_cod_cash"
VIEW_METRICS = "cod_plugin.view_cod_metrics"


def _crud(model: str, *actions: str, app_label: str = "cod_plugin") -> tuple[str, ...]:
    return tuple(f"{app_label}.{action}_{model}" for action in actions or ("view", "add", "change", "delete"))


GROUPS: dict[str, tuple[str, ...]] = {
    "COD managers": (
        MANAGE_SETTINGS,
        *_crud("codpolicy"),
        *_crud("codregion"),
        *_crud("codterms"),
        *_crud("courier"),
        *_crud("notification", "view"),
        *_crud("courierevent", "view"),
        VIEW_ORDERS,
        VIEW_OVERVIEW,
        VIEW_METRICS,
        *_crud("codriskalert", "view", "change"),
    ),
    "COD agents": (CONFIRM_ORDERS, VIEW_ORDERS, VIEW_QUEUE),
    "COD dispatch": (DISPATCH_ORDERS, VIEW_ORDERS, *_crud("courier", "view"), *_crud("courierevent", "view")),
    "COD finance": (
        RECORD_PAYMENTS,
        RECONCILE_CASH,
        VIEW_ORDERS,
        *_crud("courier", "view"),
        *_crud("codremittance", "view"),
        *_crud("codreconciliationexception", "view"),
        *_crud("courierreportmapping", "view", "add", "change"),
    ),
    "COD support": (
        HANDLE_REFUNDS,
        VIEW_PROFILES,
        CHANGE_PROFILES,
        VIEW_ORDERS,
        *_crud("codreturnrequest", "view", "change"),
        *_crud("codrefund", "view", "add", "change"),
        VIEW_OVERVIEW,
    ),
}


@dataclass(frozen=True)
class Access:
    """Who may use one operation. Staff: with every permission of ``all_of`` and, when ``any_of`` is given, one of
    those (no staff at all when both are empty). ``customer``: the order's customer; ``courier``: the order's
    courier (an active courier linked to the user, serving the order's channel); ``signed_in``: anyone signed in,
    for their own standing; ``public``: anyone, signed in or not."""

    any_of: tuple[str, ...] = ()
    all_of: tuple[str, ...] = ()
    customer: bool = False
    courier: bool = False
    signed_in: bool = False
    public: bool = False

    def staff_may(self, has_perm) -> bool:
        """``has_perm`` is the user's ``has_perm`` (a superuser has every permission)."""
        if not (self.any_of or self.all_of):
            return False
        return all(map(has_perm, self.all_of)) and (not self.any_of or any(map(has_perm, self.any_of)))


STAFF_APPOINTMENTS = (CONFIRM_ORDERS, DISPATCH_ORDERS)

# Every GraphQL root field, by its name in the schema.
API: dict[str, Access] = {
    "codSettings": Access(public=True),
    "codEligibility": Access(public=True),
    "codProfile": Access(signed_in=True),
    "codOrder": Access(any_of=(VIEW_ORDERS,), customer=True, courier=True),
    "codOrders": Access(any_of=(VIEW_ORDERS,), courier=True),
    "codCheckoutComplete": Access(public=True),
    "codOrderConfirm": Access(any_of=(CONFIRM_ORDERS,)),
    "codOrderConfirmByLink": Access(public=True),
    "codOrderUpdateStatus": Access(any_of=(DISPATCH_ORDERS,), courier=True),
    "codOrderAssignCourier": Access(any_of=(DISPATCH_ORDERS,)),
    "codOrderReschedule": Access(any_of=STAFF_APPOINTMENTS, customer=True, courier=True),
    "codOrderMarkPaid": Access(customer=True),
    "codOrderRecordPayment": Access(any_of=(RECORD_PAYMENTS,)),
    "codReturnRequestCreate": Access(customer=True),
    "codReturnApprove": Access(any_of=(HANDLE_REFUNDS,)),
    "codReturnReject": Access(any_of=(HANDLE_REFUNDS,)),
    "codReturnReceive": Access(any_of=(HANDLE_REFUNDS,)),
    "codRefundCreate": Access(any_of=(HANDLE_REFUNDS,)),
    "codRefundMarkPaid": Access(any_of=(HANDLE_REFUNDS,)),
    "codRemittanceCreate": Access(any_of=(RECONCILE_CASH,), courier=True),
    "codRemittances": Access(any_of=(RECONCILE_CASH,), courier=True),
    "codRemittance": Access(any_of=(RECONCILE_CASH,), courier=True),
    "codCashInHand": Access(any_of=(RECONCILE_CASH,), courier=True),
    "codReconciliationExceptionResolve": Access(any_of=(RECONCILE_CASH,)),
    "codRiskBacktest": Access(any_of=(VIEW_METRICS,)),
    "codMetrics": Access(any_of=(VIEW_METRICS,)),
}
# On top of the operation's own access: a delivery reported with the cash collected makes a payment record, which
# is finance's job (the courier's own report is the record itself).
DELIVERED_WITH_PAYMENT = "codOrderUpdateStatus: DELIVERED with collectedAmount"
# An order's money (collected, remitted, deposited, its cash exceptions) is finance's to read.
ORDER_MONEY = "codOrder: money"
# An order's risk (score, band, action, signals) is for staff who read orders; never the customer, nor a courier.
ORDER_RISK = "codOrder: risk"
API_CONDITIONS: dict[str, Access] = {
    DELIVERED_WITH_PAYMENT: Access(any_of=(RECORD_PAYMENTS,), courier=True),
    ORDER_MONEY: Access(any_of=(RECONCILE_CASH,)),
    ORDER_RISK: Access(any_of=(VIEW_ORDERS,)),
}

# Every screen and action of the store admin (staff only: anyone else is sent to the admin's login).
ADMIN: dict[str, Access] = {
    "orders: list and order page": Access(all_of=(VIEW_ORDERS,)),
    "orders: voucher image": Access(all_of=(VIEW_ORDERS,)),
    "orders: delivery status": Access(all_of=(VIEW_ORDERS, DISPATCH_ORDERS)),
    "orders: delivered with the collected amount": Access(all_of=(VIEW_ORDERS, DISPATCH_ORDERS, RECORD_PAYMENTS)),
    "orders: appointment": Access(any_of=STAFF_APPOINTMENTS, all_of=(VIEW_ORDERS,)),
    "orders: payment record": Access(all_of=(VIEW_ORDERS, RECORD_PAYMENTS)),
    "orders: assign a courier": Access(all_of=(VIEW_ORDERS, DISPATCH_ORDERS)),
    "orders: export selected (CSV)": Access(all_of=(VIEW_ORDERS,)),
    "orders: hand selected to a courier": Access(all_of=(VIEW_ORDERS, DISPATCH_ORDERS)),
    "confirmation queue": Access(all_of=(VIEW_QUEUE,)),
    "confirmation queue: outcomes and changes": Access(all_of=(VIEW_QUEUE, CONFIRM_ORDERS)),
    "customers: list and profile": Access(all_of=(VIEW_PROFILES,)),
    "customers: standing actions": Access(all_of=(VIEW_PROFILES, HANDLE_REFUNDS)),
    "returns: list and return page": Access(all_of=(VIEW_RETURNS,)),
    "returns: decide, receive, refund": Access(all_of=(VIEW_RETURNS, HANDLE_REFUNDS)),
    "channel policies: read": Access(all_of=("cod_plugin.view_codpolicy",)),
    "channel policies: add, change, delete": Access(all_of=("cod_plugin.add_codpolicy", MANAGE_SETTINGS)),
    "couriers: read": Access(all_of=("cod_plugin.view_courier",)),
    "couriers: add, change, delete": Access(all_of=("cod_plugin.add_courier", MANAGE_SETTINGS)),
    "messages": Access(all_of=("cod_plugin.view_notification",)),
    "courier events": Access(all_of=("cod_plugin.view_courierevent",)),
    "overview": Access(all_of=(VIEW_OVERVIEW,)),
    "orders: money status": Access(all_of=(VIEW_ORDERS, RECONCILE_CASH)),
    "cash: remittances, their lines and exceptions": Access(all_of=(RECONCILE_CASH,)),
    "cash: upload a report, map its columns": Access(all_of=(RECONCILE_CASH,)),
    "cash: record a deposit, import a bank statement": Access(all_of=(RECONCILE_CASH,)),
    "cash: resolve an exception": Access(all_of=(RECONCILE_CASH,)),
    "cash: cash in hand": Access(all_of=(RECONCILE_CASH,)),
    "cash: export a period (CSV)": Access(all_of=(RECONCILE_CASH,)),
    "orders: risk score and signals": Access(all_of=(VIEW_ORDERS,)),
    "confirmation queue: offer related products": Access(all_of=(VIEW_QUEUE, CONFIRM_ORDERS)),
    "monitoring: figures and trends": Access(all_of=(VIEW_METRICS,)),
    "monitoring: alerts": Access(all_of=(VIEW_METRICS,)),
    "monitoring: acknowledge an alert": Access(all_of=(VIEW_METRICS, "cod_plugin.change_codriskalert")),
    "risk: backtest": Access(all_of=(VIEW_METRICS,)),
}


def may(user, operation: str) -> bool:
    """Whether ``user`` may use ``operation`` (a key of ``API``, ``API_CONDITIONS`` or ``ADMIN``) as staff."""
    access = API.get(operation) or API_CONDITIONS.get(operation) or ADMIN[operation]
    return bool(user.is_authenticated and access.staff_may(user.has_perm))
