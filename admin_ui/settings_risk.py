"""The channel policy's "Screening" part: a weight per signal (by the signal's name, 0 to 100, stored in
``risk_weights`` only where it differs from the default, so a later change of a default reaches every channel that
kept it), the band thresholds (rising), the action per band, the deposit and the signals' limits.

The weights are form fields of their own (one per ``SignalCode``); a reader without the right to change the policy
sees each through a display of the same name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cod_plugin.rules.risk import DEFAULT_WEIGHTS, MAX_WEIGHT, SIGNAL_NAMES, SignalCode


def weight_name(code: SignalCode) -> str:
    return f"weight_{code}"


WEIGHTS = {weight_name(code): code for code in SignalCode}

SCREENING_FIELDSET = (
    _("Screening"),
    {
        "fields": (
            *WEIGHTS,
            "risk_medium_from",
            "risk_high_from",
            "risk_very_high_from",
            "risk_action_low",
            "risk_action_medium",
            "risk_action_high",
            "risk_action_very_high",
            "deposit_percent",
            "deposit_fixed",
            "deposit_above",
            "deposit_hours",
            "risk_velocity_per_day",
            "risk_duplicate_hours",
            "risk_region_min_orders",
            "risk_region_refusal_percent",
        ),
        "description": _(
            "Each signal adds its weight to the order's score (0 turns it off); the score's band decides the action. "
            "The risk backtest shows how these settings would have done on finished orders."
        ),
    },
)


def _weight_field(code: SignalCode) -> forms.IntegerField:
    return forms.IntegerField(
        label=SIGNAL_NAMES[code],
        required=False,  # left empty: the default
        min_value=0,
        max_value=MAX_WEIGHT,
        initial=DEFAULT_WEIGHTS[code],
        help_text=_("Default: %(weight)s") % {"weight": DEFAULT_WEIGHTS[code]},
    )


class _WeightsBase(forms.Form):
    """Fills the weights from the policy and stores them back, only those that differ from the default."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = getattr(self.instance, "risk_weights", None) or {}
        for name, code in WEIGHTS.items():
            self.initial.setdefault(name, stored.get(str(code), DEFAULT_WEIGHTS[code]))

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in WEIGHTS):
            return cleaned
        weights = {code: cleaned.get(name) for name, code in WEIGHTS.items()}
        self.instance.risk_weights = {
            str(code): weight for code, weight in weights.items() if weight not in (None, DEFAULT_WEIGHTS[code])
        }
        return cleaned


ScreeningWeights = type(
    "ScreeningWeights", (_WeightsBase,), {name: _weight_field(code) for name, code in WEIGHTS.items()}
)


def _weight_shown(code: SignalCode):
    def shown(self, policy) -> int:
        return (policy.risk_weights or {}).get(str(code), DEFAULT_WEIGHTS[code])

    shown.short_description = SIGNAL_NAMES[code]
    return shown


ScreeningDisplays = type("ScreeningDisplays", (), {name: _weight_shown(code) for name, code in WEIGHTS.items()})
