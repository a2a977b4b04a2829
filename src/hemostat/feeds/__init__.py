"""Vulnerability intelligence in: one reader per feed (KEV, EPSS, OSV, NVD, CSAF), one protocol,
auto-detection. Stage package: imports only ``hemostat.domain`` and ``hemostat.errors``."""

from hemostat.feeds.base import FeedLimits, FeedReader, detect_feed, read_feed, readers, register

__all__ = ["FeedLimits", "FeedReader", "detect_feed", "read_feed", "readers", "register"]
