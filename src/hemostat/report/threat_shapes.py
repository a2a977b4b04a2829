"""SVG building blocks for threat-model diagrams: element shapes by kind, interface chips,
threat-count badges, arrow markers and the legend. Every text goes through ``esc``."""

from __future__ import annotations

import itertools
import re
import textwrap
from html import escape

from hemostat.domain.threat import ElementKind, Interface
from hemostat.report.threat_layout import NODE_H, Rect

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
K = ElementKind
SECURE, INSECURE, ACCENT = "#475569", "#dc2626", "#f97316"
# kind -> (fill, stroke, caption)
STYLE: dict[ElementKind, tuple[str, str, str]] = {
    K.DEVICE: ("#dbeafe", "#1d4ed8", "medical device"),
    K.SOFTWARE: ("#e0e7ff", "#4338ca", "software"),
    K.PERIPHERAL: ("#e0f2fe", "#0369a1", "peripheral"),
    K.MOBILE_APP: ("#ede9fe", "#6d28d9", "mobile app"),
    K.CLOUD_SERVICE: ("#ecfeff", "#0e7490", "cloud service"),
    K.HOSPITAL_SYSTEM: ("#fef3c7", "#b45309", "hospital system"),
    K.USER: ("#ffffff", "#334155", "user"),
    K.EXTERNAL_ENTITY: ("#f1f5f9", "#475569", "external entity"),
}
CHIP_TEXT = {
    "ble": "BLE", "wifi": "Wi-Fi", "ethernet": "Ethernet", "cellular": "Cellular", "usb": "USB",
    "serial": "Serial", "service_port": "Service port", "nfc": "NFC", "inductive": "Inductive",
    "removable_media": "Media", "display": "UI", "https_api": "HTTPS API", "other": "Other",
}  # fmt: skip
DEFS = (
    "<defs>"
    + "".join(
        f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse">'
        f'<path d="M0,1 L10,5 L0,9 z" fill="{colour}"/></marker>'
        for name, colour in (("ok", SECURE), ("in", INSECURE))
    )
    + "</defs>"
)


def esc(text: object) -> str:
    """XML text/attribute escaping that also drops characters XML 1.0 cannot carry."""
    return escape(_XML_INVALID.sub("", str(text)), quote=True)


def num(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def tag(name: str, content: str | None = None, /, **attrs: str | float) -> str:
    """One SVG element; attribute values are escaped, ``stroke_width`` is written stroke-width,
    ``class_`` is written class. ``content`` must already be markup (escape text with ``esc``)."""
    text = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{esc(v if isinstance(v, str) else num(v))}"'
        for k, v in attrs.items()
    )
    return f"<{name}{text}/>" if content is None else f"<{name}{text}>{content}</{name}>"


def element(kind: ElementKind, r: Rect, name: str) -> list[str]:
    fill, stroke, caption = STYLE[kind]
    x, y, w, h = r.x, r.y, r.w, r.h
    paint: dict[str, str | float] = {"fill": fill, "stroke": stroke, "stroke_width": 1.6}
    if kind == K.USER:
        return _user(r, stroke, name)
    if kind == K.CLOUD_SERVICE:
        shape = tag("path", d=_cloud(r), **paint)
    elif kind == K.HOSPITAL_SYSTEM:  # a database cylinder
        bottom = f"A{num(w / 2)},7 0 0 0 {num(x + w)},{num(y + h - 7)}"
        body = f"M{num(x)},{num(y + 7)} V{num(y + h - 7)} {bottom} V{num(y + 7)}"
        shape = tag("path", d=body, **paint) + tag(
            "ellipse", cx=x + w / 2, cy=y + 7, rx=w / 2, ry="7", **paint
        )
    else:
        rx = {K.DEVICE: 8, K.MOBILE_APP: 18, K.EXTERNAL_ENTITY: 0, K.PERIPHERAL: 3}.get(kind, 8)
        shape = tag("rect", x=x, y=y, width=w, height=h, rx=str(rx), **paint)
        if kind == K.DEVICE:  # a second frame: devices are what the submission is about
            shape += tag(
                "rect", x=x + 3, y=y + 3, width=w - 6, height=h - 6, rx="6", fill="none",
                stroke=stroke, stroke_width=0.6,
            )  # fmt: skip
    dy = 6.0 if kind in (K.CLOUD_SERVICE, K.HOSPITAL_SYSTEM) else 0.0
    return [shape, *_caption(x + w / 2, y + h / 2 + dy, name, caption, stroke)]


def _caption(cx: float, cy: float, name: str, caption: str, colour: str) -> list[str]:
    lines = _wrap(name, 19, 2)
    top = cy - 6 * len(lines) + 3
    out = [_bold(cx, top + 12 * i, line) for i, line in enumerate(lines)]
    out.append(
        tag(
            "text",
            esc(caption),
            x=cx,
            y=top + 12 * len(lines) + 1,
            font_size="9",
            text_anchor="middle",
            fill=colour,
        )
    )
    return out


def _bold(cx: float, y: float, line: str) -> str:
    return tag(
        "text", esc(line), x=cx, y=y, font_size="11.5", font_weight="700", text_anchor="middle",
        fill="#0f172a",
    )  # fmt: skip


def _wrap(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1][: width - 1] + "…"]
    return lines


def _user(r: Rect, stroke: str, name: str) -> list[str]:
    cx, y = r.x + r.w / 2, r.y
    limbs = (
        f"M{num(cx)},{num(y + 14.5)} V{num(y + 29)} M{num(cx - 10)},{num(y + 20)} H{num(cx + 10)} "
        f"M{num(cx)},{num(y + 29)} L{num(cx - 8)},{num(y + 40)} "
        f"M{num(cx)},{num(y + 29)} L{num(cx + 8)},{num(y + 40)}"
    )
    head = tag("circle", cx=cx, cy=y + 8, r="6.5", fill="#ffffff")
    figure = tag(
        "g", head + tag("path", d=limbs), fill="none", stroke=stroke, stroke_width=1.8,
        stroke_linecap="round",
    )  # fmt: skip
    return [figure] + [
        _bold(cx, y + 53 + 12 * i, line) for i, line in enumerate(_wrap(name, 24, 2))
    ]


def _cloud(r: Rect) -> str:
    x, y, w, h = r.x, r.y, r.w, r.h
    pts = [(0.16, 1.0), (0.07, 0.6), (0.3, 0.28), (0.66, 0.2), (0.93, 0.52), (0.84, 1.0)]
    d = [f"M{num(x + w * pts[0][0])},{num(y + h * pts[0][1])}"]
    for (px, py), (qx, qy) in itertools.pairwise(pts):
        radius = (((qx - px) * w) ** 2 + ((qy - py) * h) ** 2) ** 0.5 * 0.58
        d.append(f"A{num(radius)},{num(radius)} 0 0 1 {num(x + w * qx)},{num(y + h * qy)}")
    return " ".join(d) + " Z"


def chips(r: Rect, interfaces: list[Interface]) -> list[str]:
    """Interface inventory under an element: grey when not exposed, dashed when disabled."""
    out: list[str] = []
    x, y = r.x, r.y + NODE_H + 5
    for i in sorted(interfaces, key=lambda i: i.id):
        text = CHIP_TEXT.get(i.kind.value, i.kind.value)
        w = len(text) * 5.4 + 10
        if x + w > r.x + r.w + 20 and x > r.x:
            x, y = r.x, y + 15
        ink = "#b91c1c" if i.authentication == "none" else "#334155"
        tip = f"{i.id}: {i.kind.value}, auth {i.authentication}, enc {i.encryption}"
        extra: dict[str, str | float] = {}
        if not i.enabled_in_field:
            ink, tip, extra = (
                "#94a3b8",
                tip + ", disabled in the field",
                {"stroke_dasharray": "2 2"},
            )
        fill = "#ffffff" if i.exposed else "#e2e8f0"
        chip = tag(
            "rect", x=x, y=y, width=w, height="12", rx="6", fill=fill, stroke="#64748b",
            stroke_width=0.8, **extra,
        )  # fmt: skip
        label = tag(
            "text", esc(text), x=x + w / 2, y=y + 9, font_size="8.5", text_anchor="middle", fill=ink
        )
        out.append(
            tag("g", tag("title", esc(tip)) + chip + label, class_="interface", data_id=i.id)
        )
        x += w + 4
    return out


def badge(cx: float, cy: float, opened: int, total: int) -> str:
    text = f"{opened}/{total}"
    w = len(text) * 6 + 10
    pill = tag(
        "rect", x=cx - w / 2, y=cy - 8, width=float(w), height="16", rx="8",
        fill="#dc2626" if opened else "#16a34a", stroke="#ffffff", stroke_width=1.2,
    )  # fmt: skip
    label = tag(
        "text", esc(text), x=cx, y=cy + 3.5, font_size="9.5", font_weight="700",
        text_anchor="middle", fill="#ffffff",
    )  # fmt: skip
    return tag(
        "g", tag("title", f"{opened} open of {total} threats") + pill + label, class_="badge"
    )


def legend(y: float, badges: bool, focus: bool) -> list[str]:
    out = [tag("text", "Legend", x="24", y=y + 4, font_weight="700")]
    x = 24.0
    for kind, (fill, stroke, caption) in STYLE.items():
        if kind != K.USER:
            sample = tag(
                "rect", x=x, y=y + 14, width="16", height="11", rx="2", fill=fill, stroke=stroke
            )
        else:
            sample = tag(
                "circle", cx=x + 8, cy=y + 19.5, r="5", fill="none", stroke=stroke, stroke_width=1.5
            )
        out += [sample, tag("text", esc(caption), x=x + 21, y=y + 23)]
        x += 30 + len(caption) * 5.8
    x, row = 24.0, y + 44
    line = f"M{num(x)},{num(row)} h28"
    items = [
        (tag("path", d=line, stroke=SECURE, stroke_width=1.6, marker_end="url(#arrow-ok)"),
         "authenticated and encrypted flow"),
        (tag("path", d=line, stroke=INSECURE, stroke_width=1.6, stroke_dasharray="6 3",
             marker_end="url(#arrow-in)"), "unauthenticated or unencrypted flow"),
        (tag("rect", x=x, y=row - 6, width="28", height="12", rx="4", fill="none", stroke="#b91c1c",
             stroke_dasharray="5 3"), "trust boundary"),
    ]  # fmt: skip
    if badges:
        items.append((badge(x + 14, row, 1, 3), "open / total threats"))
    if focus:
        halo = tag("path", d=line, stroke=ACCENT, stroke_width=9.0, stroke_opacity="0.35")
        items.append((halo, "in this view"))
    for svg, text in items:
        shift = x - 24.0
        out.append(tag("g", svg, transform=f"translate({num(shift)},0)") if shift else svg)
        out.append(tag("text", esc(text), x=x + 36, y=row + 4))
        x += 52 + len(text) * 5.8
    return [tag("g", "".join(out), class_="legend", font_size="10.5", fill="#334155")]
