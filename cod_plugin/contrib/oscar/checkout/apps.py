"""Oscar's checkout app with Cash on Delivery: the shop lists it in INSTALLED_APPS in place of
``oscar.apps.checkout``. Same label, same URLs; oscar's ``get_class`` finds this package's ``views`` and
``applicator`` first and everything else in oscar's own."""

from oscar.apps.checkout import apps


class CheckoutConfig(apps.CheckoutConfig):
    name = "cod_plugin.contrib.oscar.checkout"
