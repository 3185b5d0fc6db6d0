"""Turning crawls and stored scans into documents people read."""
