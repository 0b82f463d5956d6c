"""Jurisdiction rule packs: pure functions over domain values, their parameters kept as data."""
