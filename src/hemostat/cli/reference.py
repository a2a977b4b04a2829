"""README.md's CLI reference, generated from the Typer command tree (a test keeps it in sync)."""

from __future__ import annotations

from typing import Any

import typer


def markdown_reference(app: typer.Typer) -> str:
    root = typer.main.get_command(app)
    lines: list[str] = []
    _walk(root, ["hemostat"], lines)
    return "\n".join(lines).rstrip() + "\n"


def _walk(cmd: Any, path: list[str], lines: list[str]) -> None:
    subcommands: dict[str, Any] = getattr(cmd, "commands", {})
    if subcommands:
        for name in sorted(subcommands):
            _walk(subcommands[name], [*path, name], lines)
        return
    arguments = [p for p in cmd.params if p.param_type_name == "argument"]
    args = " ".join(p.name.upper() if p.required else f"[{p.name.upper()}]" for p in arguments)
    lines.append(f"### `{' '.join(path)}{' ' + args if args else ''}`")
    lines.append("")
    lines.append((cmd.help or "").strip().split("\n\n")[0])
    lines.append("")
    opts = [p for p in cmd.params if p.param_type_name == "option" and not p.hidden]
    if arguments or opts:
        lines.append("| argument / option | meaning |")
        lines.append("|---|---|")
        for p in arguments:
            lines.append(f"| `{p.name.upper()}` | {(p.help or '').strip()} |")
        for p in opts:
            names = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
            default = (
                p.default
                if p.default not in (None, False) and not getattr(p, "is_flag", False)
                else None
            )
            extra = (
                f" (default: `{getattr(default, 'value', default)}`)" if default is not None else ""
            )
            lines.append(f"| {names} | {(p.help or '').strip()}{extra} |")
        lines.append("")
