"""Typed register errors: each carries a stable code and a translatable message telling the user what to do.

Messages are English msgids with {placeholders}; the edges (CLI, TUI) translate the template, then format it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar


class Text(str):
    """A message id passed as a parameter: translated, then formatted with the other parameters, when shown."""

    __slots__ = ()


def N_(message: str) -> Text:
    """Mark a string for translation extraction without translating it here."""
    return Text(message)


def _identity(message: str) -> str:
    return message


class _Keep(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_message(template: str, params: dict[str, object], translate: Callable[[str], str] = _identity) -> str:
    """Translate the template and every Text parameter; Text parameters may use the plain ones."""
    plain = _Keep({k: v for k, v in params.items() if not isinstance(v, Text)})
    words = {k: translate(v) for k, v in params.items() if isinstance(v, Text)}
    plain.update({k: v.format_map(_Keep({**plain, **words})) for k, v in words.items()})
    return translate(template).format_map(plain)


class RegisterError(Exception):
    """A refused command: nothing was changed. `code` is stable for scripts; `render` is for people."""

    code: ClassVar[str] = "error"
    template: ClassVar[str] = N_("The command was refused.")

    def __init__(self, **params: object) -> None:
        self.params = params
        super().__init__(self.render())

    def render(self, translate: Callable[[str], str] = _identity) -> str:
        return render_message(self.template, self.params, translate)


class NotFound(RegisterError):
    code = "not_found"
    template = N_("Nothing is recorded under “{key}”.")


class UnknownMedicine(NotFound):
    code = "unknown_medicine"
    template = N_("No medicine “{key}” in the catalogue. Check the code or scan the pack again.")


class UnknownLot(NotFound):
    code = "unknown_lot"
    template = N_("No batch “{key}” of {medicine} is recorded. Check the batch number on the pack.")


class UnknownUser(NotFound):
    code = "unknown_user"
    template = N_("No user “{key}”. Check the username.")


class UnknownSupplier(NotFound):
    code = "unknown_supplier"
    template = N_("No supplier “{key}”. Add the supplier first or check its code.")


class UnknownPrescriber(NotFound):
    code = "unknown_prescriber"
    template = N_("No prescriber “{key}”. Add the prescriber first or check the code.")


class UnknownPatient(NotFound):
    code = "unknown_patient"
    template = N_("No patient “{key}”. Add the patient first or check the code.")


class UnknownPrescription(NotFound):
    code = "unknown_prescription"
    template = N_("No prescription “{key}”. Record the prescription first or check its number.")


class UnknownMovement(NotFound):
    code = "unknown_movement"
    template = N_("No register entry “{key}”. Give the entry's sequence number or id.")


class UnknownPharmacy(NotFound):
    code = "unknown_pharmacy"
    template = N_("No pharmacy “{key}” in this database. Run `pharmacy init` or name the right one.")


class AmbiguousPrescription(RegisterError):
    code = "ambiguous_prescription"
    template = N_("{count} prescriptions carry the number “{key}”. Give the prescription's id instead.")


class InvalidQuantity(RegisterError):
    code = "invalid_quantity"
    template = N_("“{text}” is not a quantity. Type a number such as 10 or 2.5.")


class QuantityNotPositive(RegisterError):
    code = "quantity_not_positive"
    template = N_("The quantity must be more than zero; “{text}” was given.")


class QuantityZero(RegisterError):
    code = "quantity_zero"
    template = N_("An adjustment of zero changes nothing; give the difference found, e.g. -2 or 3.")


class QuantityOffStep(RegisterError):
    code = "quantity_off_step"
    template = N_("{medicine} is recorded in steps of {step} {unit}; {text} is not a multiple of it.")


class QuantityTooLarge(RegisterError):
    code = "quantity_too_large"
    template = N_("{text} {unit} is more than one entry may record ({limit} {unit}). Check for a typo.")


class InsufficientStock(RegisterError):
    code = "insufficient_stock"
    template = N_("Batch {batch} of {medicine} holds {available} {unit}; {requested} {unit} cannot be taken from it.")


class ExceedsPrescription(RegisterError):
    code = "exceeds_prescription"
    template = N_("Prescription {number} leaves {remaining} {unit} to supply; {requested} {unit} is more than that.")


class PrescriptionMedicineMismatch(RegisterError):
    code = "prescription_medicine_mismatch"
    template = N_("Prescription {number} is for {prescribed}, not {medicine}. Scan the prescribed medicine.")


class LotExpired(RegisterError):
    code = "lot_expired"
    template = N_("Batch {batch} expired on {expiry}. It cannot be dispensed or received; quarantine it.")


class LotExpiryMismatch(RegisterError):
    code = "lot_expiry_mismatch"
    template = N_("Batch {batch} is recorded with expiry {recorded}, not {given}. Check the pack.")


class OccurredInFuture(RegisterError):
    code = "occurred_in_future"
    template = N_("The time {occurred_at} is in the future. Enter when it actually happened.")


class PeriodClosed(RegisterError):
    code = "period_closed"
    template = N_(
        "{month} is closed and signed; nothing can be dated inside it. "
        "Record it today with a note referring to {month}."
    )


class OutsideLateEntryWindow(RegisterError):
    code = "outside_late_entry_window"
    template = N_(
        "{occurred_at} is more than {days} day(s) ago, beyond this pharmacy's late-entry window. "
        "Record it today with a note saying when it happened."
    )


class ImportOutOfOrder(RegisterError):
    code = "import_out_of_order"
    template = N_(
        "Imported history must move forward: {occurred_at} is before the latest entry ({latest}). "
        "Sort the history by date."
    )


class IdempotencyConflict(RegisterError):
    code = "idempotency_conflict"
    template = N_("The id {id} was already used for a different command. Generate a new id for a new command.")


class AuthenticationFailed(RegisterError):
    code = "authentication_failed"
    template = N_("Wrong username or PIN for “{username}”. {attempts_left} attempt(s) left before the account locks.")


class UserLocked(RegisterError):
    code = "user_locked"
    template = N_("The account “{username}” is locked after too many wrong PINs. Ask an administrator to unlock it.")


class UserInactive(RegisterError):
    code = "user_inactive"
    template = N_("The account “{username}” is disabled. Ask an administrator.")


class RoleNotPermitted(RegisterError):
    code = "role_not_permitted"
    template = N_("A {role} may not {action}. Ask a pharmacist.")


class SecondPersonRequired(RegisterError):
    code = "second_person_required"
    template = N_("A {kind} must be checked by a second person. Give the checker's username and PIN.")


class SecondPersonIsActor(RegisterError):
    code = "second_person_is_actor"
    template = N_("The checker must be a different person from {username}, who entered it.")


class ReasonRequired(RegisterError):
    code = "reason_required"
    template = N_("A {kind} needs a reason. Say why, e.g. “count error” or “wrong batch entered”.")


class DocumentRequired(RegisterError):
    code = "document_required"
    template = N_("A {kind} needs its document number (invoice, delivery note or order form).")


class AlreadyReversed(RegisterError):
    code = "already_reversed"
    template = N_("Entry {seq} was already reversed by entry {by_seq}.")


class CannotReverseCorrection(RegisterError):
    code = "cannot_reverse_correction"
    template = N_("Entry {seq} is itself a correction. Record a new entry for the right quantity instead.")


class AlreadyExists(RegisterError):
    code = "already_exists"
    template = N_("{what} “{key}” already exists with different details. Use another code or the existing one.")


class InvalidValue(RegisterError):
    code = "invalid_value"
    template = N_("{field}: {problem}")


class MonthNotOver(RegisterError):
    code = "month_not_over"
    template = N_("{month} has not ended yet; it can be closed from the first day of the next month.")


class MonthAlreadyClosed(RegisterError):
    code = "month_already_closed"
    template = N_(
        "{month} is already closed. A closed month cannot be reopened; record late findings in the "
        "open month with a reference to {month}."
    )


class RuleBlocked(RegisterError):
    """A rule pack refused the command (a BLOCK finding); the rule says why, with the numbers involved."""

    code = "rule_blocked"
    template = N_("{rule}: {message}")


class OverrideRequired(RegisterError):
    """A WARN finding: the pharmacist may go on only with an override reason and a second person's check."""

    code = "override_required"
    template = N_("{rule}: {message}. To go ahead, give an override reason and a second person's check.")


class UnknownCount(NotFound):
    code = "unknown_count"
    template = N_("No stock count “{key}”. Start a count first, or pick one from the list of counts.")


class CountNegative(RegisterError):
    code = "count_negative"
    template = N_("A count cannot be negative (“{text}”). Type what is on the shelf; 0 if the batch is gone.")


class LotOutsideCount(RegisterError):
    code = "lot_outside_count"
    template = N_("{medicine} batch {batch} is not part of this count ({scope}). Start a count that includes it.")


class AlreadyCounted(RegisterError):
    code = "already_counted"
    template = N_(
        "{medicine} batch {batch} was already counted in this count ({counted} {unit}). Start a new count to "
        "count it again."
    )


class VarianceReasonRequired(RegisterError):
    code = "variance_reason_required"
    template = N_(
        "The shelf differs from the book by {variance} {unit} ({counted} counted, {book} in the book). "
        "Choose a reason: {reasons}."
    )


class ReasonDoesNotFit(RegisterError):
    code = "reason_does_not_fit"
    template = N_("“{reason}” cannot explain a variance of {variance} {unit}. Choose another reason.")


class NotALiquid(RegisterError):
    code = "not_a_liquid"
    template = N_("“{reason}” applies to liquids measured by volume; {medicine} is counted in {unit}.")


class ToleranceExceeded(RegisterError):
    code = "tolerance_exceeded"
    template = N_(
        "A variance of {variance} {unit} is beyond the {tolerance}% tolerance for {medicine} (book {book} {unit}). "
        "Choose suspected loss or unexplained, and investigate."
    )


class InventoryNotInProfile(RegisterError):
    code = "inventory_not_in_profile"
    template = N_(
        "Initial and biennial inventories are DEA inventories (21 CFR 1304.11); this pharmacy is not on the US "
        "profile. Start a routine count."
    )


class TakenAtRequired(RegisterError):
    code = "taken_at_required"
    template = N_(
        "A DEA inventory states whether it was taken at the opening or the close of business "
        "(21 CFR 1304.11(a)). Give opening or close."
    )


class LotQuarantined(RegisterError):
    code = "lot_quarantined"
    template = N_(
        "Batch {batch} of {medicine} is quarantined ({reason}) since {since}, awaiting destruction; it cannot be "
        "dispensed. Choose another batch."
    )


class NothingToHold(RegisterError):
    code = "nothing_to_hold"
    template = N_("Batch {batch} of {medicine} holds nothing in stock; there is nothing to quarantine.")


class AlreadyQuarantined(RegisterError):
    code = "already_quarantined"
    template = N_("Batch {batch} of {medicine} is already quarantined since {since}.")


class DestructionDetailRequired(RegisterError):
    code = "destruction_detail_required"
    template = N_("A destruction records {detail}. Give it before recording the destruction.")


class WitnessesMustDiffer(RegisterError):
    code = "witnesses_must_differ"
    template = N_("The witnesses must be different people; {username} was given twice.")


class UnexplainedNotAcknowledged(RegisterError):
    code = "unexplained_not_acknowledged"
    template = N_(
        "{month} has {count} unexplained variance(s). Investigate them, or sign acknowledging them in words: "
        "what was found, what was done and who was told."
    )


class NotALoss(RegisterError):
    code = "not_a_loss"
    template = N_("Entry {key} is not a loss or theft; reporting duties belong to losses.")


class DutyNotInProfile(RegisterError):
    code = "duty_not_in_profile"
    template = N_("“{duty}” is not a reporting duty for this pharmacy. Its duties are: {duties}.")


class DutyAlreadyRecorded(RegisterError):
    code = "duty_already_recorded"
    template = N_("“{duty}” for entry {key} was already recorded as done on {done_on}.")


class RefersToOpenMonth(RegisterError):
    code = "refers_to_open_month"
    template = N_("{month} is not closed; a finding that belongs to it is recorded in it, not referred to it.")


class ReopenNotPossible(RegisterError):
    code = "reopen_not_possible"
    template = N_(
        "A closed month cannot be reopened: its close sealed the register at entry {seq}. Record what you found "
        "now, in the open month, with a reference to {month} (a count with --refers-to {month}, or a correction)."
    )


class MonthNotClosed(RegisterError):
    code = "month_not_closed"
    template = N_("{month} is not closed, so there is nothing to reopen; entries can still be dated in it.")
