"""pharmacy — the controlled-medicine register: an append-only, tamper-evident ledger of controlled medicines."""

__version__ = "0.1.0"
