"""A shopper's steps through the store's own API: pick products, fill a cart, set address and delivery."""

from .conftest import Api

PRODUCTS = "query($c: String!) { products(channel: $c, first: 100) { edges { node { id sku } } } }"
CREATE = """mutation($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) { checkout { id availableDeliveryMethods { id name } } errors { field code } }
}"""
DELIVERY = """mutation($id: ID!, $m: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $m) { errors { field code message } }
}"""
ADDRESS = """mutation($id: ID!, $a: AddressInput!) {
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $a) { errors { field code message } }
}"""
LINES = """mutation($id: ID!, $lines: [CheckoutLineInput!]!) {
  checkoutLinesUpdate(id: $id, lines: $lines) { errors { field code message } }
}"""

ADDRESSES = {
    "US": {
        "firstName": "Ann",
        "lastName": "Lee",
        "streetAddress1": "1 Main St",
        "city": "New York",
        "countryArea": "NY",
        "postalCode": "10001",
        "country": "US",
        "phone": "+12125550100",
    },
    "AE": {
        "firstName": "Omar",
        "lastName": "Saleh",
        "streetAddress1": "Sheikh Zayed Rd",
        "city": "Dubai",
        "countryArea": "Dubai",
        "postalCode": "",
        "country": "AE",
        "phone": "+971501234567",
    },
    "ID": {
        "firstName": "Budi",
        "lastName": "Santoso",
        "streetAddress1": "Jl. Sudirman 1",
        "city": "Jakarta",
        "countryArea": "Jakarta",
        "postalCode": "10110",
        "country": "ID",
        "phone": "+6281234567890",
    },
    "KW": {
        "firstName": "Fahad",
        "lastName": "Ali",
        "streetAddress1": "Gulf Rd",
        "city": "Kuwait City",
        "countryArea": "Capital",
        "postalCode": "15000",
        "country": "KW",
        "phone": "+96550001234",
    },
    "EG": {
        "firstName": "Mona",
        "lastName": "Adel",
        "streetAddress1": "Tahrir St",
        "city": "Cairo",
        "countryArea": "Cairo",
        "postalCode": "11511",
        "country": "EG",
        "phone": "+201001234567",
    },
}
CHANNEL_COUNTRY = {
    "default-channel": "US",
    "channel-ae": "AE",
    "channel-id": "ID",
    "channel-kw": "KW",
    "channel-eg": "EG",
}


def product_ids(api: Api, channel: str) -> dict[str, str]:
    edges = api(PRODUCTS, {"c": channel})["products"]["edges"]
    return {edge["node"]["sku"]: edge["node"]["id"] for edge in edges}


def new_checkout(
    api: Api,
    channel: str,
    lines: dict[str, int],
    *,
    token=None,
    address=None,
    method="Standard",
    email="shopper@example.com",
) -> str:
    ids = product_ids(api, channel)
    payload = api(
        CREATE,
        {
            "input": {
                "channel": channel,
                "email": email,
                "lines": [{"productId": ids[sku], "quantity": qty} for sku, qty in lines.items()],
                "shippingAddress": address if address is not None else ADDRESSES[CHANNEL_COUNTRY[channel]],
            }
        },
        token=token,
    )["checkoutCreate"]
    assert not payload["errors"], payload["errors"]
    checkout = payload["checkout"]
    if method:
        method_id = next(m["id"] for m in checkout["availableDeliveryMethods"] if m["name"] == method)
        assert not api(DELIVERY, {"id": checkout["id"], "m": method_id}, token=token)["checkoutDeliveryMethodUpdate"][
            "errors"
        ]
    return checkout["id"]
