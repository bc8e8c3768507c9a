"""A PNG chart of how many people were in a session over its time (Pillow).

CPU work: callers run `render_chart` in a thread (`asyncio.to_thread`), off the event loop.
Only digits and ASCII are drawn (Pillow's built-in font has no Japanese); the title is in the
message that carries the chart.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from bot.domain.clock import from_epoch
from bot.features.attendance.domain.stays import count_at

WIDTH, HEIGHT = 960, 400
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 20, 44
BACKGROUND = (255, 255, 255)
AXIS = (55, 65, 81)
GRID = (229, 231, 235)
LINE = (37, 99, 235)
FILL = (191, 219, 254)
SLOT = (254, 243, 199)  # the programme slot, behind the curve
TIME_STEPS = (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


def _nice_step(span: float, most: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if span / step <= most:
            return step
    return int(span // most) + 1


def render_chart(
    steps: Sequence[tuple[int, int]],
    window: tuple[int, int],
    slot: tuple[int, int],
    zone: ZoneInfo,
    size: tuple[int, int] = (WIDTH, HEIGHT),
) -> bytes:
    """People present (steps from `concurrency`) from `window[0]` to `window[1]`, the
    programme `slot` shaded, times on the axis in the workshop's zone. Returns PNG bytes."""
    width, height = size
    start, end = window
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    most = max([0, *(c for _, c in steps)])
    top = most + max(1, most // 10)  # a little headroom above the peak
    span = max(1, end - start)

    def x(moment: int) -> float:
        return LEFT + (min(max(moment, start), end) - start) / span * plot_w

    def y(value: int) -> float:
        return TOP + plot_h - value / top * plot_h

    draw.rectangle((x(slot[0]), TOP, x(slot[1]), TOP + plot_h), fill=SLOT)
    y_step = _nice_step(top, 8)
    for value in range(0, top + 1, y_step):
        draw.line((LEFT, y(value), LEFT + plot_w, y(value)), fill=GRID)
        draw.text((LEFT - 8, y(value)), str(value), fill=AXIS, font=font, anchor="rm")
    t_step = next((s for s in TIME_STEPS if span / s <= 8), TIME_STEPS[-1])
    tick = start - start % t_step + (t_step if start % t_step else 0)
    while tick <= end:
        label = from_epoch(tick).astimezone(zone).strftime("%H:%M")
        draw.line((x(tick), TOP + plot_h, x(tick), TOP + plot_h + 4), fill=AXIS)
        draw.text((x(tick), TOP + plot_h + 8), label, fill=AXIS, font=font, anchor="mt")
        tick += t_step
    day = from_epoch(start).astimezone(zone).strftime("%Y-%m-%d %Z")
    draw.text((LEFT, height - 6), day, fill=AXIS, font=font, anchor="ls")

    # The step curve: flat until the next change, then straight up or down.
    points = [(x(start), y(count_at(steps, start)))]
    for moment, value in steps:
        if start < moment < end:
            points.append((x(moment), points[-1][1]))
            points.append((x(moment), y(value)))
    points.append((x(end), points[-1][1]))
    draw.polygon([(x(start), y(0)), *points, (x(end), y(0))], fill=FILL)
    draw.line(points, fill=LINE, width=2)
    draw.line((LEFT, TOP, LEFT, TOP + plot_h, LEFT + plot_w, TOP + plot_h), fill=AXIS, width=1)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
