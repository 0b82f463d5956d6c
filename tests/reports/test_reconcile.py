"""Reconciliation of dispensing against prescriptions: a month with one planted problem of every kind is found
exactly; a clean generated month finds nothing; `pharmacy reconcile prescriptions` prints JSON and exits 0 or 1.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, insert, select

from pharmacy.cli import main
from pharmacy.db import rows as r
from pharmacy.i18n import translator
from pharmacy.reports.reconcile import ProblemKind, Reconciliation, reconcile_prescriptions
from pharmacy.rules.validity import valid_until
from pharmacy.services.commands import CorrectCommand
from pharmacy.services.correct import correct
from tests.world import World, build_world, new_id

MONTH = "2026-03"
K = ProblemKind


def plant_dispense(world: World, steps: int, when: datetime, rx_number: str | None) -> None:
    """A dispense the services would refuse, written straight into the table (inserts pass the triggers)."""
    m = r.MovementRow.__table__
    with world.engine.begin() as conn:
        last = m.c.pharmacy_id == world.pharmacy_id
        template = (
            conn.execute(select(m).where(last, m.c.kind == "dispense").order_by(m.c.seq.desc()).limit(1))
            .mappings()
            .one()
        )
        seq = conn.execute(select(func.max(m.c.seq)).where(last)).scalar_one()
        rx_id = None
        if rx_number is not None:
            rx = r.PrescriptionRow.__table__
            mine = (rx.c.number == rx_number) & (
                rx.c.pharmacy_id == world.pharmacy_id
            )  # a shared database on PostgreSQL
            rx_id = conn.execute(select(rx.c.id).where(mine)).scalar_one()
        values = dict(template) | {
            "id": uuid.uuid4(),
            "seq": seq + 1,
            "occurred_at": when,
            "recorded_at": when,
            "quantity": -steps,
            "prescription_id": rx_id,
            "reverses_id": None,
            "hash": uuid.uuid4().hex * 2,
        }
        conn.execute(insert(r.MovementRow).values(values))


def rx_ids(world: World, number: str) -> list[str]:
    rx = r.PrescriptionRow
    with world.engine.connect() as conn:
        q = select(rx.id).where(rx.pharmacy_id == world.pharmacy_id, rx.number == number).order_by(rx.id)
        return [str(x) for x in conn.scalars(q)]


def reverse(world: World, seq: int) -> None:
    command = CorrectCommand(id=new_id(), reverses=str(seq), reason="wrong patient", witness=world.creds("wang.fang"))
    correct(world.ctx, world.pharmacist, command)


def planted_month(world: World) -> None:
    world.receive("500", batch="B1")
    world.dispense(world.prescription("10", number="RX-OK"), "10")
    wrong = world.dispense(world.prescription("10", number="RX-REV"), "10")
    reverse(world, wrong.seq)
    world.dispense("RX-REV", "10")  # would be an over-supply if the reversed entry counted
    world.dispense(world.prescription("20", number="RX-LATE"), "10")
    world.dispense(world.prescription("10", number="RX-OVER"), "10")
    world.dispense(world.prescription("30", number="RX-LAPSE"), "10")  # 20 owing lapse at the end of 2 March
    for _ in range(2):
        world.prescription("10", number="RX-DUP")
    for rx_id in rx_ids(world, "RX-DUP"):
        world.dispense(rx_id, "10")
    world.prescription("10", number="RX-NEVER")
    # Last, so that the services' own sequence numbers stay clear of the planted rows:
    plant_dispense(world, 10, datetime(2026, 3, 10, 2, 0, tzinfo=UTC), "RX-LATE")  # valid only on 2 March
    plant_dispense(world, 5, world.tick(), "RX-OVER")
    plant_dispense(world, 3, world.tick(), None)


SCANNED = ["RX-OK", "RX-REV", "RX-LATE", "RX-LAPSE", "RX-DUP", "RX-PAPER-9", " ", "RX-OK"]
EXPECTED = [
    (K.NO_PRESCRIPTION, None),
    (K.AFTER_EXPIRY, "RX-LATE"),
    (K.OVER_SUPPLY, "RX-OVER"),
    (K.OWING_LAPSED, "RX-LAPSE"),
    (K.DUPLICATE_NUMBER, "RX-DUP"),
    (K.NEVER_SUPPLIED, "RX-NEVER"),
    (K.NOT_SCANNED, "RX-OVER"),
    (K.SCANNED_UNKNOWN, "RX-PAPER-9"),
]


def found(result: Reconciliation) -> Counter[tuple[ProblemKind, str | None]]:
    return Counter((p.kind, p.number) for p in result.problems)


def test_every_planted_problem_is_found_and_nothing_else(world: World) -> None:
    planted_month(world)
    result = reconcile_prescriptions(world.engine, world.pharmacy_id, MONTH, SCANNED)
    assert found(result) == Counter(EXPECTED)
    assert {p.kind for p in result.problems} == set(ProblemKind)
    lines = {line.number: line for line in result.lines if line.number != "RX-DUP"}
    assert sorted(lines) == ["RX-LAPSE", "RX-LATE", "RX-NEVER", "RX-OK", "RX-OVER", "RX-REV"]
    assert (lines["RX-REV"].prescribed, lines["RX-REV"].supplied, lines["RX-REV"].owing) == (10, 10, 0)
    assert (lines["RX-LAPSE"].supplied, lines["RX-LAPSE"].owing) == (10, 20)
    assert (lines["RX-OVER"].supplied, lines["RX-OVER"].owing) == (15, 0)
    assert lines["RX-OK"].valid_until == date(2026, 3, 2)
    assert lines["RX-OK"].patient_code == "PT1"


def test_without_a_scan_there_is_no_retained_check(world: World) -> None:
    planted_month(world)
    result = reconcile_prescriptions(world.engine, world.pharmacy_id, MONTH)
    assert found(result) == Counter(e for e in EXPECTED if e[0] not in (K.NOT_SCANNED, K.SCANNED_UNKNOWN))


def test_other_months_see_nothing_of_march(world: World) -> None:
    planted_month(world)
    for month in ("2026-02", "2026-04"):
        result = reconcile_prescriptions(world.engine, world.pharmacy_id, month, [])
        assert result.ok and not result.lines


def test_messages_carry_the_numbers_in_both_languages(world: World) -> None:
    planted_month(world)
    result = reconcile_prescriptions(world.engine, world.pharmacy_id, MONTH, SCANNED)
    over = next(p for p in result.problems if p.kind is K.OVER_SUPPLY)
    assert over.render() == "Prescription RX-OVER allows 10 tablet of morphine sulfate 10 mg; 15 tablet were supplied"
    zh = translator("zh_CN")
    for problem in result.problems:
        text = problem.render(zh)
        assert problem.template != zh(problem.template), problem.kind
        assert "{" not in text and (problem.number or "") in text


def test_validity_per_profile() -> None:
    written = date(2026, 8, 31)
    assert valid_until("cn_hospital", written, 2) == date(2026, 9, 2)
    assert valid_until("cn_retail", written, 9) == date(2026, 9, 3)  # the extension is capped at 3 days
    assert valid_until("us", written, class_code="CII") is None
    assert valid_until("us", written, class_code="CIV") == date(2027, 2, 28)
    assert valid_until("uk", written, class_code="2") == date(2026, 9, 28)
    assert valid_until("uk", written, class_code="2", earliest_fill=date(2026, 9, 5)) == date(2026, 10, 3)


parts = st.lists(st.integers(1, 10), min_size=1, max_size=3)
clean_month = st.lists(st.tuples(parts, st.booleans(), st.integers(0, 3)), min_size=1, max_size=4)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=clean_month)
def test_a_clean_month_reports_nothing(engine: Engine, month: list[tuple[list[int], bool, int]]) -> None:
    world = build_world(engine)
    world.receive("1000", batch="B1")
    numbers = []
    for index, (fills, slip, gap_days) in enumerate(month):
        world.tick(gap_days * 24 * 60)
        number = world.prescription(str(sum(fills)), number=f"RX-{world.pharmacy_id}-{index}")
        numbers.append(number)
        if slip:
            reverse(world, world.dispense(number, str(fills[0])).seq)
        for fill in fills:
            world.dispense(number, str(fill))
    result = reconcile_prescriptions(engine, world.pharmacy_id, MONTH, numbers)
    assert result.problems == ()
    assert [line.owing for line in result.lines] == [0] * len(month)


def test_cli_json_exit_codes_and_retained_file(
    sqlite_world: World, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_world.receive("100", batch="B1")
    sqlite_world.dispense(sqlite_world.prescription("10", number="RX-A"), "10")
    args = ["reconcile", "prescriptions", "--month", MONTH, "--db", sqlite_url, "--format", "json"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] and doc["problems"] == []
    assert [(x["number"], x["prescribed"], x["supplied"], x["owing"]) for x in doc["prescriptions"]] == [
        ("RX-A", "10", "10", "0")
    ]
    scans = tmp_path / "scans.txt"
    scans.write_text("# scanned on 1 April\nRX-B\n\n", encoding="utf-8")
    assert main([*args, "--retained", str(scans)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [(p["kind"], p["number"]) for p in doc["problems"]] == [("not_scanned", "RX-A"), ("scanned_unknown", "RX-B")]
    assert (
        main(
            [
                "--lang",
                "zh_CN",
                "reconcile",
                "prescriptions",
                "--month",
                MONTH,
                "--db",
                sqlite_url,
                "--retained",
                str(scans),
            ]
        )
        == 1
    )
    assert "RX-B" in capsys.readouterr().out


def test_cli_refuses_a_bad_month_and_an_unreadable_file(
    sqlite_world: World, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reconcile", "prescriptions", "--month", "2026-13", "--db", sqlite_url]) == 2
    assert "--month" in capsys.readouterr().err
    missing = str(tmp_path / "nope.txt")
    assert main(["reconcile", "prescriptions", "--month", MONTH, "--db", sqlite_url, "--retained", missing]) == 2
    assert "--retained" in capsys.readouterr().err


def test_each_prescription_shows_how_long_it_must_be_kept(world: World) -> None:
    """处方管理办法 Art.50: narcotic and psychotropic class I prescriptions are kept 3 years."""
    from pharmacy.reports.reconcile import reconcile_prescriptions

    world.receive("100")
    rx = world.prescription("10", number="RX-KEEP")
    world.dispense(rx, "10")
    found = reconcile_prescriptions(world.engine, world.pharmacy_id, "2026-03", None)
    line = next(x for x in found.lines if x.number == "RX-KEEP")
    assert line.keep_until == date(2029, 3, 2)
