"""Reporting duties a loss sets off, per jurisdiction, with their deadlines; shown as a checklist.

US: written notice to the DEA Field Division within 1 business day of discovery, DEA Form 106 within 45 days
(21 CFR 1301.76(b), 88 FR 40707; US-12). CN: police and drug regulator at once (条例 Art.64; CN-15), hospitals
also their health authority. UK: the CD accountable officer, serious incidents at once (regulations §3.6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

from pharmacy.domain.errors import N_
from pharmacy.domain.profile import Profile


class Duty(StrEnum):
    DEA_NOTICE = "dea_notice"
    DEA_FORM_106 = "dea_form_106"
    CN_POLICE = "cn_police"
    CN_REGULATOR = "cn_regulator"
    CN_HEALTH_AUTHORITY = "cn_health_authority"
    UK_CDAO = "uk_cdao"


DUTY_LABEL: dict[Duty, str] = {
    Duty.DEA_NOTICE: N_("Written notice to the DEA Field Division (21 CFR 1301.76(b))"),
    Duty.DEA_FORM_106: N_("DEA Form 106 filed online"),
    Duty.CN_POLICE: N_("Report to the county public security bureau (公安机关)"),
    Duty.CN_REGULATOR: N_("Report to the drug regulator (药品监督管理部门)"),
    Duty.CN_HEALTH_AUTHORITY: N_("Report to the health authority (卫生主管部门)"),
    Duty.UK_CDAO: N_("Report to the Controlled Drugs Accountable Officer"),
}


def add_business_days(day: date, days: int) -> date:
    """Weekdays only; federal holidays are not known to the app, so the deadline may come a day early."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _deadline(duty: Duty, discovered: date) -> date:
    if duty is Duty.DEA_NOTICE:
        return add_business_days(discovered, 1)
    if duty is Duty.DEA_FORM_106:
        return discovered + timedelta(days=45)
    return discovered  # "at once": the day it is found


def duties_for(profile: Profile) -> tuple[Duty, ...]:
    if profile is Profile.US:
        return (Duty.DEA_NOTICE, Duty.DEA_FORM_106)
    if profile is Profile.UK:
        return (Duty.UK_CDAO,)
    hospital = (Duty.CN_HEALTH_AUTHORITY,) if profile is Profile.CN_HOSPITAL else ()
    return (Duty.CN_POLICE, Duty.CN_REGULATOR, *hospital)


@dataclass(frozen=True)
class DutyDue:
    duty: Duty
    due_on: date
    done_on: date | None = None
    reference: str | None = None

    def overdue(self, today: date) -> bool:
        return self.done_on is None and today > self.due_on


def checklist(profile: Profile, discovered: date, done: dict[Duty, tuple[date, str | None]]) -> list[DutyDue]:
    return [DutyDue(duty, _deadline(duty, discovered), *done.get(duty, (None, None))) for duty in duties_for(profile)]


@dataclass(frozen=True)
class DutyDone:
    """A duty discharged: when, by whom, and the reference the authority gave (crime number, DEA receipt …)."""

    pharmacy_id: int
    movement_id: UUID  # the loss entry
    duty: Duty
    done_on: date
    reference: str | None
    recorded_by_id: int
