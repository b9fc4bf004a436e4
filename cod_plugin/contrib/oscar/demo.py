"""The oscar demo shop's data, as data (``manage.py cod_oscar_demo`` writes it): the same shoppers, standing and
rules as the sandbox's demo, in oscar's terms."""

from datetime import UTC, datetime
from decimal import Decimal

from djmoney.money import Money

PASSWORD = "codDemo123!"

# SKU, title, price (USD), category breadcrumbs, the COD attributes set to yes.
PRODUCTS = (
    ("TSHIRT-1", "Cotton t-shirt", Decimal("19.99"), "Clothing", ()),
    ("HEADPHONES-1", "Wireless headphones", Decimal("89.00"), "Electronics", ()),
    ("RICECOOKER-1", "Rice cooker", Decimal("59.50"), "Home", ()),
    ("WATCH-1", "Luxury automatic watch", Decimal("2400.00"), "Watches", ("cod_high_value",)),
    ("TV-1", "65-inch television", Decimal("1799.00"), "Electronics", ()),
    ("CONSOLE-1", "Game console (pre-order)", Decimal("499.00"), "Electronics", ("cod_pre_order",)),
)

# Code, name, price per order (USD); both collect cash (``COD_DELIVERY_METHODS`` in the shop's settings).
SHIPPING = (("standard", "Standard delivery", Decimal("5.00")), ("express", "Express delivery", Decimal("15.00")))


def _address(first_name: str, phone: str, *, city="Washington", state="DC", postcode="20001") -> dict:
    return {"first_name": first_name, "last_name": "Demo", "line1": "1 Main St", "line4": city, "state": state,
            "postcode": postcode, "phone_number": phone}  # fmt: skip


# Email, COD standing, default address.
CUSTOMERS = (
    ("new@example.com", {}, _address("Ann", "+12025550142")),
    ("trusted@example.com", {"completed_orders": 8}, _address("Tom", "+12025550143")),
    ("b2b@example.com", {"completed_orders": 3, "b2b_verified": True, "b2b_limit": Money(20000, "USD")},
     _address("Bea", "+12025550147")),
    (
        "suspended@example.com",
        {"completed_orders": 2, "strikes": 3, "suspensions": 1, "suspended_until": datetime(2027, 3, 1, tzinfo=UTC)},
        _address("Sue", "+12025550144"),
    ),
    ("revoked@example.com", {"completed_orders": 1, "strikes": 5, "suspensions": 2, "revoked": True},
     _address("Rob", "+12025550145")),
    ("penalty@example.com", {"completed_orders": 4, "strikes": 1, "outstanding_penalty": Money("12.50", "USD")},
     _address("Pat", "+12025550146")),
)  # fmt: skip

STAFF = (
    ("manager@example.com", "COD managers"),
    ("agent@example.com", "COD agents"),
    ("dispatch@example.com", "COD dispatch"),
    ("finance@example.com", "COD finance"),
    ("support@example.com", "COD support"),
)


def policy_fields() -> dict:
    """The channel's policy: 3% fee, USD 500 for new customers and 2,000 for trusted ones, no item above USD 1,500,
    the four product flags excluded."""
    return {
        "currency": "USD",
        "enabled": True,
        "fee_percent": Decimal("3.00"),
        "fee_label": "Cash on Delivery fee",
        "limit_currency": "USD",
        "new_customer_limit": Decimal("500"),
        "trusted_customer_limit": Decimal("2000"),
        "max_item_price": Decimal("1500"),
        "max_delivery_days": 7,
        "excluded_flags": ["high_value", "pre_order", "customized", "special_customs"],
        "excluded_categories": [],
    }


def terms_text() -> str:
    return (
        "Cash on Delivery (COD) terms, version 1\n\n"
        "1. Fee. COD orders carry a service fee of 3% of the order amount (goods plus shipping), shown as its own "
        "line.\n"
        "2. Where. COD is offered for deliveries within the United States; orders to New York (NY) are limited to "
        "USD 1,000 each.\n"
        "3. Order limits. New customers may pay up to USD 500 per COD order, customers with more than 5 completed "
        "COD orders and no refusals up to USD 2,000. High-value, pre-order, personalised and special-customs "
        "products, and items priced above USD 1,500, cannot be paid on delivery.\n"
        "4. Confirmation. We confirm every COD order by phone or SMS before it ships.\n"
        "5. Payment at the door. Pay the courier in cash or by card; you may inspect the goods first.\n"
        "6. Refusal penalty. Refusing an order without a valid reason counts as a strike; three strikes suspend COD "
        "for 3 months."
    )
