"""README's CLI reference must match the commands' own --help metadata."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hemostat.cli.main import app
from hemostat.cli.reference import markdown_reference

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"(<!-- cli-reference:start -->\n)(.*?)(<!-- cli-reference:end -->)", re.S)


def test_readme_cli_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    generated = markdown_reference(app)
    if os.environ.get("HEMOSTAT_UPDATE_SNAPSHOTS") == "1":
        README.write_text(BLOCK.sub(lambda m: m[1] + generated + m[3], text), encoding="utf-8")
        text = README.read_text(encoding="utf-8")
    match = BLOCK.search(text)
    assert match is not None, "README lost its cli-reference markers"
    assert match[2] == generated, (
        "run HEMOSTAT_UPDATE_SNAPSHOTS=1 pytest tests/integration/test_cli_reference.py"
    )


def test_reference_covers_every_command() -> None:
    ref = markdown_reference(app)
    for cmd in (
        "product add",
        "product list",
        "release add",
        "release list",
        "sbom import",
        "sbom check",
        "sbom show",
        "sbom diff",
        "sbom export",
        "sbom enrich",
        "db upgrade",
        "demo",
    ):
        assert f"`hemostat {cmd}" in ref
