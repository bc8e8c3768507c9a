"""A small PNG bar chart of a session's ratings: how many 1s, 2s, ... 5s (Pillow).

CPU work: callers run `render_bars` in a thread. Only digits are drawn (Pillow's built-in font
has no Japanese); the title is in the message that carries the chart.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 24, 32
BACKGROUND = (255, 255, 255)
AXIS = (55, 65, 81)
GRID = (229, 231, 235)
BAR = (37, 99, 235)


def render_bars(counts: Sequence[int], size: tuple[int, int] = (WIDTH, HEIGHT)) -> bytes:
    """One bar per rating (1 to len(counts)), its count above it. Returns PNG bytes."""
    width, height = size
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    most = max([1, *counts])
    slot = plot_w / max(1, len(counts))
    base = TOP + plot_h
    for index, count in enumerate(counts):
        x0 = LEFT + index * slot + slot * 0.15
        x1 = LEFT + (index + 1) * slot - slot * 0.15
        top = base - count / most * plot_h
        if count:
            draw.rectangle((x0, top, x1, base), fill=BAR)
        middle = (x0 + x1) / 2
        draw.text((middle, top - 4), str(count), fill=AXIS, font=font, anchor="md")
        draw.text((middle, base + 8), str(index + 1), fill=AXIS, font=font, anchor="mt")
    draw.line((LEFT, base, LEFT + plot_w, base), fill=AXIS, width=1)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
