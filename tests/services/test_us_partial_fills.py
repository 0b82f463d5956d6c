"""US CII part fills (21 CFR 1306.13): the rest may follow only when the prescription says which kind of part fill."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from pharmacy.demo_data import valid_dea
from pharmacy.domain import errors
from pharmacy.domain.profile import Profile
from pharmacy.services import reference
from pharmacy.services.commands import PatientCommand, PrescriberCommand
from tests.world import World, build_world, new_id

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def us_world(engine: Engine) -> World:
    world = build_world(engine, profile=Profile.US, timezone="America/New_York")
    reference.add_prescriber(
        world.ctx,
        world.people["zhou.rp"],
        PrescriberCommand(
            id=new_id(),
            code="DEA1",
            name="Dr. Susan Lee",
            address="410 W 10th Ave, Columbus, OH",
            dea_no=valid_dea("BL1234560"),
            country="US",
        ),
    )
    reference.add_patient(
        world.ctx,
        world.people["zhou.rp"],
        PatientCommand(id=new_id(), code="PA1", name="Margaret Wilson", address="14 Park Lane, Columbus, OH"),
    )
    world.receive("100")
    return world


def _rx(world: World, number: str, partial_kind: str | None) -> str:
    from pharmacy.domain.reference import PrescriptionDetails
    from pharmacy.services.commands import PrescriptionCommand

    reference.add_prescription(
        world.ctx,
        world.pharmacist,
        PrescriptionCommand(
            id=new_id(),
            number=number,
            written_on=world.clock.now().astimezone(NEW_YORK).date(),
            prescriber="DEA1",
            patient="PA1",
            medicine="morphine-tab-10",
            quantity="30",
            details=PrescriptionDetails(days_supply=10, partial_kind=partial_kind),
        ),
    )
    return number


def test_us_1_a_second_fill_of_a_cii_prescription_is_refused(us_world: World) -> None:
    rx = _rx(us_world, "RX-CII-1", None)
    us_world.dispense(rx, "10", codes=())
    with pytest.raises(errors.RuleBlocked) as caught:
        us_world.dispense(rx, "20", codes=())
    assert caught.value.params["table_id"] == "US-1"


def test_us_5_the_rest_of_a_part_fill_at_the_patients_request_follows_within_30_days(us_world: World) -> None:
    rx = _rx(us_world, "RX-CII-2", "patient_request")
    us_world.dispense(rx, "10", codes=())
    us_world.tick(60 * 24 * 10)  # ten days later: within the 30 days of 21 CFR 1306.13(b)
    got = us_world.dispense(rx, "20", codes=())
    assert got.lot_balance_after == 70


def test_an_unknown_part_fill_kind_is_refused_naming_the_field(us_world: World) -> None:
    with pytest.raises(errors.InvalidValue) as caught:
        _rx(us_world, "RX-CII-3", "whenever")
    assert caught.value.params["field"] == "partial_kind"
