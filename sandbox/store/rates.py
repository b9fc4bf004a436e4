"""Exchange rates from the demo fixture, so that ``update_rates`` works offline."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from djmoney.contrib.exchange.backends.base import BaseExchangeBackend

RATES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "03_rates.json"


class FixtureRatesBackend(BaseExchangeBackend):
    """Reads the ``exchange.rate`` rows of ``fixtures/03_rates.json`` that belong to this backend."""

    name = "fixture"

    def get_rates(self, **params) -> dict[str, Decimal]:
        rows = json.loads(RATES_FIXTURE.read_text(encoding="utf-8"), parse_float=Decimal)
        return {
            row["fields"]["currency"]: Decimal(str(row["fields"]["value"]))
            for row in rows
            if row["model"] == "exchange.rate" and row["fields"]["backend"] == self.name
        }
