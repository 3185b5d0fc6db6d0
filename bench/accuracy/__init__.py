"""Accuracy on real pages: ``make accuracy`` (``python -m bench.accuracy``).

Scans every page of the development corpus (``../shared/corpus``) at its
original URL, and every whole-site mirror from its home page, inside a network
namespace where only loopback exists, then scores what the checks found
against the hand labels: precision and recall per signal, newest-post dates,
and every miss with the evidence the scan recorded.

Modules: :mod:`.corpus` (reading the labels and mapping URLs to files),
:mod:`.netns` (the namespace: hosts file, throw-away CA), :mod:`.server` (the
host-routing HTTP/HTTPS server), :mod:`.signals` (what a scan document says
about each labelled signal) and :mod:`.score` (comparing the two).
"""
