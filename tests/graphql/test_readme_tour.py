"""The README's tour shows what the demo answers: its sample order is the one the demo places."""

import io
import json
import re
from pathlib import Path

from django.core.management import call_command

from cod_plugin.models import CodOrder

from .shop import new_checkout
from .test_checkout_complete import COMPLETE

README = Path(__file__).resolve().parents[2] / "README.md"


def sample_answer(step: str) -> dict:
    """The sample answer printed under a step of the tour: the ``# {...}`` comment lines after its heading."""
    text = README.read_text(encoding="utf-8")
    after = text[text.index(step) :]
    lines = re.search(r"\n((?:# [{ ].*\n)+)", after).group(1)
    return json.loads("".join(line[2:] for line in lines.splitlines()))


def test_the_tours_order_is_the_one_the_demo_places(api, token_for):
    # given the demo as `make demo` makes it: the fixtures and the demo's orders
    call_command("cod_demo_orders", stdout=io.StringIO())
    demo_orders = CodOrder.objects.count()
    # when new@example.com places the tour's cart (2 t-shirts and headphones to New York, Standard delivery)
    token = token_for("new@example.com")
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 2, "HEADPHONES-001": 1}, token=token)
    answer = api(COMPLETE, {"id": checkout, "terms": 1}, token=token)["codCheckoutComplete"]
    # then the README's step 4 shows that very order
    sample = sample_answer("# 4. take it out again and place the COD order")["data"]["codCheckoutComplete"]
    assert sample["errors"] == [] and answer["errors"] == []
    # on a fresh database the store numbers its orders from 1001, so the tour's is the one after the demo's
    # (a test database's sequences are not fresh: PostgreSQL does not roll them back)
    assert sample["order"]["number"] == str(1001 + demo_orders)
    assert int(answer["order"]["number"]) == max(
        int(n) for n in CodOrder.objects.values_list("order_number", flat=True)
    )
    assert sample["order"]["amountToCollect"] == {"amount": "179.20", "currency": "USD"}
