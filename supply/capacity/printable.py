"""Printable reports: one standalone HTML file with static SVG charts, tables and print CSS.

No JavaScript and nothing fetched: the file opens offline and prints the same everywhere
(A4 landscape). Every text is HTML-escaped. ``render_pdf`` / ``render_png`` print it with
the system chromium through Playwright, for people who want a PDF without a browser
dialog (and for checking the layout by eye).

``capacity_report`` assembles the capacity report of DESIGN.md section 5.3 from the
frames the capacity page already holds.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from supply.i18n import fmt_pct, label, t
from supply.i18n import format as fmt

BOOKED, IDLE, CAPACITY = "#d62728", "#9ecae1", "#08306b"

CSS = """
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif;
       color: #222; font-size: 10.5pt; margin: 0 auto; max-width: 270mm; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 3mm 0 1mm; }
.meta { border-collapse: collapse; margin: 2mm 0 4mm; }
.meta th { text-align: left; padding: 0.6mm 4mm 0.6mm 0; color: #555; font-weight: normal; white-space: nowrap; }
.meta td { padding: 0.6mm 0; }
.kpis { display: flex; flex-wrap: wrap; gap: 3mm; margin: 2mm 0; }
.kpi { border: 1px solid #bbb; border-radius: 2mm; padding: 2mm 3mm; min-width: 38mm; }
.kpi .v { font-size: 14pt; font-weight: bold; }
.kpi .l { color: #555; font-size: 9pt; }
table.data { border-collapse: collapse; width: 100%; font-size: 9pt; }
table.data th, table.data td { border: 1px solid #ccc; padding: 0.8mm 1.5mm; }
table.data th { background: #ddebf7; text-align: left; }
table.data td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.heat td { text-align: center; font-size: 8pt; padding: 0.5mm; }
table.heat td.name { text-align: left; white-space: nowrap; font-size: 8.5pt; }
thead { display: table-header-group; }
tr, .chart, .kpi { break-inside: avoid; page-break-inside: avoid; }
section { break-inside: auto; }
.note { color: #555; font-size: 9pt; margin: 1mm 0; }
.warn { color: #8a4b00; }
footer { margin-top: 6mm; color: #777; font-size: 8.5pt; border-top: 1px solid #ccc; padding-top: 1mm; }
@media screen { body { padding: 8mm; } }
"""


def esc(value) -> str:
    """HTML-escaped text of any value."""
    return html.escape("" if value is None else str(value), quote=True)


def fmt_number(value) -> str:
    """A number with thousands separators ('—' when missing), through the one formatting layer."""
    if fmt.is_missing(value):
        return fmt.MISSING
    if isinstance(value, float) and not value.is_integer():
        return fmt.decimal(value)
    return fmt.count(value)


@dataclass
class Column:
    """A table column: source name, header text, formatter, numeric (right-aligned)."""

    name: str
    header: str
    fmt: Callable[[object], str] = esc
    numeric: bool = False


def table_html(frame: pl.DataFrame, columns: Sequence[Column], css_class: str = "data") -> str:
    """An HTML table of the given columns (header repeats on each printed page)."""
    head = "".join(f"<th>{esc(c.header)}</th>" for c in columns)
    body = []
    for row in frame.iter_rows(named=True):
        cells = []
        for c in columns:
            text = c.fmt(row.get(c.name))
            cells.append(f'<td class="n">{text}</td>' if c.numeric else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _nice_max(value: float) -> float:
    """A round axis maximum at or above value (1, 2, 2.5, 5 x 10^k)."""
    if value <= 0:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _short(value: float) -> str:
    for div, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= div:
            return f"{value / div:g}{unit}"
    return f"{value:g}"


def stacked_bars_svg(
    labels: Sequence[str],
    booked: Sequence,
    idle: Sequence,
    capacity: Sequence,
    title: str = "",
    width: int = 980,
    height: int = 230,
) -> str:
    """Static SVG: booked + idle stacked per week, capacity as a line with dots."""
    left, right, top, bottom = 58, 12, 22, 34
    n = max(len(labels), 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    booked = [b or 0 for b in booked]
    idle = [max(i or 0, 0) for i in idle]
    capacity = [c or 0 for c in capacity]
    top_value = _nice_max(max([b + i for b, i in zip(booked, idle)] + list(capacity) + [0]))

    def y(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{esc(title)}" class="chart">',
        f'<text x="{left}" y="14" font-size="12" font-weight="bold">{esc(title)}</text>',
    ]
    for k in range(5):
        v = top_value * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end">{_short(v)}</text>'
        )
    slot = plot_w / n
    bar = slot * 0.7
    points = []
    for i, lab in enumerate(labels):
        x0 = left + i * slot + (slot - bar) / 2
        parts.append(
            f'<rect x="{x0:.1f}" y="{y(booked[i]):.1f}" width="{bar:.1f}" '
            f'height="{y(0) - y(booked[i]):.1f}" fill="{BOOKED}"/>'
        )
        parts.append(
            f'<rect x="{x0:.1f}" y="{y(booked[i] + idle[i]):.1f}" width="{bar:.1f}" '
            f'height="{y(booked[i]) - y(booked[i] + idle[i]):.1f}" fill="{IDLE}"/>'
        )
        cx = left + (i + 0.5) * slot
        points.append(f"{cx:.1f},{y(capacity[i]):.1f}")
        parts.append(f'<circle cx="{cx:.1f}" cy="{y(capacity[i]):.1f}" r="2.5" fill="{CAPACITY}"/>')
        parts.append(
            f'<text x="{cx:.1f}" y="{height - bottom + 14}" font-size="9.5" '
            f'text-anchor="middle">{esc(lab)}</text>'
        )
    if points:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{CAPACITY}" stroke-width="1.5"/>'
        )
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#555"/>')
    parts.append("</svg>")
    return "".join(parts)


def heat_colour(share: float | None) -> tuple[str, str]:
    """(background, text colour) for a utilisation between 0 and 1 (yellow -> red)."""
    if share is None or share != share:
        return "#eeeeee", "#555555"
    s = min(max(share, 0.0), 1.0)
    stops = [(0.0, (255, 255, 204)), (0.5, (253, 141, 60)), (1.0, (189, 0, 38))]
    for (s0, c0), (s1, c1) in zip(stops, stops[1:]):
        if s <= s1:
            f = (s - s0) / (s1 - s0)
            rgb = tuple(round(a + (b - a) * f) for a, b in zip(c0, c1))
            break
    return "#%02x%02x%02x" % rgb, ("#ffffff" if s > 0.7 else "#222222")


def heat_table_html(heat: pl.DataFrame, row_label: Callable[[dict], str]) -> str:
    """A factory x week table whose cells are coloured by utilisation and show it in %."""
    weeks = sorted(heat["week_start"].unique().to_list()) if heat.height else []
    head = "<th></th>" + "".join(f"<th>{esc(w.strftime('%m-%d'))}</th>" for w in weeks)
    rows = []
    for key, part in heat.sort("rank").group_by("rank", maintain_order=True):
        first = part.row(0, named=True)
        by_week = dict(zip(part["week_start"].to_list(), part["utilisation"].to_list()))
        cells = [f'<td class="name">{esc(row_label(first))}</td>']
        for w in weeks:
            u = by_week.get(w)
            bg, fg = heat_colour(u)
            cells.append(f'<td style="background:{bg};color:{fg}">{esc(fmt_pct(u, 0))}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="data heat"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


@dataclass
class Document:
    """A printable report: title, a key/value header, KPI boxes, sections of HTML, notes."""

    title: str
    lang: str
    meta: list[tuple[str, str]] = field(default_factory=list)
    kpis: list[tuple[str, str]] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    footer: str = ""

    def html(self) -> str:
        """The standalone HTML text (escaped labels; section bodies are trusted HTML built here)."""
        meta = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in self.meta)
        kpis = "".join(
            f'<div class="kpi"><div class="v">{esc(v)}</div><div class="l">{esc(k)}</div></div>'
            for k, v in self.kpis
        )
        notes = "".join(f'<p class="note">{esc(n)}</p>' for n in self.notes)
        sections = "".join(f"<section><h2>{esc(h)}</h2>{body}</section>" for h, body in self.sections)
        lang = "zh-CN" if self.lang == "zh" else "en"
        return (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{esc(self.title)}</title><style>{CSS}</style></head><body>"
            f'<h1>{esc(self.title)}</h1><table class="meta">{meta}</table>'
            f'<div class="kpis">{kpis}</div>{notes}{sections}'
            f"<footer>{esc(self.footer)}</footer></body></html>"
        )


@dataclass
class CapacityReportInput:
    """What the capacity page shows, handed to ``capacity_report``."""

    lang: str
    association: str
    cluster: str
    snapshot_id: str
    as_of: dt.date
    filters: list[tuple[str, str]]
    kpis: list[tuple[str, str]]
    weekly: pl.DataFrame
    county: pl.DataFrame | None = None
    heat: pl.DataFrame | None = None
    heat_caption: str = ""
    members: pl.DataFrame | None = None  # the largest members, already cut (in the engine)
    members_total: int | None = None  # how many members in all (None: the frame's rows)
    members_top: int = 40
    notes: list[str] = field(default_factory=list)
    viewer: str = ""
    synthetic: bool = False
    generated_on: dt.date | None = None


def _weekly_section(r: CapacityReportInput) -> str:
    lang = r.lang
    parts = [f'<p class="note">{esc(t("capacity.report.legend", lang))}</p>']
    cols = [
        Column("week_start", t("col.week_start", lang), lambda d: esc(fmt.date(d))),
        Column("capacity_pieces", t("col.capacity_pieces", lang), fmt_number, True),
        Column("booked_pieces", t("col.booked_pieces", lang), fmt_number, True),
        Column("idle_pieces", t("col.idle_pieces", lang), fmt_number, True),
        Column("utilisation", t("col.utilisation", lang), lambda v: esc(fmt_pct(v)), True),
        Column("factories", t("capacity.col.factories", lang), fmt_number, True),
        Column("suppressed_factories", t("capacity.col.suppressed_factories", lang), fmt_number, True),
    ]
    for cat in sorted(r.weekly["category"].unique().to_list()):
        part = r.weekly.filter(pl.col("category") == cat).sort("week_start")
        name = label("category", cat, lang)
        parts.append(
            stacked_bars_svg(
                [w.strftime("%m-%d") for w in part["week_start"].to_list()],
                part["booked_pieces"].to_list(),
                part["idle_pieces"].to_list(),
                part["capacity_pieces"].to_list(),
                title=name,
            )
        )
        parts.append(f"<h3>{esc(name)}</h3>" + table_html(part, cols))
    return "".join(parts)


def _county_section(r: CapacityReportInput) -> str:
    lang = r.lang
    cols = [
        Column("county", t("capacity.col.county", lang)),
        Column("category", t("col.category", lang), lambda c: esc(label("category", c, lang))),
        Column("factories", t("capacity.col.factories", lang), fmt_number, True),
        Column("capacity_pieces", t("col.capacity_pieces", lang), fmt_number, True),
        Column("booked_pieces", t("col.booked_pieces", lang), fmt_number, True),
        Column("idle_pieces", t("col.idle_pieces", lang), fmt_number, True),
        Column("utilisation", t("col.utilisation", lang), lambda v: esc(fmt_pct(v)), True),
        Column(
            "suppression",
            t("capacity.col.suppression", lang),
            lambda s: esc(t(f"capacity.suppression.{s}", lang)),
        ),
    ]
    return f'<p class="note">{esc(t("capacity.county_caption", lang))}</p>' + table_html(r.county, cols)


def _members_section(r: CapacityReportInput) -> str:
    lang = r.lang
    cols = [
        Column("factory_id", t("capacity.col.factory_id", lang)),
        Column("name", t("capacity.col.name", lang)),
        Column(
            "categories",
            t("capacity.col.categories", lang),
            lambda cs: esc("、".join(label("category", c, lang) for c in (cs or []))),
        ),
        Column("capacity_pieces", t("col.capacity_pieces", lang), fmt_number, True),
        Column("utilisation", t("col.utilisation", lang), lambda v: esc(fmt_pct(v)), True),
        Column("moq_pieces", t("capacity.col.moq", lang), fmt_number, True),
        Column("sample_days", t("capacity.col.sample_days", lang), fmt_number, True),
        Column("bulk_lead_days", t("capacity.col.lead_days", lang), fmt_number, True),
        Column("pooled_planning", t("capacity.col.pooled", lang), lambda b: "✓" if b else ""),
        Column("certifications", t("capacity.col.certifications", lang), lambda cs: esc(", ".join(cs or []))),
    ]
    return table_html(r.members.head(r.members_top), cols)


def capacity_report(r: CapacityReportInput) -> str:
    """The capacity report as standalone printable HTML."""
    lang = r.lang
    generated = r.generated_on or dt.date.today()
    meta = [
        (t("capacity.report.association", lang), r.association),
        (t("capacity.report.cluster", lang), r.cluster),
        (t("capacity.report.snapshot", lang), r.snapshot_id),
        (t("capacity.report.as_of", lang), fmt.date(r.as_of, lang, long=True)),
        (t("capacity.report.generated", lang), fmt.date(generated, lang, long=True)),
    ]
    if r.viewer:
        meta.append((t("capacity.report.viewer", lang), r.viewer))
    meta.append((t("capacity.report.filters", lang), "; ".join(f"{k}: {v}" for k, v in r.filters)))
    doc = Document(
        title=f"{t('capacity.report.title', lang)} · {r.cluster}",
        lang=lang,
        meta=meta,
        kpis=list(r.kpis),
        notes=list(r.notes),
        footer=t("capacity.report.footer", lang),
    )
    if r.synthetic:
        doc.notes.insert(0, t("capacity.report.synthetic", lang))
    doc.sections.append((t("capacity.report.weekly", lang), _weekly_section(r)))
    if r.county is not None and r.county.height:
        doc.sections.append((t("capacity.report.county", lang), _county_section(r)))
    if r.heat is not None and r.heat.height:
        body = f'<p class="note">{esc(r.heat_caption)}</p>' + heat_table_html(
            r.heat, lambda row: f"{row['rank']}. {row['name']} ({row['factory_id']})"
        )
        doc.sections.append((t("capacity.tab.heatmap", lang), body))
    if r.members is not None and r.members.height:
        total = r.members.height if r.members_total is None else r.members_total
        title = t("capacity.report.members", lang, n=min(r.members_top, r.members.height), total=total)
        doc.sections.append((title, _members_section(r)))
    return doc.html()


# Printing with chromium lives in printable_render.py; re-exported here for callers.
from supply.capacity.printable_render import CHROMIUM, render_pdf, render_png  # noqa: E402, F401
