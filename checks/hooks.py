"""hooks checks (being written)."""
