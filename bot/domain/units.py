"""Weight units: kg/lb conversion and the rounding members expect to read.

Everything is stored in kilograms so records and volumes compare across members;
pounds exist only at the edges (what a member typed, what they prefer to read).
Display rounding follows the plates people actually load: 0.5 kg steps for metric,
whole pounds for imperial. Showing ``102.058 kg`` for a 225 lb bar would be noise.
"""

from __future__ import annotations

import math
from typing import Literal, TypeAlias

WeightSystem: TypeAlias = Literal["kg", "lb"]

#: The international avoirdupois pound, exact by definition (1959 agreement).
KG_PER_LB = 0.45359237
LB_PER_KG = 1 / KG_PER_LB

#: Display resolution per system: the smallest step commonly loadable on a bar.
KG_STEP = 0.5
LB_STEP = 1.0

WEIGHT_SYSTEMS: tuple[WeightSystem, ...] = ("kg", "lb")

# Conversions can land a hair under a half step (100.24999999 for 100.25); nudging by
# a tiny amount keeps "half rounds up" true for values that are halves on paper.
_HALF_STEP_NUDGE = 1e-9


def kg_to_lb(kg: float) -> float:
    """Kilograms to pounds, unrounded, so chained conversions do not drift."""
    return kg / KG_PER_LB


def lb_to_kg(lb: float) -> float:
    """Pounds to kilograms, unrounded, so chained conversions do not drift."""
    return lb * KG_PER_LB


def round_to_step(value: float, step: float) -> float:
    """Round to the nearest multiple of ``step``, halves away from zero.

    Python's ``round`` rounds halves to even, which would show 100.25 kg as 100 kg
    but 100.75 kg as 101 kg; people expect a half step to round up consistently.
    """
    if step <= 0 or not math.isfinite(step):
        raise ValueError(f"step must be a positive number, got {step!r}")
    if not math.isfinite(value):
        raise ValueError(f"cannot round {value!r}")
    steps = math.floor(abs(value) / step + 0.5 + _HALF_STEP_NUDGE)
    rounded = math.copysign(steps * step, value)
    return rounded + 0.0  # turns -0.0 into 0.0 so nothing ever shows as "-0"


def _format_number(value: float) -> str:
    """Shortest text for a display-rounded value: ``100``, ``102.5``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_weight(kg: float, system: WeightSystem) -> str:
    """A weight as a member reads it in their preferred system, e.g. ``102.5 kg``, ``225 lb``."""
    if system == "kg":
        return f"{_format_number(round_to_step(kg, KG_STEP))} kg"
    if system == "lb":
        return f"{_format_number(round_to_step(kg_to_lb(kg), LB_STEP))} lb"
    raise ValueError(f"unknown weight system {system!r}; expected one of {WEIGHT_SYSTEMS}")
