"""Rendering helpers shared by the command modules."""

from __future__ import annotations

import dataclasses
import os
import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console


def _width() -> int | None:
    # Rich falls back to 80 columns when stdout is not a terminal, which cuts table cells
    # (purls, CPEs) with "…" in files and pipes; 160 keeps them whole. COLUMNS still wins.
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return None
    return 160


console = Console(width=_width())
err_console = Console(stderr=True, soft_wrap=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def _default(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    if isinstance(obj, date | datetime):
        return obj.isoformat()
    if isinstance(obj, bytes):
        return obj.decode("utf-8", "replace")
    raise TypeError(type(obj).__name__)


def to_json(data: Any) -> bytes:
    return (
        orjson.dumps(data, default=_default, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        + b"\n"
    )


def emit_json(data: Any) -> None:
    sys.stdout.buffer.write(to_json(data))
    sys.stdout.flush()


def write_output(data: bytes, output: Path | None) -> None:
    """Bytes to a file (saying so on stderr) or, without --output, to stdout."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    output.write_bytes(data)
    err_console.print(f"wrote {output} ({len(data)} bytes)")
