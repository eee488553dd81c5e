"""Small inline SVG charts, drawn here so the report is one self-contained file.

The report is opened from a shared folder at a health department, often without internet access:
no chart library, no CDN, no script. Each function returns an `<svg>` element as a string; every
text it places is escaped, since unit names and labels come from reference files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

BAR_COLOURS = ("#2b6cb0", "#9bc1e6")
LINE_COLOUR = "#2b6cb0"
HIGHLIGHT_COLOUR = "#c05621"
FONT = 'font-family="sans-serif" font-size="11"'
SMALL_FONT = 'font-family="sans-serif" font-size="9"'


@dataclass(frozen=True)
class BarRow:
    label: str
    values: tuple[float | None, ...]  # one per series, percentages 0-100; None when not applicable


def percent_bars(rows: Sequence[BarRow], series: Sequence[str], width: int = 780) -> str:
    """Horizontal bars on a 0-100 % scale, one group per row, one bar per series, with a legend."""
    label_width, bar_height, gap = 290, 12, 8
    plot_width = width - label_width - 50
    group_height = bar_height * len(series) + gap
    height = 30 + group_height * len(rows)
    parts = [_open(width, height)]
    for index, name in enumerate(series):
        x = label_width + index * 170
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{BAR_COLOURS[index % len(BAR_COLOURS)]}"/>')
        parts.append(f'<text x="{x + 14}" y="13" {FONT}>{escape(name)}</text>')
    for tick in (0, 50, 100):
        x = label_width + plot_width * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="22" x2="{x:.1f}" y2="{height}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 2}" {FONT} text-anchor="middle" fill="#777">{tick}%</text>')
    for row_number, row in enumerate(rows):
        top = 26 + row_number * group_height
        parts.append(
            f'<text x="{label_width - 6}" y="{top + bar_height * len(series) / 2 + 4:.1f}" {FONT} '
            f'text-anchor="end">{escape(row.label)}</text>'
        )
        for index, value in enumerate(row.values):
            y = top + index * bar_height
            if value is None:
                continue
            length = plot_width * max(0.0, min(value, 100.0)) / 100
            colour = BAR_COLOURS[index % len(BAR_COLOURS)]
            parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height - 1}" fill="{colour}">'
                         f'<title>{escape(row.label)}: {value:.1f}%</title></rect>')
            parts.append(f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height - 2}" {SMALL_FONT}>{value:.0f}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def count_columns(labels: Sequence[str], counts: Sequence[int], highlight: str | None = None,
                  width: int = 640, height: int = 160) -> str:
    """Vertical columns of counts (e.g. outliers per month); the highlighted label is drawn in orange."""
    top, bottom, left = 16, 28, 30
    plot_height = height - top - bottom
    step = (width - left - 10) / max(len(labels), 1)
    ceiling = max([*counts, 1])
    parts = [_open(width, height)]
    parts.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#999"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#999"/>')
    parts.append(f'<text x="{left - 4}" y="{top + 4}" {FONT} text-anchor="end" fill="#777">{ceiling}</text>')
    parts.append(f'<text x="{left - 4}" y="{height - bottom + 4}" {FONT} text-anchor="end" fill="#777">0</text>')
    for index, (label, count) in enumerate(zip(labels, counts, strict=True)):
        bar = plot_height * count / ceiling
        x = left + index * step + step * 0.15
        colour = HIGHLIGHT_COLOUR if label == highlight else LINE_COLOUR
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - bar:.1f}" width="{step * 0.7:.1f}" height="{bar:.1f}" '
                     f'fill="{colour}"><title>{escape(label)}: {count}</title></rect>')
        if count:
            parts.append(f'<text x="{x + step * 0.35:.1f}" y="{height - bottom - bar - 3:.1f}" {FONT} '
                         f'text-anchor="middle">{count}</text>')
        parts.append(f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 14}" {FONT} text-anchor="middle" '
                     f'fill="#555">{escape(_month_label(label))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def trend_line(labels: Sequence[str], values: Sequence[float | None], highlight: str | None = None,
               title: str = "", width: int = 320, height: int = 150) -> str:
    """A monthly series with its axes: the value scale on the left (lowest and highest value, in
    Vietnamese notation), months along the bottom, the highlighted month's value written at its dot;
    gaps stay gaps. `title` (the indicator's Vietnamese name) is what a screen reader announces."""
    top, bottom, left, right = 14, 22, 58, 10
    known = [value for value in values if value is not None]
    parts = [_open(width, height)]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    if not known:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" {FONT} text-anchor="middle" fill="#777">'
                     "chưa có số liệu / no data</text></svg>")
        return "".join(parts)
    low, high = min(0.0, min(known)), max(known)
    span = (high - low) or max(abs(high), 1.0)
    plot_bottom = height - bottom
    step = (width - left - right) / max(len(labels) - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        return left + index * step, top + (plot_bottom - top) * (1 - (value - low) / span)

    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{plot_bottom}" stroke="#999"/>')
    parts.append(f'<line x1="{left}" y1="{plot_bottom}" x2="{width - right}" y2="{plot_bottom}" stroke="#999"/>')
    for tick in (low, low + span / 2, low + span):
        y = point(0, tick)[1]
        parts.append(f'<line x1="{left - 3}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{left - 5}" y="{y + 3:.1f}" {SMALL_FONT} text-anchor="end" fill="#555">'
                     f"{escape(vietnamese_number(tick))}</text>")
    segment: list[str] = []
    dots: list[str] = []  # drawn last, so the line never hides them
    for index, value in enumerate(values):
        if index % max(1, len(labels) // 6) == 0 or index == len(labels) - 1:
            x = left + index * step
            parts.append(f'<text x="{x:.1f}" y="{plot_bottom + 13}" {SMALL_FONT} text-anchor="middle" '
                         f'fill="#555">{escape(_month_label(labels[index]))}</text>')
        if value is None:
            parts.append(_polyline(segment))
            segment = []
            continue
        x, y = point(index, value)
        segment.append(f"{x:.1f},{y:.1f}")
        if labels[index] == highlight:
            dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{HIGHLIGHT_COLOUR}">'
                        f"<title>{escape(_month_label(labels[index]))}: {escape(vietnamese_number(value))}</title>"
                        f'</circle><text x="{x - 5:.1f}" y="{max(y - 6, 10):.1f}" {SMALL_FONT} text-anchor="end" '
                        f'fill="{HIGHLIGHT_COLOUR}">{escape(vietnamese_number(value))}</text>')
    parts.append(_polyline(segment))
    parts.extend(dots)
    parts.append("</svg>")
    return "".join(parts)


def vietnamese_number(value: float) -> str:
    """1.384.000 and 95,6: how the province reads numbers."""
    text = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _month_label(period_code: str) -> str:
    """202503 -> 03/25: short enough for a column, unambiguous across a year boundary."""
    return f"{period_code[4:6]}/{period_code[2:4]}" if len(period_code) == 6 else period_code


def _polyline(points: list[str]) -> str:
    if len(points) < 2:
        return ""
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.8"/>'


def _open(width: int, height: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img">')
