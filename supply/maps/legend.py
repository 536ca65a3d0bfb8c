"""Map legends and colour bins: the Legend the page draws next to the map, bin edges and labels.

Labels are written through the one formatting layer (supply/i18n/format.py); a map whose
counties all have one value says so in one legend line instead of drawing a one-bin ramp.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np

from supply.i18n import format as fmt
from supply.i18n import label, t


@dataclass
class LegendItem:
    """One swatch: its label and RGB colour."""

    label: str
    colour: tuple[int, int, int]


@dataclass
class Legend:
    """What the page draws next to the map."""

    title: str
    categories_title: str | None = None
    categories: list[LegendItem] = field(default_factory=list)
    size_note: str | None = None
    density_title: str | None = None
    density: list[LegendItem] = field(default_factory=list)
    choropleth_title: str | None = None
    choropleth: list[LegendItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- small helpers -----------------------------------------------------------------------


def _nice(x: float) -> float:
    """Round to two significant digits (bin edges people can read)."""
    if x <= 0 or not math.isfinite(x):
        return 0.0
    digits = 1 - int(math.floor(math.log10(x)))
    return round(x, digits)


def quantile_breaks(values, k: int = 5) -> list[float]:
    """Up to ``k - 1`` rounded, distinct inner bin edges at the quantiles of ``values``."""
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], dtype=float)
    if v.size == 0:
        return []
    qs = np.quantile(v, np.linspace(0, 1, k + 1)[1:-1])
    breaks = sorted({_nice(q) for q in qs if q > v.min()})
    return breaks


def bin_index(values, breaks: list[float]) -> np.ndarray:
    """Index of the bin of each value (edges are lower-inclusive); -1 for null."""
    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    idx = np.searchsorted(np.asarray(breaks, dtype=float), v, side="right")
    return np.where(np.isnan(v), -1, idx)


def _ramp(colours: list[tuple[int, int, int]], n: int) -> list[tuple[int, int, int]]:
    """``n`` colours spread over a ramp (keeps the darkest for the top bin)."""
    if n >= len(colours):
        return list(colours)
    picks = np.linspace(0, len(colours) - 1, n).round().astype(int)
    return [colours[i] for i in picks]


def _fmt(metric: str, value, lang: str) -> str:
    """A legend or tooltip value of a metric, through the formatting layer."""
    if fmt.is_missing(value):
        return fmt.MISSING
    if metric == "utilisation":
        return fmt.pct(value, lang, 0)
    if metric in ("lq", "top_lq"):
        return f"{value:.2f}"
    return fmt.number(value, lang)


def _bin_labels(metric: str, breaks: list[float], lang: str) -> list[str]:
    edges = [_fmt(metric, b, lang) for b in breaks]
    if not edges:
        return ["—"]
    labels = [f"< {edges[0]}"]
    labels += [f"{a} – {b}" for a, b in zip(edges, edges[1:])]
    labels.append(f"≥ {edges[-1]}")
    return labels


def metric_title(metric: str, lang: str, lq_category: str | None = None) -> str:
    """The label of a choropleth metric in the chosen language."""
    if metric == "lq":
        return t("map.metric.lq", lang, category=label("category", lq_category, lang))
    return t(f"map.metric.{metric}", lang)


def legend_html(legend: Legend) -> str:
    """The legend as a small HTML block (labels escaped)."""

    def swatch(item: LegendItem, round_: bool = False) -> str:
        r, g, b = item.colour
        radius = "50%" if round_ else "2px"
        return (
            f'<span style="display:inline-block;width:12px;height:12px;margin:0 6px 0 0;'
            f"vertical-align:middle;border-radius:{radius};background:rgb({r},{g},{b});"
            f'border:1px solid #999"></span>{html.escape(item.label)}'
        )

    parts = [f"<div style='font-size:0.85rem;line-height:1.7'><b>{html.escape(legend.title)}</b><br/>"]
    if legend.categories:
        parts.append(f"<b>{html.escape(legend.categories_title or '')}</b><br/>")
        parts.append("<br/>".join(swatch(i, True) for i in legend.categories) + "<br/>")
    if legend.size_note:
        parts.append(f"<i>{html.escape(legend.size_note)}</i><br/>")
    if legend.density:
        parts.append(f"<b>{html.escape(legend.density_title or '')}</b><br/>")
        parts.append("<br/>".join(swatch(i) for i in legend.density) + "<br/>")
    if legend.choropleth:
        parts.append(f"<b>{html.escape(legend.choropleth_title or '')}</b><br/>")
        parts.append("<br/>".join(swatch(i) for i in legend.choropleth) + "<br/>")
    for note in legend.notes:
        parts.append(f"<i>{html.escape(note)}</i><br/>")
    parts.append("</div>")
    return "".join(parts)
