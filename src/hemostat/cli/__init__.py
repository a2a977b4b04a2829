"""Typer adapter: parses arguments, calls services, renders with Rich."""
