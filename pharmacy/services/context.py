"""What every use case runs with: storage, the clock, the PIN hasher, and the pharmacy it acts for."""

from __future__ import annotations

from dataclasses import dataclass

from pharmacy.domain.clock import Clock
from pharmacy.domain.ports import UnitOfWorkFactory
from pharmacy.rules.params import Params
from pharmacy.services.pins import PinHasher


@dataclass(frozen=True)
class ServiceContext:
    uow: UnitOfWorkFactory
    clock: Clock
    pins: PinHasher
    pharmacy_id: int
    rule_params: Params | None = None  # the pharmacy's overrides of its rule pack (None: the pack's defaults)
