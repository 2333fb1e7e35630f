"""Server-side SVG charts, hand-written: a sparkline, plan-vs-fact bars and horizontal bars.

The same SVG string serves the page and the PDF (WeasyPrint draws inline SVG), so charts
need no script, no external file and no inline `style` attribute (presentation attributes
only, which a Content Security Policy does not block). Every text is escaped here; the
result is marked safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .indicators import Status, percent

FONT = "DejaVu Sans, Arial, sans-serif"
PLAN_COLOUR = "#adb5bd"
FACT_COLOUR = "#0d6efd"
GRID_COLOUR = "#dee2e6"
TEXT_COLOUR = "#212529"
MUTED_COLOUR = "#6c757d"
STATUS_COLOURS = {
    Status.MET: "#198754",
    Status.AT_RISK: "#e0a800",
    Status.NOT_MET: "#dc3545",
    Status.NO_DATA: "#adb5bd",
}
SERIES_COLOURS = ("#198754", "#0d6efd", "#dc3545", "#6f42c1", "#fd7e14")

Number = Decimal | int | float


def fmt(value: Number | None) -> str:
    """A number as the page shows it: Russian decimal comma, no trailing zeros."""
    if value is None:
        return "—"
    if isinstance(value, Decimal | float) and value == int(value):
        value = int(value)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return number_format(value, decimal_pos=1, force_grouping=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, body: list[str], label: str,
         css: str = "chart img-fluid") -> SafeString:
    title = escape(label)
    return mark_safe(  # noqa: S308 - every text above went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{title}" '
        f'font-family="{FONT}"><title>{title}</title>{"".join(body)}</svg>'
    )


def _scale_max(values: Sequence[float]) -> float:
    top = max(values, default=0.0)
    if top <= 0:
        return 1.0
    for step in (1, 2, 2.5, 5):
        magnitude = 10 ** (len(str(int(top))) - 1)
        candidate = step * magnitude
        if candidate >= top:
            return float(candidate)
    return float(10 * 10 ** (len(str(int(top))) - 1))


def sparkline(plan: Sequence[Number | None], fact: Sequence[Number | None], *,
              label: str, width: int = 120, height: int = 32) -> SafeString:
    """Plan (dashed grey) and fact (blue, with dots) over the years; gaps where a value is
    missing. Drawn once per set of numbers: a dashboard draws one per indicator on every
    load, and the numbers rarely change."""
    return _sparkline(tuple(plan), tuple(fact), str(label), width, height)


@lru_cache(maxsize=4096)
def _sparkline(plan: tuple[Number | None, ...], fact: tuple[Number | None, ...], label: str,
               width: int, height: int) -> SafeString:
    values = [float(v) for v in (*plan, *fact) if v is not None]
    n = max(len(plan), len(fact), 1)
    low = min([0.0, *values])
    high = max([1.0, *values])
    pad = 4.0

    def x(i: int) -> float:
        return pad if n == 1 else pad + i * (width - 2 * pad) / (n - 1)

    def y(v: Number) -> float:
        return height - pad - (float(v) - low) * (height - 2 * pad) / (high - low or 1)

    body: list[str] = []
    for series, colour, dash in ((plan, PLAN_COLOUR, ' stroke-dasharray="3 2"'),
                                 (fact, FACT_COLOUR, "")):
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(series):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_num(x(i))},{_num(y(v))}")
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                body.append(f'<polyline points="{" ".join(points)}" fill="none" '
                            f'stroke="{colour}" stroke-width="1.5"{dash}/>')
    for i, v in enumerate(fact):
        if v is not None:
            body.append(f'<circle cx="{_num(x(i))}" cy="{_num(y(v))}" r="2.2" '
                        f'fill="{FACT_COLOUR}"/>')
    return _svg(width, height, body, label, css="sparkline")


def plan_fact_chart(years: Sequence[int], plan: Sequence[Number | None],
                    fact: Sequence[Number | None], statuses: Sequence[str], *, label: str,
                    plan_label: str, fact_label: str, unit: str = "",
                    width: int = 560, height: int = 220) -> SafeString:
    """Grouped bars per year: plan in grey, fact coloured by its status, values above."""
    left, right, top, bottom = 40, 10, 26, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for v in (*plan, *fact) if v is not None]
    top_value = _scale_max(values)
    body: list[str] = []
    for k in range(5):
        value = top_value * k / 4
        gy = top + plot_h - plot_h * k / 4
        body.append(f'<line x1="{left}" y1="{_num(gy)}" x2="{width - right}" y2="{_num(gy)}" '
                    f'stroke="{GRID_COLOUR}" stroke-width="1"/>')
        body.append(f'<text x="{left - 4}" y="{_num(gy + 3)}" font-size="9" '
                    f'text-anchor="end" fill="{MUTED_COLOUR}">{escape(fmt(value))}</text>')
    n = max(len(years), 1)
    group = plot_w / n
    bar = min(28.0, group * 0.36)
    for i, year in enumerate(years):
        gx = left + i * group + group / 2
        for offset, value, colour in ((-bar - 1, plan[i], PLAN_COLOUR),
                                      (1, fact[i], STATUS_COLOURS.get(statuses[i],
                                                                      FACT_COLOUR))):
            if value is None:
                continue
            h = plot_h * float(value) / top_value
            bx, by = gx + offset, top + plot_h - h
            body.append(f'<rect x="{_num(bx)}" y="{_num(by)}" width="{_num(bar)}" '
                        f'height="{_num(max(h, 0.5))}" fill="{colour}"/>')
            body.append(f'<text x="{_num(bx + bar / 2)}" y="{_num(by - 3)}" font-size="9" '
                        f'text-anchor="middle" fill="{TEXT_COLOUR}">'
                        f'{escape(fmt(value))}</text>')
        body.append(f'<text x="{_num(gx)}" y="{height - bottom + 14}" font-size="10" '
                    f'text-anchor="middle" fill="{TEXT_COLOUR}">{year}</text>')
    legend_y = 12
    body.append(f'<rect x="{left}" y="{legend_y - 8}" width="10" height="10" '
                f'fill="{PLAN_COLOUR}"/>')
    body.append(f'<text x="{left + 14}" y="{legend_y + 1}" font-size="10" '
                f'fill="{TEXT_COLOUR}">{escape(plan_label)}</text>')
    fx = left + 24 + 7 * len(plan_label)
    body.append(f'<rect x="{fx}" y="{legend_y - 8}" width="10" height="10" '
                f'fill="{FACT_COLOUR}"/>')
    body.append(f'<text x="{fx + 14}" y="{legend_y + 1}" font-size="10" '
                f'fill="{TEXT_COLOUR}">{escape(fact_label)}</text>')
    if unit:
        body.append(f'<text x="{width - right}" y="{legend_y + 1}" font-size="10" '
                    f'text-anchor="end" fill="{MUTED_COLOUR}">{escape(unit)}</text>')
    return _svg(width, height, body, label)


def hbar_chart(rows: Sequence[tuple[str, Sequence[int]]], series: Sequence[str], *,
               label: str, width: int = 560, bar_height: int = 18) -> SafeString:
    """Horizontal stacked bars, one per row (e.g. a form), one segment per series (e.g.
    active, completed, ended early), totals at the end."""
    label_w, right, top = 170, 40, 24
    height = top + len(rows) * (bar_height + 10) + 6
    plot_w = width - label_w - right
    top_value = _scale_max([float(sum(values)) for _name, values in rows])
    body: list[str] = []
    x = label_w
    for k, name in enumerate(series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        body.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>')
        body.append(f'<text x="{x + 14}" y="13" font-size="10" fill="{TEXT_COLOUR}">'
                    f'{escape(name)}</text>')
        x += 28 + 7 * len(name)
    for i, (name, values) in enumerate(rows):
        y = top + i * (bar_height + 10)
        short = name if len(name) <= 26 else name[:25] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + bar_height - 5}" font-size="10" '
                    f'text-anchor="end" fill="{TEXT_COLOUR}">{escape(short)}</text>')
        bx = float(label_w)
        for k, value in enumerate(values):
            if not value:
                continue
            w = plot_w * value / top_value
            body.append(f'<rect x="{_num(bx)}" y="{y}" width="{_num(w)}" '
                        f'height="{bar_height}" fill="{SERIES_COLOURS[k % len(SERIES_COLOURS)]}"/>')
            bx += w
        body.append(f'<text x="{_num(bx + 4)}" y="{y + bar_height - 5}" font-size="10" '
                    f'fill="{TEXT_COLOUR}">{escape(fmt(sum(values)))}</text>')
    return _svg(width, height, body, label)


def share_chart(rows: Sequence[tuple[str, int, int]], *, label: str, width: int = 560,
                bar_height: int = 16) -> SafeString:
    """Horizontal bars of shares (0–100 %), each labelled «count of total (share %)» so a
    reader can check it."""
    label_w, right, top = 170, 120, 6
    height = top + len(rows) * (bar_height + 8) + 4
    plot_w = width - label_w - right
    body: list[str] = []
    for i, (name, count, total) in enumerate(rows):
        y = top + i * (bar_height + 8)
        share = count / total if total else 0.0
        share_text = fmt(percent(count, total) or 0)
        short = name if len(name) <= 26 else name[:25] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + bar_height - 4}" font-size="10" '
                    f'text-anchor="end" fill="{TEXT_COLOUR}">{escape(short)}</text>')
        body.append(f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_height}" '
                    f'fill="#f1f3f5"/>')
        if share:
            body.append(f'<rect x="{label_w}" y="{y}" width="{_num(plot_w * share)}" '
                        f'height="{bar_height}" fill="{FACT_COLOUR}"/>')
        text = f"{count} / {total} ({share_text}%)"
        body.append(f'<text x="{label_w + plot_w + 6}" y="{y + bar_height - 4}" '
                    f'font-size="10" fill="{TEXT_COLOUR}">{escape(text)}</text>')
    return _svg(width, height, body, label)
