"""The target-attainment chart of the consolidated report, drawn with Pillow as a PNG.

Pillow rather than matplotlib: one horizontal bar chart does not justify numpy and a plotting
stack on the server, and Pillow draws with the Liberation/DejaVu fonts Debian installs, which
carry every Vietnamese glyph.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from nhiemvu.lib.vnnumbers import format_vn

from .data import PeriodReport

MAX_BARS = 20
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/dejavu"),
)
# The report's serif face (Liberation Serif has Times New Roman's metrics).
FONT_FILES = {
    False: ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    True: ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
}
INK = (30, 30, 30)
GRID = (205, 205, 205)
BAR = (38, 84, 146)
BAR_SHORT = (196, 89, 17)


@dataclass
class Bar:
    label: str
    value: Decimal


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for directory in FONT_DIRS:
        for name in FONT_FILES[bold]:
            if (directory / name).exists():
                return ImageFont.truetype(str(directory / name), size)
    return ImageFont.load_default(size)


def chart_bars(report: PeriodReport) -> tuple[str, list[Bar]]:
    """What the chart shows: each task when there are few, else each lead unit, else each agency."""
    tasks = [t for t in report.tasks if t.reportable and t.attainment is not None]
    if report.provincial:
        bars = [Bar(b.agency, b.attainment) for b in report.plans if b.attainment is not None]
        return "Mức độ đạt chỉ tiêu bình quân theo cơ quan, đơn vị", bars[:MAX_BARS]
    if len(tasks) <= MAX_BARS:
        bars = [Bar(f"{t.code}. {t.title}", t.attainment) for t in tasks if t.attainment is not None]
        return "Mức độ đạt chỉ tiêu theo nhiệm vụ", bars
    by_unit: dict[str, list[Decimal]] = {}
    for t in tasks:
        if t.attainment is not None:
            by_unit.setdefault(t.lead_unit or "Chưa giao đơn vị chủ trì", []).append(t.attainment)
    bars = [Bar(unit, sum(v, Decimal(0)) / len(v)) for unit, v in by_unit.items()]
    bars.sort(key=lambda b: b.value)
    return "Mức độ đạt chỉ tiêu bình quân theo đơn vị chủ trì", bars[:MAX_BARS]


def label_lines(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    width: int,
    max_lines: int = 2,
) -> list[str]:
    """A label broken between words over at most ``max_lines`` lines; what does not fit ends in
    "…" after the last whole word, never in the middle of one."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=font) <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words:
        last = lines[-1].split()
        while len(last) > 1 and draw.textlength(" ".join(last) + " …", font=font) > width:
            last.pop()
        lines[-1] = " ".join(last) + " …"
    return lines


def attainment_chart(report: PeriodReport, *, scale: int = 2) -> tuple[str, bytes]:
    """The chart's caption and PNG bytes; bars are capped at 150% so one overshoot keeps the scale readable."""
    caption, bars = chart_bars(report)
    s = scale
    # 640 units across 15,5 cm: a 14-unit font prints at about 10 pt, the size of a table's text.
    width, label_w, right = 640 * s, 230 * s, 46 * s
    row_h, top, bottom = 36 * s, 12 * s, 44 * s
    height = top + max(len(bars), 1) * row_h + bottom
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(14 * s), _font(12 * s)
    plot_w = width - label_w - right
    top_scale = 150
    x0 = label_w

    def x_of(percent: float) -> int:
        return x0 + int(plot_w * min(percent, top_scale) / top_scale)

    for tick in range(0, top_scale + 1, 25):
        x = x_of(tick)
        draw.line([(x, top), (x, height - bottom)], fill=GRID if tick != 100 else INK, width=s)
        draw.text((x, height - bottom + 6 * s), f"{tick}%", font=small, fill=INK, anchor="mt")
    if not bars:
        draw.text(
            (width // 2, top + row_h // 2), "Chưa có số liệu được chấp nhận", font=font, fill=INK, anchor="mm"
        )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        lines = label_lines(draw, bar.label, font, label_w - 12 * s)
        line_h = 16 * s
        first_y = y + row_h // 2 - (len(lines) - 1) * line_h // 2
        for n, line in enumerate(lines):
            draw.text((label_w - 8 * s, first_y + n * line_h), line, font=font, fill=INK, anchor="rm")
        value = float(bar.value)
        colour = BAR if value >= 100 else BAR_SHORT
        draw.rectangle([x0, y + 5 * s, max(x_of(value), x0 + s), y + row_h - 5 * s], fill=colour)
        draw.text(
            (x_of(value) + 5 * s, y + row_h // 2),
            f"{format_vn(bar.value, 1)}%",
            font=small,
            fill=INK,
            anchor="lm",
        )
    draw.text(
        (width - right, height - 14 * s),
        "Đường đậm: 100% chỉ tiêu",
        font=small,
        fill=INK,
        anchor="rm",
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    image.close()
    return caption, out.getvalue()
