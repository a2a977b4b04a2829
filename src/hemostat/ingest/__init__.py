"""Files in, ``domain.Sbom`` out. ``read(data, source=...)`` is the stage's whole interface."""

from hemostat.ingest.reader import Limits, detect_format, read, read_path

__all__ = ["Limits", "detect_format", "read", "read_path"]
