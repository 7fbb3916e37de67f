"""Use cases: the only door to the store's data. Each checks the role and writes the audit."""
