"""Complete prescriptions: everything the law asks them to carry, impossible values refused, never edited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pharmacy.domain import errors
from pharmacy.domain.reference import PrescriptionDetails
from pharmacy.rules.identifiers import ric_check_char
from pharmacy.services import reference
from pharmacy.services.commands import PrescriptionCommand
from pharmacy.services.lookup import prescription
from tests.world import World, new_id

AGENT_ID = "33010619900101001" + ric_check_char("33010619900101001")  # a valid Hangzhou number
FULL = PrescriptionDetails(
    kind="narcotic_psy1",
    days_supply=3,
    dose="10 mg every 4 hours as needed",
    diagnosis="肺癌疼痛",
    cancer_or_chronic_pain=True,
    extension_days=2,
    agent_name="陈小明",
    agent_id_no=AGENT_ID,
    collector_type="representative",
    id_requested=True,
    id_provided=True,
)


def _command(world: World, details: PrescriptionDetails, **over: object) -> PrescriptionCommand:
    fields: dict[str, object] = {
        "id": new_id(),
        "number": f"MJ{new_id().hex[:8]}",
        "written_on": world.clock.now().date(),
        "prescriber": "DR1",
        "patient": "PT1",
        "medicine": "morphine-tab-10",
        "quantity": "18",
    }
    fields.update(over)
    return PrescriptionCommand(**fields, details=details)  # type: ignore[arg-type]


def test_a_complete_prescription_round_trips(world: World) -> None:
    command = _command(world, FULL)
    reference.add_prescription(world.ctx, world.pharmacist, command)
    with world.ctx.uow(write=False) as uow:
        pharmacy = uow.reference.pharmacy(world.pharmacy_id)
        assert pharmacy is not None
        stored = prescription(uow, pharmacy, command.number)
    assert stored.details == FULL and stored.quantity == 18 and stored.recorded_at == world.clock.now()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "pink"}, "kind"),
        ({"extension_days": 4}, "extension_days"),  # 处方管理办法 Art.18: at most 3 days
        ({"days_supply": 0}, "days_supply"),
        ({"refills_authorised": -1}, "refills_authorised"),
        ({"collector_type": "courier"}, "collector_type"),
        ({"earliest_fill_date": date(2026, 1, 1)}, "earliest_fill_date"),  # before it was written
    ],
)
def test_impossible_details_are_refused_naming_the_field(world: World, change: dict[str, object], field: str) -> None:
    before = world.snapshot()
    with pytest.raises(errors.InvalidValue) as caught:
        reference.add_prescription(world.ctx, world.pharmacist, _command(world, replace(FULL, **change)))  # type: ignore[arg-type]
    assert caught.value.params["field"] == field
    assert world.snapshot() == before


def test_written_in_the_future_is_refused(world: World) -> None:
    tomorrow = world.clock.now().date() + timedelta(days=2)
    with pytest.raises(errors.InvalidValue) as caught:
        reference.add_prescription(world.ctx, world.pharmacist, _command(world, FULL, written_on=tomorrow))
    assert caught.value.params["field"] == "written_on"


def test_a_recorded_prescription_cannot_be_edited(world: World) -> None:
    command = _command(world, FULL)
    reference.add_prescription(world.ctx, world.pharmacist, command)
    with pytest.raises(DBAPIError, match="append-only"), world.engine.begin() as conn:
        conn.execute(text("UPDATE prescriptions SET quantity = 99 WHERE number = :n"), {"n": command.number})


def test_a_prescription_the_pack_blocks_is_refused_when_recorded(world: World) -> None:
    """CN-9 (处方管理办法): a narcotic prescription collected by an agent needs the agent's ID number."""
    before = world.snapshot()
    with pytest.raises(errors.RuleBlocked) as caught:
        reference.add_prescription(world.ctx, world.pharmacist, _command(world, replace(FULL, agent_id_no=None)))
    assert caught.value.params["table_id"] == "CN-9"
    assert world.snapshot() == before


def test_resident_id_numbers_are_checked_but_not_their_region(world: World) -> None:
    """lessons §9: a real Hangzhou number whose region code postdates the birth is accepted; a wrong check
    character is refused, naming the field."""
    from pharmacy.services.commands import PatientCommand

    good = "33010619700307001" + ric_check_char("33010619700307001")
    reference.add_patient(
        world.ctx,
        world.pharmacist,
        PatientCommand(id=new_id(), code="PT9", name="林静", id_doc_type="resident_id", id_doc_no=good),
    )
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(errors.InvalidValue) as caught:
        reference.add_patient(
            world.ctx,
            world.pharmacist,
            PatientCommand(id=new_id(), code="PT10", name="林静", id_doc_type="resident_id", id_doc_no=wrong),
        )
    assert caught.value.params["field"] == "id_doc_no"
