"""Hemostat: medical device cybersecurity across the product lifecycle."""

__version__ = "0.1.0"
