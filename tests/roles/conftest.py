"""The demo store with its COD groups, signed-in staff, couriers and the GraphQL client."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.admin import conftest as admin
from tests.couriers import conftest as couriers
from tests.graphql import conftest as graphql

demo, api, token_for, events = graphql.demo, graphql.api, graphql.token_for, couriers.events
staff_client = admin.staff_client


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agent(demo):
    return get_user_model().objects.get(email="agent@example.com")
