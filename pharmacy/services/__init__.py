"""Use cases, one verb per function: load, check rules, append, commit; return frozen results."""
