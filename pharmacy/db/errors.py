"""Errors of the database itself, told to the pharmacist with what to do about them."""

from __future__ import annotations

from pharmacy.domain.errors import N_, RegisterError


class DatabaseNotWritable(RegisterError):
    code = "database_not_writable"
    template = N_("The register file {path} cannot be written. Check the folder exists and you may write to it.")


class DatabaseUnreachable(RegisterError):
    code = "database_unreachable"
    template = N_("Cannot reach the database at {url}: {reason}. Check the address, the server and the password.")


class SchemaNewer(RegisterError):
    code = "schema_newer"
    template = N_(
        "This database was upgraded by a newer pharmacy (schema {revision}). Install that version; "
        "this one must not write to it."
    )


class SchemaOutdated(RegisterError):
    code = "schema_outdated"
    template = N_("This database's schema is at {revision}, older than this program. Run `pharmacy db upgrade`.")


class SchemaMissing(RegisterError):
    code = "schema_missing"
    template = N_("This database has no register yet. Run `pharmacy init` (or `pharmacy db upgrade`).")
