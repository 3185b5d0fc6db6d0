"""trust checks (being written)."""
