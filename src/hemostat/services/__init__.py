"""Use cases: one keyword-only function per user intent; the unit of work owns the transaction."""
