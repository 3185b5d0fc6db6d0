"""responsive checks (being written)."""
