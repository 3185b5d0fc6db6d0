"""Scores from check results: weighted means under a named profile, with grades. No I/O but reading profiles."""

from .model import MODEL_VERSION, Profile, Scorecard, load_profile, profile_names, score, shown, shown_or

__all__ = ["MODEL_VERSION", "Profile", "Scorecard", "load_profile", "profile_names", "score", "shown", "shown_or"]
