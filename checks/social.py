"""social checks (being written)."""
