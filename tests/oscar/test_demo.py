"""``manage.py cod_oscar_demo`` (``make demo-oscar``): the shop's demo data, written once however often it runs."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from oscar.core.loading import get_model

from cod_plugin.models import CodCustomerProfile, CodPolicy

Product = get_model("catalogue", "Product")
UserAddress = get_model("address", "UserAddress")

pytestmark = pytest.mark.django_db


def test_the_demo_is_written_once_with_the_customers_standing_and_the_channels_policy():
    # when
    call_command("cod_oscar_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("cod_oscar_demo", stdout=out)

    # then
    assert Product.objects.count() == 6
    watch = Product.objects.get(title="Luxury automatic watch")
    assert watch.attr.cod_high_value is True and watch.stockrecords.get().price > 1500
    trusted = get_user_model().objects.get(email="trusted@example.com")
    assert CodCustomerProfile.objects.get(customer_key=f"customer:{trusted.pk}").completed_orders == 8
    assert UserAddress.objects.get(user=trusted).is_default_for_shipping
    policy = CodPolicy.objects.get()
    assert (policy.channel, policy.enabled, policy.terms.get().version) == ("default", True, 1)
    assert get_user_model().objects.get(email="agent@example.com").groups.get().name == "COD agents"
    assert "/catalogue/luxury-automatic-watch_" in out.getvalue()
