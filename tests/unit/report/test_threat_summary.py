"""Threat-model summary: Markdown and self-contained HTML carry the FDA D1a content, escaped."""

from __future__ import annotations

import re

import lxml.html
from threat_support import hostile, sample_analysis, shuffled

from hemostat.report.threat_summary import md_escape, render_html, render_markdown
from snapshot_util import assert_snapshot


def test_markdown_matches_snapshot() -> None:
    assert_snapshot("threat/summary.md", render_markdown(sample_analysis()))


def test_html_matches_snapshot() -> None:
    assert_snapshot("threat/summary.html", render_html(sample_analysis()))


def test_outputs_do_not_depend_on_input_order() -> None:
    md, html = render_markdown(sample_analysis()), render_html(sample_analysis())
    for seed in (4, 5):
        a = shuffled(sample_analysis(), seed)
        assert render_markdown(a) == md
        assert render_html(a) == html


def test_open_threats_come_first_then_worst_residual_risk() -> None:
    md = render_markdown(sample_analysis()).decode()
    order = re.findall(r"^### (MD-[A-Z]-\d+@[\w-]+):", md, re.M)
    assert order[:2] == ["MD-D-001@drug-library-server", "MD-I-003@pump-to-ehr"]  # open, high
    assert order[2:] == [
        "MD-S-001@app-to-pump-therapy",  # mitigated, residual high (critical inherent)
        "MD-E-002@pump-service",  # accepted, residual high
        "MD-T-002@druglib-fw-to-pump",  # residual medium
        "MD-R-001@pump",  # residual low
    ]


def test_markdown_has_the_fda_threat_model_content() -> None:
    md = render_markdown(sample_analysis()).decode()
    for needle in (
        "**Method:** STRIDE per element and per data flow",
        "- The hospital network is hostile: an attacker can alter, drop and replay packets.",
        "| Information disclosure | 1 | 1 | 0 | 1 | 0 | 0 |",
        "| critical | 2 | 0 | 0 |",
        "[CWE-306](https://cwe.mitre.org/data/definitions/306.html)",
        "**IEC 62443-4-2:** CR 1.2, CR 3.1; **NIST SP 800-53:** IA-3, SC-8",
        "inherent critical → residual high",
        "accepted (Port is inside the sealed enclosure",
        "HAZ-020 Corrupted drug library on every pump (critical)",
        "| pump | purl | pkg:github/wolfssl/wolfssl@5.6.6 |",
        "- MD-S-009@old-flow: the treatment names a threat that no longer fires",
        "| pump-to-ehr ⚠ | pump → ehr |",
        "unknown (no linked hazard; scored as serious)",
    ):
        assert needle in md, needle


def test_markdown_tables_survive_hostile_text() -> None:
    md = render_markdown(hostile(sample_analysis())).decode()
    assert "<script>" not in md and "<img" not in md and "<i>" not in md
    row = next(line for line in md.splitlines() if line.startswith("| pump |"))
    assert row.count("|") - row.count("\\|") == 7  # six cells: the pipe in the name is escaped
    assert "&lt;script&gt;" in md


def test_md_escape_keeps_identifiers_readable_and_blocks_markup() -> None:
    assert md_escape("stores_phi") == "stores_phi"  # intraword _ never starts emphasis
    assert md_escape("_x_ *y* [z](u) a|b `c` #h") == "\\_x\\_ \\*y\\* \\[z\\](u) a\\|b \\`c\\` \\#h"
    assert md_escape("a\nb\x00c") == "a bc"


def test_html_is_self_contained_with_the_global_view_inline() -> None:
    html = render_html(sample_analysis())
    doc = lxml.html.document_fromstring(html)
    assert doc.find(".//style") is not None
    assert not doc.xpath("//link[@rel='stylesheet'] | //script | //img")
    svg = doc.xpath("//*[local-name()='svg']")
    assert len(svg) == 1
    assert "Global system view" in "".join(svg[0].itertext())
    sections = [s.get("id") for s in doc.xpath("//section[contains(@class, 'threat')]")]
    assert sections[0] == "MD-D-001@drug-library-server"
    assert doc.xpath("//section[@id='MD-I-003@pump-to-ehr' and contains(@class, 'open')]")
    links = doc.xpath("//a/@href")
    assert "https://capec.mitre.org/data/definitions/151.html" in links


def test_html_escapes_hostile_text() -> None:
    html = render_html(hostile(sample_analysis()))
    doc = lxml.html.document_fromstring(html)
    assert not doc.xpath("//script | //img | //b")
    assert b"&lt;script&gt;bad()&lt;/script&gt;" in html
    assert "<script>bad()</script>" in doc.findtext(".//title")
