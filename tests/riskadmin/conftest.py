"""Risk in the admin: the demo store, staff clients, and orders with the risk screening set on them."""

from tests.admin.conftest import staff_client, superuser_client  # noqa: F401
from tests.graphql.conftest import api, demo, token_for  # noqa: F401
