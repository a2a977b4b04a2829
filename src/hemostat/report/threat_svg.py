"""SVG diagrams of a threat model: the data flow diagram and the four FDA architecture views.

Pure Python string building over ``threat_layout``; every text and attribute goes through
``esc`` (XML-escaped, XML-invalid characters dropped), so names from a model cannot inject markup.
"""

from __future__ import annotations

import textwrap

from hemostat.domain.threat import DataFlow, ElementKind, Interface, ThreatAnalysis
from hemostat.report import threat_shapes as shapes
from hemostat.report.threat_common import canonical, is_insecure, threat_counts
from hemostat.report.threat_layout import CHIP_H, HEAD, NODE_H, Layout, Rect, layout
from hemostat.report.threat_shapes import ACCENT, INSECURE, SECURE, esc, num, tag
from hemostat.report.threat_views import ViewSpec, view_spec

FONT = "Helvetica, Arial, sans-serif"
LABEL_FONT, CHAR_W, LINE_H, INK = 10.5, 5.9, 13.0, "#1e293b"
_BOUNDARY_FILL = ("#f8fafc", "#eef2f7", "#e5eaf2", "#dde3ec")


def render_view(
    view: str, analysis: ThreatAnalysis, selection: frozenset[str] | None = None
) -> bytes:
    """Render one view as a standalone SVG document (UTF-8 bytes)."""
    analysis = canonical(analysis)
    spec = view_spec(view, analysis.model, selection)
    return svg_document(analysis, spec).encode("utf-8")


def flow_label(flow: DataFlow) -> tuple[str, ...]:
    text = f"{flow.protocol}: {', '.join(flow.data)}" if flow.protocol else ", ".join(flow.data)
    lines = textwrap.wrap(text or flow.id, 30, break_on_hyphens=False) or [flow.id]
    if len(lines) > 3:
        lines = [*lines[:2], lines[2][:28] + "…"]
    return tuple(lines)


def _label_size(lines: tuple[str, ...], badge: bool) -> tuple[float, float]:
    width = max(len(line) for line in lines) * CHAR_W + 12 + (26 if badge else 0)
    return round(width, 1), len(lines) * LINE_H + 6


def svg_document(analysis: ThreatAnalysis, spec: ViewSpec) -> str:
    model = analysis.model
    labels = {f.id: flow_label(f) for f in model.flows}
    counts = threat_counts(analysis) if spec.badges else {}
    sizes = {fid: _label_size(lines, fid in counts) for fid, lines in labels.items()}
    geo = layout(model, sizes)
    header = _header(analysis, spec, geo.width)
    head_h = 62 + 16 * len(header[1])
    legend_y = head_h + geo.height + 18
    width, height = max(geo.width, 760.0), legend_y + 64
    body = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(width)}" height="{num(height)}" '
        f'viewBox="0 0 {num(width)} {num(height)}" font-family="{FONT}" role="img" '
        f'aria-labelledby="title">',
        tag("title", f"{esc(spec.title)} — {esc(model.name)}", id="title"),
        shapes.DEFS,
        tag("rect", width=width, height=height, fill="#ffffff"),
        *header[0],
        f'<g transform="translate(0,{num(head_h)})">',
        *_clusters(analysis, geo),
        *_edges(analysis, spec, geo, labels, counts),
        *_nodes(analysis, spec, geo, counts),
        "</g>",
        *shapes.legend(legend_y, spec.badges, spec.focus_flows is not None),
        "</svg>",
    ]
    return "\n".join(body) + "\n"


def _header(analysis: ThreatAnalysis, spec: ViewSpec, width: float) -> tuple[list[str], list[str]]:
    m = analysis.model
    wrap = max(60, int((width - 48) / 6.4))
    lines = [line for c in spec.caption for line in textwrap.wrap(c, wrap)]
    system = f"{m.name} · model {m.version} · rules {analysis.rules_version}"
    out = [
        tag("text", esc(spec.title), x="24", y="30", font_size="19", font_weight="700", fill=INK),
        tag("text", esc(system), x="24", y="48", font_size="12", fill="#475569"),
    ]
    out += [
        tag("text", esc(line), x="24", y=68.0 + 16 * i, font_size="11.5", fill="#334155")
        for i, line in enumerate(lines)
    ]
    return out, lines


def _clusters(analysis: ThreatAnalysis, geo: Layout) -> list[str]:
    names = {b.id: (b.name, b.kind) for b in analysis.model.boundaries}
    out = []
    for c in geo.clusters:
        r, (name, kind) = c.rect, names[c.id]
        fill = _BOUNDARY_FILL[min(c.depth - 1, len(_BOUNDARY_FILL) - 1)]
        box = tag(
            "rect", x=r.x, y=r.y, width=r.w, height=r.h, rx="12", fill=fill, stroke="#b91c1c",
            stroke_width=1.3, stroke_dasharray="7 4",
        )  # fmt: skip
        kind_text = tag("tspan", esc(f" · {kind}"), font_weight="400", fill="#9f5f5f")
        title = tag(
            "text", esc(name) + kind_text, x=r.x + 10, y=r.y + HEAD - 8, font_size="11.5",
            font_weight="700", fill="#7f1d1d", **{"xml:space": "preserve"},
        )  # fmt: skip
        out.append(tag("g", box + title, class_="boundary", data_id=c.id))
    return out


def _edges(
    analysis: ThreatAnalysis,
    spec: ViewSpec,
    geo: Layout,
    labels: dict[str, tuple[str, ...]],
    counts: dict[str, tuple[int, int]],
) -> list[str]:
    flows = {f.id: f for f in analysis.model.flows}
    out: list[str] = []
    for e in geo.edges:
        f = flows[e.flow]
        focus = spec.focus_flows is None or f.id in spec.focus_flows
        bad = is_insecure(f)
        colour, marker = (INSECURE, "url(#arrow-in)") if bad else (SECURE, "url(#arrow-ok)")
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = e.points
        d = f"M{num(x0)},{num(y0)} C{num(x1)},{num(y1)} {num(x2)},{num(y2)} {num(x3)},{num(y3)}"
        title = f"{f.id}: {f.source} → {f.target}; auth {f.authentication}; enc {f.encryption}"
        parts = [tag("title", esc(title))]
        if focus and spec.focus_flows is not None:
            parts.append(
                tag(
                    "path", d=d, fill="none", stroke=ACCENT, stroke_width=9.0, stroke_opacity="0.35"
                )
            )
        line: dict[str, str | float] = {
            "d": d,
            "fill": "none",
            "stroke": colour,
            "stroke_width": 1.6,
        }
        if bad:
            line["stroke_dasharray"] = "6 3"
        line["marker_end"] = marker
        if f.bidirectional:
            line["marker_start"] = marker
        parts.append(tag("path", **line))
        parts += _label(e.label, labels[f.id], colour, counts.get(f.id))
        dim: dict[str, str | float] = {} if focus else {"opacity": "0.22"}
        out.append(tag("g", "".join(parts), class_="flow", data_id=f.id, **dim))
    return out


def _label(
    r: Rect, lines: tuple[str, ...], colour: str, count: tuple[int, int] | None
) -> list[str]:
    out = [
        tag(
            "rect",
            x=r.x,
            y=r.y,
            width=r.w,
            height=r.h,
            rx="4",
            fill="#ffffff",
            fill_opacity="0.94",
            stroke=colour,
            stroke_width=0.6,
        )
    ]
    out += [
        tag("text", esc(t), x=r.x + 6, y=r.y + 13 + i * LINE_H, font_size=LABEL_FONT, fill=INK)
        for i, t in enumerate(lines)
    ]
    if count is not None:
        out.append(shapes.badge(r.x + r.w - 14, r.y + r.h / 2, *count))
    return out


def _nodes(
    analysis: ThreatAnalysis, spec: ViewSpec, geo: Layout, counts: dict[str, tuple[int, int]]
) -> list[str]:
    by_element: dict[str, list[Interface]] = {}
    for i in analysis.model.interfaces:
        by_element.setdefault(i.element, []).append(i)
    out: list[str] = []
    for e in analysis.model.elements:
        r = geo.nodes[e.id]
        focus = spec.focus_elements is None or e.id in spec.focus_elements
        parts = [tag("title", esc(f"{e.id} ({e.kind.value})"))]
        if focus and spec.focus_elements is not None:
            parts.append(
                tag(
                    "rect",
                    x=r.x - 6,
                    y=r.y - 6,
                    width=r.w + 12,
                    height=r.h + 12,
                    rx="14",
                    fill=ACCENT,
                    fill_opacity="0.18",
                    stroke=ACCENT,
                    stroke_width=1.5,
                )
            )
        parts += shapes.element(ElementKind(e.kind), r, e.name)
        if spec.chips:
            parts += shapes.chips(r, by_element.get(e.id, []))
        if e.id in spec.notes:
            y = r.y + NODE_H + (CHIP_H if spec.chips else 4) + 8
            parts.append(
                tag(
                    "text",
                    esc(spec.notes[e.id]),
                    x=r.x + r.w / 2,
                    y=y,
                    font_size="10",
                    font_style="italic",
                    text_anchor="middle",
                    fill="#c2410c",
                )
            )
        if e.id in counts:
            parts.append(shapes.badge(r.x + r.w - 4, r.y + 2, *counts[e.id]))
        dim: dict[str, str | float] = {} if focus else {"opacity": "0.25"}
        out.append(tag("g", "".join(parts), class_="element", data_id=e.id, **dim))
    return out
