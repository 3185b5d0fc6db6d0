"""Crawl benchmark: a generated 1,000-page site, a fast local server, and three crawlers.

See bench/README.md. Run from the repository root with ``python bench/run.py``.
"""
