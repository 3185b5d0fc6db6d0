"""commerce checks (being written)."""
