"""Exact quantities: integers of a medicine's smallest recordable step, parsed and shown as decimals.

A medicine measured in 0.1 mL steps has scale 10: 2.5 mL is stored as 25. No float ever touches a quantity
(ARCHITECTURE §1.2); Decimal appears only when text is parsed or shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pharmacy.domain.errors import (
    CountNegative,
    InvalidQuantity,
    QuantityNotPositive,
    QuantityOffStep,
    QuantityTooLarge,
    QuantityZero,
)

# One entry larger than this many base units is a typo, not a delivery (a wholesaler's pallet is ~10^5).
MAX_BASE_UNITS_PER_ENTRY = 1_000_000


@dataclass(frozen=True)
class UnitSpec:
    """How a medicine is counted: stored integers are 1/scale of a base unit; entries are multiples of step."""

    base_unit: str
    scale: int = 1
    step: int = 1
    name: str = ""

    @classmethod
    def from_step(cls, base_unit: str, unit_step: Decimal | str, name: str = "") -> UnitSpec:
        step = Decimal(str(unit_step))
        if step <= 0:
            raise ValueError(f"unit step must be positive, not {unit_step}")
        exponent = step.normalize().as_tuple().exponent
        scale = 10 ** max(0, -int(exponent))
        return cls(base_unit=base_unit, scale=scale, step=int(step * scale), name=name)

    @property
    def step_text(self) -> str:
        return format_quantity(self.step, self)


def _to_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, bool):
        raise InvalidQuantity(text=str(value))
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidQuantity(text=str(value)) from None
    if not number.is_finite():
        raise InvalidQuantity(text=str(value))
    return number


def parse_quantity(value: Decimal | int | str, spec: UnitSpec, *, signed: bool = False) -> int:
    """Text or Decimal in base units → integer steps; refuses zero, negatives (unless signed), off-step, huge."""
    number = _to_decimal(value)
    text = str(value).strip()
    if number == 0:
        if signed:
            raise QuantityZero()
        raise QuantityNotPositive(text=text)
    if number < 0 and not signed:
        raise QuantityNotPositive(text=text)
    if abs(number) > MAX_BASE_UNITS_PER_ENTRY:
        raise QuantityTooLarge(text=text, unit=spec.base_unit, limit=MAX_BASE_UNITS_PER_ENTRY)
    scaled = number * spec.scale
    if scaled != scaled.to_integral_value() or int(scaled) % spec.step != 0:
        raise QuantityOffStep(medicine=spec.name, step=spec.step_text, unit=spec.base_unit, text=text)
    return int(scaled)


def packs_to_base(value: Decimal | int | str, pack_size: int) -> Decimal:
    """A count of whole packs → base units (pack_size base units per pack)."""
    number = _to_decimal(value)
    if number != number.to_integral_value():
        raise InvalidQuantity(text=str(value))
    return number * pack_size


def to_decimal(steps: int, spec: UnitSpec) -> Decimal:
    return Decimal(steps) / spec.scale


def format_quantity(steps: int, spec: UnitSpec) -> str:
    """Integer steps → the shortest exact decimal text (25 at scale 10 → '2.5')."""
    if spec.scale == 1:
        return str(steps)
    sign = "-" if steps < 0 else ""
    whole, frac = divmod(abs(steps), spec.scale)
    digits = len(str(spec.scale)) - 1
    frac_text = str(frac).rjust(digits, "0").rstrip("0")
    return f"{sign}{whole}.{frac_text}" if frac_text else f"{sign}{whole}"


def parse_count(value: Decimal | int | str, spec: UnitSpec) -> int:
    """What a count found, in steps: zero is a finding (the batch is gone); negative is a typing error."""
    number = _to_decimal(value)
    if number < 0:
        raise CountNegative(text=str(value).strip())
    return 0 if number == 0 else parse_quantity(value, spec)
