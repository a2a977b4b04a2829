"""The threat-model summary (FDA premarket D1a): Markdown and self-contained HTML via Jinja2.

The facts come from ``threat_context.build``; the templates in ``report/templates`` only lay them
out. Markdown output escapes every value through the environment's ``finalize`` hook, HTML output
uses Jinja2 autoescaping; the inline SVG is the one trusted fragment (``threat_svg`` escapes its
own text).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from hemostat.domain.threat import ThreatAnalysis
from hemostat.report import threat_context
from hemostat.report.threat_common import canonical
from hemostat.report.threat_svg import svg_document
from hemostat.report.threat_views import view_spec

# intraword underscores never start emphasis (CommonMark), so ids like stores_phi stay readable
_MD_SPECIAL = re.compile(r"([\\`*\[\]|#]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def md_escape(value: Any) -> str:
    """Escape a value for inline Markdown: no markup, no raw HTML, no table breaks, one line."""
    text = _XML_INVALID.sub("", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(_MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text).split())


def md_env() -> Environment:
    return _env(True)


def html_env() -> Environment:
    return _env(False)


@lru_cache(maxsize=2)
def _env(markdown: bool) -> Environment:
    common: dict[str, Any] = {
        "loader": PackageLoader("hemostat.report", "templates"),
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if markdown:
        return Environment(autoescape=False, finalize=md_escape, **common)
    return Environment(
        autoescape=select_autoescape(default=True, default_for_string=True), **common
    )


def render_markdown(analysis: ThreatAnalysis) -> bytes:
    context = threat_context.build(analysis)
    return md_env().get_template("threat_summary.md.j2").render(context).encode("utf-8")


def render_html(analysis: ThreatAnalysis) -> bytes:
    analysis = canonical(analysis)
    context = threat_context.build(analysis)
    svg = svg_document(analysis, view_spec("global_system", analysis.model))
    context["global_svg"] = Markup(svg)
    html = html_env().get_template("threat_summary.html.j2").render(context)
    return html.encode("utf-8")
