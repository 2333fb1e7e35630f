"""Small hand-written SVG bar charts for survey results (server-side, no scripts)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = "#0d6efd"
MUTED = "#6c757d"


def column_chart(labels: Sequence[str], counts: Sequence[int], *, label: str,
                 height: int = 120) -> SafeString:
    """Vertical bars, one per label (e.g. the scores 1–10), each with its count above.
    Scales to the container's width (viewBox)."""
    n = max(len(labels), 1)
    slot = 32
    width = slot * n
    top, bottom = 16, 18
    plot = height - top - bottom
    peak = max(counts, default=0) or 1
    parts = []
    for i, (text, count) in enumerate(zip(labels, counts, strict=True)):
        h = round(plot * count / peak)
        x = i * slot + 4
        y = top + plot - h
        parts.append(f'<rect x="{x}" y="{y}" width="{slot - 8}" height="{h}" fill="{BAR}">'
                     f"<title>{escape(text)}: {count}</title></rect>")
        parts.append(f'<text x="{x + (slot - 8) / 2}" y="{y - 3}" text-anchor="middle" '
                     f'font-size="10" fill="{MUTED}">{count}</text>')
        parts.append(f'<text x="{x + (slot - 8) / 2}" y="{height - 4}" text-anchor="middle" '
                     f'font-size="10">{escape(text)}</text>')
    return mark_safe(  # noqa: S308 - every text is escaped above
        f'<svg class="survey-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMinYMin meet" '
        f'style="max-width:{max(width, 200)}px;width:100%">{"".join(parts)}</svg>')


def bar_rows(labels: Sequence[str], counts: Sequence[int], *, label: str,
             width: int = 360) -> SafeString:
    """Horizontal bars, one per option, the option's text above its bar and the count at the
    end (for choices)."""
    row = 36
    height = row * max(len(labels), 1)
    peak = max(counts, default=0) or 1
    plot = width - 40
    parts = []
    for i, (text, count) in enumerate(zip(labels, counts, strict=True)):
        w = round(plot * count / peak)
        y = i * row
        short = text if len(text) <= 60 else text[:57] + "…"
        parts.append(f'<text x="0" y="{y + 12}" font-size="11">{escape(short)}</text>')
        parts.append(f'<rect x="0" y="{y + 16}" width="{w}" height="12" fill="{BAR}">'
                     f"<title>{escape(text)}: {count}</title></rect>")
        parts.append(f'<text x="{w + 4}" y="{y + 27}" font-size="11">{count}</text>')
    return mark_safe(  # noqa: S308 - every text is escaped above
        f'<svg class="survey-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMinYMin meet" '
        f'style="max-width:{width}px;width:100%">{"".join(parts)}</svg>')
