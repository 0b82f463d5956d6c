"""The destruction form: method, place, quantity, and the witnesses the pharmacy's law asks for.

UK: Schedule 2 stock before an authorised witness with their authorisation (MDR 2001 reg 27, UK-8). US: two
employee witnesses and the DEA Form 41 figures (21 CFR 1317.95, US-13). CN: the drug regulator's officer who
supervised it (条例 Art.61, CN-14). Patient returns: a second member of staff only (regulations §3.6).
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Select, Static

from pharmacy.domain.destruction import packages_of
from pharmacy.domain.errors import N_, DestructionDetailRequired, InvalidValue, RegisterError
from pharmacy.domain.movement import Book, MovementKind
from pharmacy.domain.profile import Profile
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Medicine
from pharmacy.reports.disposal import HeldLot
from pharmacy.services.commands import Credentials, DestroyCommand
from pharmacy.services.results import Recorded
from pharmacy.tui.screens.dialog import FormDialog
from pharmacy.tui.widgets.form import Field, clear_errors

METHOD = N_("the method of destruction (e.g. denaturing kit)")
PLACE = N_("the place of destruction")
# Which field a rule pack's refusal points at (the rule's table id).
RULE_FIELD = {"CN-14": "supervisor", "UK-8": "authorised_witness"}


def steps_of(text: str, medicine: Medicine) -> int | None:
    """Base units as typed → whole steps of the medicine's unit, or None if it is not a positive exact amount."""
    try:
        steps = Decimal(text.strip()) * medicine.scale
    except InvalidOperation:
        return None
    return int(steps) if steps > 0 and steps == steps.to_integral_value() else None


class DestroyScreen(FormDialog):
    def __init__(self, held: HeldLot, profile: Profile) -> None:
        super().__init__()
        self.held, self.profile = held, profile
        self.witness: Credentials | None = None

    @property
    def book(self) -> Book:
        return Book(str(self.query_one("#book", Select).value))

    def title_text(self) -> str:
        med = self.held.medicine
        return self.t("Destroy {medicine} {strength}, batch {batch}").format(
            medicine=self.medicine_name(med), strength=med.strength, batch=self.held.batch
        )

    def body(self) -> ComposeResult:
        t, held = self.t, self.held
        books = [(t("stock"), Book.STOCK.value)] if held.stock else []
        books += [(t("patient returns"), Book.RETURNS.value)] if held.returns else []
        first = Book.RETURNS.value if held.returns and not (held.expired or held.quarantine) else books[0][1]
        yield Label(t("What is destroyed"))
        yield Select(books, value=first, allow_blank=False, id="book")
        with Horizontal(classes="row"):
            yield Field(t("Quantity ({unit})").format(unit=self.unit(held.medicine)), "quantity")
            yield Field(t("Method"), "method", placeholder=t("e.g. denaturing kit"))
            yield Field(t("Place"), "place", placeholder=t("e.g. dispensary"))
        with Horizontal(classes="row", id="authorised"):
            yield Field(t("Authorised witness (name)"), "authorised_witness")
            yield Field(t("Authorisation ref. (CDAO letter, licence)"), "authorised_witness_ref")
        with Horizontal(classes="row", id="supervision"):
            yield Field(t("Supervising officer"), "supervisor")
            yield Field(t("Agency (药品监督管理部门 / 卫生主管部门)"), "supervisor_agency")
        yield Static("", id="form41", classes="form41")
        yield Static("", id="law", classes="note")

    def on_mount(self) -> None:
        super().on_mount()
        self._book_changed()

    @on(Select.Changed, "#book")
    def _book_changed(self) -> None:
        held, book = self.held, self.book
        amount = held.returns if book is Book.RETURNS else held.stock
        self.query_one("#quantity", Input).value = format_quantity(amount, held.medicine.unit)
        stock = book is Book.STOCK
        self.query_one("#authorised").display = stock and self.profile is Profile.UK
        self.query_one("#supervision").display = stock and self.profile.jurisdiction == "cn"
        self.query_one("#form41").display = self.profile is Profile.US
        self.query_one("#law", Static).update(self.t(self._law(stock)))
        self._form41()

    def _law(self, stock: bool) -> str:
        if not stock:
            return N_("Patient returns: destroyed before a second member of staff; no authorised witness is needed.")
        if self.profile is Profile.UK:
            return N_("MDR 2001 reg 27: Schedule 2 stock is destroyed only before an authorised witness, who signs.")
        if self.profile is Profile.US:
            return N_("21 CFR 1317.95: two employees witness the destruction (DEA Form 41); both give their PIN.")
        return N_("条例 Art.61: stock is destroyed under the supervision of the regulator, within 5 days of applying.")

    @on(Input.Changed, "#quantity")
    def _form41(self) -> None:
        """DEA Form 41: package size, full packages, the partial package and the total destroyed."""
        if self.profile is not Profile.US:
            return
        med = self.held.medicine
        steps = steps_of(self.query_one("#quantity", Input).value, med) or 0
        full, partial = packages_of(steps, med.pack_size * med.scale)
        self.query_one("#form41", Static).update(
            self.t("Form 41: package of {size} {unit} · {full} full package(s) · partial {partial} · total {total}")
            .format(size=med.pack_size, unit=self.unit(med), full=full, total=format_quantity(steps, med.unit),
                    partial=format_quantity(partial, med.unit))
        )  # fmt: skip

    def action_submit(self) -> None:
        """Refuse what the form can already tell is wrong before asking anyone for a PIN."""
        clear_errors(self)
        self.set_status("")
        try:
            self._command()
        except RegisterError as exc:
            self.show_refusal(exc)
            return
        self.ask_second_person(MovementKind.DESTRUCTION, self._witnessed, what=self.t("destruction"))

    def _witnessed(self, witness: Credentials) -> None:
        self.witness = witness
        if self.profile is Profile.US:  # US-13: two employees witness every on-site destruction (21 CFR 1317.95)
            what = self.t("the second witness (DEA Form 41)")
            self.ask_second_person(
                MovementKind.DESTRUCTION, self._send_destroy, what=what, excluding=(witness.username,)
            )
            return
        self._send_destroy(None)

    def _send_destroy(self, second: Credentials | None) -> None:
        command = self._command(second)
        self.send(lambda: self.counter.destroy(self.actor, command))

    def _command(self, second: Credentials | None = None) -> DestroyCommand:
        for field_id, detail in (("method", METHOD), ("place", PLACE)):
            if not self.value(field_id):
                raise DestructionDetailRequired(detail=detail)
        if steps_of(self.value("quantity"), self.held.medicine) is None:
            raise InvalidValue(field="quantity", problem=N_("give a quantity greater than 0"))
        return DestroyCommand(
            id=uuid.uuid4(),
            medicine=self.held.medicine.code,
            batch=self.held.batch,
            quantity=self.value("quantity"),
            witness=self.witness,
            book=self.book,
            method=self.value("method"),
            place=self.value("place"),
            second_witness=second,
            authorised_witness=self.value("authorised_witness") or None,
            authorised_witness_ref=self.value("authorised_witness_ref") or None,
            supervisor=self.value("supervisor") or None,
            supervisor_agency=self.value("supervisor_agency") or None,
        )

    def field_of(self, error: RegisterError) -> str | None:
        if isinstance(error, DestructionDetailRequired):
            return "method" if error.params.get("detail") == METHOD else "place"
        return RULE_FIELD.get(str(error.params.get("table_id", "")))

    def done(self, result: Any) -> str:
        assert isinstance(result, Recorded)
        med = self.held.medicine
        if self.book is Book.RETURNS:
            said = N_("Destroyed: No. {seq}. Patient returns of {medicine} batch {batch} left: {balance} {unit}.")
        else:
            said = N_("Destroyed: No. {seq}. {medicine} batch {batch} now holds {balance} {unit}.")
        return self.t(said).format(
            seq=result.seq,
            medicine=self.medicine_name(med),
            batch=self.held.batch,
            balance=format_quantity(result.lot_balance_after, med.unit),
            unit=self.unit(med),
        )
