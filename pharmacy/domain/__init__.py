"""Pure domain of the register: values, movements, the ledger fold, the hash chain and typed errors (stdlib only)."""
