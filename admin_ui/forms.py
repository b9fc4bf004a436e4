"""Form helpers shared by the admin screens: secrets that are never shown back, and short lists typed as text."""

from collections.abc import Callable
from functools import cache
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import holidays
from babel.core import get_global
from babel.numbers import get_territory_currencies
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

NOT_COUNTRIES = {"EU"}


SHOWN = 4


def ending(value: str) -> str:
    """Only the last four characters of a secret, as the admin may show it; none of a short one, where four
    would be most of it."""
    if not value:
        return ""
    return f"…{value[-SHOWN:]}" if len(value) >= 3 * SHOWN else "…"


def redacted_url(url: str) -> str:
    """The URL with its password and every query value cut to their last four characters."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    if parts.username:
        host = f"{parts.username}:{ending(parts.password or '')}@{host}"
    query = "&".join(f"{key}={ending(value)}" for key, value in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, host, parts.path, query, ""))


class MaskedSecretsMixin:
    """For a ModelForm whose ``secrets`` map field names to how their stored value may be shown (``ending`` by
    default): the field is typed in and never rendered back, its help text shows the masked stored value, and an
    empty field keeps what is stored. A declared ``clear_<name>`` checkbox empties an optional secret; a name in
    ``required_secrets`` must end up with a value; ``secret_min_lengths`` sets how long a new value must be."""

    secrets: dict[str, Callable[[str], str]] = {}
    required_secrets: tuple[str, ...] = ()
    secret_min_lengths: dict[str, int] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, mask in self.secrets.items():
            field = self.fields.get(name)
            if field is None:  # a read-only page leaves the field out
                continue
            field.required = False
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
            stored = getattr(self.instance, name)
            if stored:
                # the admin shows help texts unescaped
                field.help_text = _("Set: %(masked)s. Leave empty to keep it.") % {"masked": escape(mask(stored))}

    def clean(self):
        cleaned = super().clean()
        for name in self.secrets:
            if name not in self.fields or name in self.errors:
                continue
            try:
                cleaned[name] = self._secret_value(name, cleaned.get(name) or "")
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def _secret_value(self, name: str, typed: str) -> str:
        if self.cleaned_data.get(f"clear_{name}"):
            if name in self.required_secrets:
                raise ValidationError(_("This field is required."), code="required")
            return ""
        shortest = self.secret_min_lengths.get(name, 0)
        if typed and len(typed) < shortest:
            message = _("Use at least %(count)s characters.")
            raise ValidationError(message, code="min_length", params={"count": shortest})
        value = typed or getattr(self.instance, name)
        if not value and name in self.required_secrets:
            raise ValidationError(_("This field is required."), code="required")
        return value


class WordListField(forms.CharField):
    """A JSON list of short strings, typed as one line separated by commas."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        text = super().to_python(value)
        return list(dict.fromkeys(word.strip() for word in text.split(",") if word.strip()))

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class ChoiceListField(forms.TypedMultipleChoiceField):
    """A JSON list of known values, as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, choices, **kwargs):
        super().__init__(choices=choices, required=False, **kwargs)

    def prepare_value(self, value):
        return value or []


@cache
def _territories_in_use() -> dict[str, tuple[str, ...]]:
    """CLDR's territories (babel) with the currencies that are legal tender there today."""
    found = {code: get_territory_currencies(code, tender=True) for code in get_global("territory_currencies")}
    return {code: tuple(currencies) for code, currencies in found.items() if currencies}


def is_country(code: str) -> bool:
    return len(code) == 2 and code not in NOT_COUNTRIES and code in _territories_in_use()


def is_currency(code: str) -> bool:
    """An ISO 4217 code in use today (not a withdrawn one such as DEM, nor a fund code such as XDR)."""
    return any(code in currencies for currencies in _territories_in_use().values())


def has_holidays(code: str) -> bool:
    """Whether ``holidays`` knows the country's public holidays, which business-day deadlines skip."""
    return len(code) == 2 and code in holidays.list_supported_countries()
