"""Charts for the statistics dashboard, drawn on the server as SVG.

No chart library and no script: the admin's Content-Security-Policy allows neither inline
script nor inline styles, and an SVG with presentation attributes needs neither. Colours
come from admin.css (classes), so the dark theme applies too.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, MARGIN = 720, 220, 40


def bar_chart(labels: list[str], values: list[int], *, title: str, every: int = 5) -> SafeString:
    """Vertical bars, one per label; every ``every``-th label is written under its bar."""
    highest = max(values, default=0) or 1
    step = (WIDTH - 2 * MARGIN) / max(len(values), 1)
    plot = HEIGHT - 2 * MARGIN
    bars = format_html_join(
        "",
        '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                _number(MARGIN + index * step + step * 0.1),
                _number(MARGIN + plot - plot * value / highest),
                _number(step * 0.8),
                _number(plot * value / highest),
                label,
                value,
            )
            for index, (label, value) in enumerate(zip(labels, values, strict=True))
        ),
    )
    ticks = format_html_join(
        "",
        '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (_number(MARGIN + index * step + step / 2), HEIGHT - MARGIN + 16, label)
            for index, label in enumerate(labels)
            if index % every == 0
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<text class="chart-label" x="{}" y="{}">{}</text>'
        '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>{}{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        MARGIN,
        MARGIN - 10,
        highest,
        MARGIN,
        HEIGHT - MARGIN,
        WIDTH - MARGIN,
        HEIGHT - MARGIN,
        bars,
        ticks,
    )


def _number(value: float) -> str:
    # Formatted before format_html sees it: it escapes arguments into strings first.
    return f"{value:.1f}"


# Sweden's counties as tiles on a grid, roughly where they lie (column, row), by SCB code.
COUNTY_TILES = {
    "25": (2, 0),
    "24": (1, 1),
    "23": (0, 2),
    "22": (1, 2),
    "20": (0, 3),
    "21": (1, 3),
    "17": (0, 4),
    "19": (1, 4),
    "03": (2, 4),
    "18": (1, 5),
    "04": (2, 5),
    "01": (3, 5),
    "14": (0, 6),
    "05": (2, 6),
    "09": (3, 6),
    "13": (0, 7),
    "06": (1, 7),
    "08": (2, 7),
    "07": (1, 8),
    "10": (2, 8),
    "12": (1, 9),
}
TILE = 92


def county_map(values: dict[str, tuple[int, int]], names: dict[str, str], *, title: str) -> SafeString:
    """A tile map of the counties: each shows done/total and is shaded by the share done."""
    tiles = []
    for code, (column, row) in COUNTY_TILES.items():
        done, total = values.get(code, (0, 0))
        share = done / total if total else 0
        shade = "none" if not done else "some" if share < 0.5 else "most" if share < 1 else "all"
        tiles.append(
            (
                column * TILE,
                row * (TILE // 2),
                TILE - 4,
                TILE // 2 - 4,
                f"county-tile county-{shade}",
                f"{names.get(code, code)}: {done}/{total}",
                column * TILE + 6,
                row * (TILE // 2) + 18,
                names.get(code, code).removesuffix(" län")[:13],
                column * TILE + 6,
                row * (TILE // 2) + 34,
                f"{done}/{total}",
            )
        )
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="{}"><title>{}</title></rect>'
        '<text class="chart-label" x="{}" y="{}">{}</text><text class="chart-label" x="{}" y="{}">{}</text>',
        tiles,
    )
    return format_html(
        '<svg class="chart county-map" viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>',
        4 * TILE,
        10 * (TILE // 2),
        title,
        body,
    )
