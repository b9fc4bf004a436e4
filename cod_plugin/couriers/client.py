"""Booking a shipment with the courier's API, which then collects the amount at the door.

``CourierClient`` is the interface the flows use; ``HttpCourierClient`` speaks JSON over HTTP with ``requests``:
``POST {api_url}/shipments`` with the courier's API key as a bearer token and the order number as the
``Idempotency-Key``, so a booking retried after a lost answer books nothing twice.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Protocol

import requests

from ..models import Courier

TIMEOUT = (3.05, 10)  # seconds to connect, seconds to wait for the answer: a task retries rather than hangs


@dataclass(frozen=True)
class Recipient:
    phone: str
    country: str
    area: str = ""
    postal_code: str = ""
    name: str = ""


@dataclass(frozen=True)
class Shipment:
    reference: str
    cod_amount: Decimal
    currency: str
    recipient: Recipient


@dataclass(frozen=True)
class Booking:
    tracking_number: str
    label_url: str = ""


class CourierError(Exception):
    """The courier did not book the shipment."""


class RetryableCourierError(CourierError):
    """The courier could not be reached or failed on its side (5xx, 429): trying again later may work."""


class PermanentCourierError(CourierError):
    """The courier refused the request (4xx) or answered nonsense: trying again will not help."""


class CourierClient(Protocol):
    def book_shipment(self, shipment: Shipment) -> Booking:
        """Book ``shipment``; the same reference twice gives the same booking."""


class HttpCourierClient:
    def __init__(self, courier: Courier):
        self.courier = courier

    def book_shipment(self, shipment: Shipment) -> Booking:
        try:
            response = requests.post(
                self.courier.api_url.rstrip("/") + "/shipments",
                json=_body(shipment),
                headers={"Authorization": f"Bearer {self.courier.api_key}", "Idempotency-Key": shipment.reference},
                timeout=TIMEOUT,
            )
        except requests.RequestException as error:  # connection refused, timeout, reset
            raise RetryableCourierError(f"{self.courier.code}: {error}") from error
        _raise_for_status(self.courier, response)
        return _booking(self.courier, response)


def client_for(courier: Courier) -> CourierClient:
    return HttpCourierClient(courier)


def _body(shipment: Shipment) -> dict:
    return {
        "reference": shipment.reference,
        "cod_amount": str(shipment.cod_amount),
        "currency": shipment.currency,
        "recipient": asdict(shipment.recipient),
    }


def _raise_for_status(courier: Courier, response: requests.Response) -> None:
    if response.status_code >= 500 or response.status_code == 429:
        raise RetryableCourierError(f"{courier.code}: HTTP {response.status_code}")
    if response.status_code >= 400:
        raise PermanentCourierError(f"{courier.code}: HTTP {response.status_code}: {response.text[:200]}")


def _booking(courier: Courier, response: requests.Response) -> Booking:
    try:
        body = response.json()
        tracking_number = body["tracking_number"]
    except (ValueError, KeyError, TypeError) as error:
        raise PermanentCourierError(f"{courier.code}: no tracking number in {response.text[:200]!r}") from error
    if not isinstance(tracking_number, str) or not 0 < len(tracking_number) <= 64:
        raise PermanentCourierError(f"{courier.code}: unusable tracking number {tracking_number!r}")
    return Booking(tracking_number=tracking_number, label_url=str(body.get("label_url") or ""))
