"""active checks (being written)."""
