"""django-money's ``MoneyField``, with a currency column whose migrations do not depend on the host's settings.

django-money gives each money field a currency column whose ``choices`` are every currency with its name, or the
host's ``CURRENCIES``, named by whichever py-moneyed/Babel release is installed. Django writes ``choices`` into
migrations, so the plugin's migrations matched one environment only: a host with other currency settings or
another Babel saw changes in ``makemigrations --check`` and ``makemigrations`` wrote into site-packages.

Two ways out were weighed. Fixed choices in code would still bake a few hundred names into the migrations, tie them
to one list (every ISO 4217 change a new migration) and show hosts those names rather than their own. Leaving
``choices`` out of the deconstruction, as here, keeps the runtime field exactly as django-money builds it (the form
field still offers and checks the host's currencies; the flows check a currency against the channel policy), while
migrations see a plain currency column that no setting can change. ``choices`` does not touch the database schema,
so the migration that drops them from the state runs no SQL.

Both fields deconstruct under django-money's own paths: the migrations stay what django-money would write, and
their historical models need nothing of the plugin.
"""

from djmoney.models import fields as djmoney_fields


class CurrencyField(djmoney_fields.CurrencyField):
    """The currency column of a money field; its ``choices`` stay out of migrations."""

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, "djmoney.models.fields.CurrencyField", args, kwargs


class MoneyField(djmoney_fields.MoneyField):
    """A money amount with its currency column; neither writes currency choices into migrations."""

    def add_currency_field(self, cls, name):
        currency_field = CurrencyField(
            price_field=self,
            max_length=self.currency_max_length,
            default=self.default_currency,
            editable=False,
            choices=self.currency_choices,
            null=self.null,
        )
        currency_field.creation_counter = self.creation_counter - 1
        cls.add_to_class(djmoney_fields.get_currency_field_name(name, self), currency_field)
        self._currency_field = currency_field

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        kwargs.pop("currency_choices", None)
        return name, "djmoney.models.fields.MoneyField", args, kwargs
