"""Pure renderers: domain in, bytes out (SBOM exports today; VEX/CSAF/FDA documents later)."""

from hemostat.report.registry import Exporter, exporter, formats, register, render

__all__ = ["Exporter", "exporter", "formats", "register", "render"]
