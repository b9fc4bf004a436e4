"""The confirmation link page when the database is busy or something unexpected fails: a 503 page to retry."""

import pytest
from django.db import OperationalError

from cod_plugin.flows import confirmation


def failing(error: Exception):
    def order_for_link(token):
        raise error

    return order_for_link


@pytest.mark.parametrize(
    ("error", "retry_after"), [(OperationalError("database is locked"), "1"), (KeyError("internals"), "60")]
)
def test_the_confirmation_page_asks_to_retry(client, db, monkeypatch, error, retry_after):
    monkeypatch.setattr(confirmation, "order_for_link", failing(error))
    response = client.get("/cod/confirm/some-token/")
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == retry_after
    assert "Please try again in a moment" in page and "internals" not in page and "KeyError" not in page
