"""Charts the documents draw themselves (matplotlib Figures, never pyplot).

Used where a capability does not provide the chart: capture rate by channel with
the target line, and the four-quarter baseline trend.
"""

from __future__ import annotations

from matplotlib.figure import Figure

NAVY = "#1F3864"
ACCENT = "#2E75B6"
RED = "#C00000"
AMBER = "#C55A11"
GREY = "#7F7F7F"


def _style(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)


def capture_by_channel_figure(
    names: list[str], rates: list[float], totals: list[int], target: float, red_flag: float
) -> Figure:
    """Bars of capture rate per channel with the target and red-flag lines."""
    fig = Figure(figsize=(6.4, 3.0), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    colors = [NAVY if r >= target else (AMBER if r >= red_flag else RED) for r in rates]
    bars = ax.bar(names, [r * 100 for r in rates], color=colors, width=0.6)
    lines = [
        ax.axhline(
            target * 100,
            color=NAVY,
            linestyle="--",
            linewidth=1,
            label=f"Target {target * 100:.0f}%",
        ),
        ax.axhline(
            red_flag * 100,
            color=RED,
            linestyle=":",
            linewidth=1,
            label=f"Red flag below {red_flag * 100:.0f}%",
        ),
    ]
    ax.legend(fontsize=7.5, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_ylim(0, 125)
    ax.set_ylabel("External conversations recorded (%)", fontsize=8)
    _style(ax)
    labels = []
    for bar, rate, n in zip(bars, rates, totals, strict=True):
        labels.append(
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height() + 1.5,
                f"{rate * 100:.0f}%\n(n={n:,})",
                ha="center",
                va="bottom",
                fontsize=7.5,
            )
        )
    # A label a target or red-flag line would strike through goes inside its bar, or
    # else just above the line: wherever it is first clear of every line.
    renderer = _renderer(fig)
    if _spread_ticks(ax, renderer):
        renderer = _renderer(fig)  # the layout settles with the tick labels in place
    levels = sorted(line.get_ydata()[0] for line in lines)
    for label, bar in zip(labels, bars, strict=True):
        h = bar.get_height()
        places = [(h + 1.5, "bottom", "black")]
        if h > 30:
            places.append((h - 1.5, "top", "white"))
        places += [(y + 1.5, "bottom", "black") for y in levels if y > h]
        for y, va, color in places:
            label.set_y(y)
            label.set_va(va)
            label.set_color(color)
            box = label.get_window_extent(renderer)
            if not any(_crosses(line, box) for line in lines):
                break
    return fig


def _renderer(fig: Figure):
    """A renderer to measure text with (a Figure made without pyplot has no canvas yet),
    after laying the figure out: a draw that places every artist but paints no pixel
    (the picture itself is painted once, when the document saves it)."""
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _crosses(line, box) -> bool:
    """Whether a horizontal line runs through a text's box (display coordinates)."""
    y = line.get_transform().transform((0, line.get_ydata()[0]))[1]
    return box.y0 - 1 <= y <= box.y1 + 1


def _spread_ticks(ax, renderer) -> bool:
    """Category labels that would overlap side by side are wrapped onto two lines, and
    tilted only if that is not enough. Whether they were (the figure is laid out when
    called: it is laid out again only after a change)."""
    import textwrap

    def clash() -> bool:
        boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])

    if not clash():
        return False
    names = [t.get_text() for t in ax.get_xticklabels()]
    ax.set_xticks(ax.get_xticks(), [textwrap.fill(n, 10, break_long_words=False) for n in names])
    ax.figure.draw_without_rendering()
    if clash():
        for t in ax.get_xticklabels():
            t.set_rotation(45)
            t.set_ha("right")
    return True


def overlapping_texts(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of texts of ``fig`` whose boxes overlap (tick labels and annotations)."""
    fig.canvas.draw()
    renderer = _renderer(fig)
    texts = []
    for ax in fig.axes:
        texts += [t for t in ax.texts if t.get_text()]
        texts += [t for t in ax.get_xticklabels() if t.get_text()]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    return [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if box_a.overlaps(box_b)
    ]


def texts_struck_by_lines(fig: Figure) -> list[str]:
    """Annotations a horizontal reference line runs through."""
    fig.canvas.draw()
    renderer = _renderer(fig)
    out = []
    for ax in fig.axes:
        flat = [ln for ln in ax.get_lines() if len(set(ln.get_ydata())) == 1]
        for t in ax.texts:
            box = t.get_window_extent(renderer)
            if any(_crosses(ln, box) for ln in flat):
                out.append(t.get_text())
    return out


def baseline_trend_figure(quarters: list[str], series: dict[str, list[float | None]]) -> Figure:
    """Lines of percentage metrics (win rate, forecast accuracy, slippage) by quarter."""
    fig = Figure(figsize=(6.4, 2.9), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    palette = [NAVY, ACCENT, AMBER, GREY]
    for (label, values), color in zip(series.items(), palette, strict=False):
        xs = [q for q, v in zip(quarters, values, strict=True) if v is not None]
        ys = [v * 100 for v in values if v is not None]
        if ys:
            ax.plot(xs, ys, marker="o", color=color, linewidth=1.8, label=label)
            for x, y in zip(xs, ys, strict=True):
                ax.annotate(
                    f"{y:.0f}%",
                    (x, y),
                    textcoords="offset points",
                    xytext=(0, 5),
                    ha="center",
                    fontsize=7,
                    color=color,
                )
    ax.set_ylim(0, 105)
    ax.set_ylabel("%", fontsize=8)
    ax.legend(fontsize=7.5, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _style(ax)
    _separate_annotations(fig, ax)
    return fig


# Where a value label may sit around its point, in order of preference (offset in
# points, horizontal and vertical alignment): above, below, right, left, then further
# above or below.
_LABEL_SPOTS = (
    ((0, 5), "center", "bottom"),
    ((0, -6), "center", "top"),
    ((7, 0), "left", "center"),
    ((-7, 0), "right", "center"),
    ((0, 14), "center", "bottom"),
    ((0, -15), "center", "top"),
)


def _series_obstacles(ax):
    """Each plotted series' line (as a display path) and marker centres (display points)."""
    out = []
    for ln in ax.get_lines():
        path = ln.get_transform().transform_path(ln.get_path())
        out.append((path, path.vertices, ln.get_markersize() / 2))
    return out


def _label_clashes(box, obstacles, placed, frame, points_to_px: float) -> int:
    """How many things a label's box would sit on: another label, a line, a marker, or
    the edge of the plot."""
    clashes = sum(box.overlaps(other) for other in placed)
    for path, vertices, radius in obstacles:
        if path.intersects_bbox(box, filled=False):
            clashes += 1
        pad = radius * points_to_px
        xs, ys = vertices[:, 0], vertices[:, 1]
        inside = (xs >= box.x0 - pad) & (xs <= box.x1 + pad)
        clashes += int((inside & (ys >= box.y0 - pad) & (ys <= box.y1 + pad)).any())
    if not (
        frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    ):
        clashes += 1
    return clashes


def _separate_annotations(fig: Figure, ax) -> None:
    """Place each value label where it covers no other label, no line and no marker of
    any series (above its point when that is free; else below, beside, or further out),
    taking the spot with the fewest clashes when none is free. Labels of the highest
    points are placed first."""
    renderer = _renderer(fig)
    obstacles = _series_obstacles(ax)
    frame = ax.get_window_extent(renderer)
    points_to_px = fig.dpi / 72
    texts = sorted((t for t in ax.texts if t.get_text()), key=lambda t: -t.xy[1])
    placed = []
    for text in texts:
        best = None
        for offset, ha, va in _LABEL_SPOTS:
            text.xyann = offset
            text.set_ha(ha)
            text.set_va(va)
            box = text.get_window_extent(renderer)
            clashes = _label_clashes(box, obstacles, placed, frame, points_to_px)
            if best is None or clashes < best[0]:
                best = (clashes, offset, ha, va, box)
            if clashes == 0:
                break
        _, offset, ha, va, box = best
        text.xyann = offset
        text.set_ha(ha)
        text.set_va(va)
        placed.append(box)


def texts_on_series(fig: Figure) -> list[str]:
    """Value labels that sit on a plotted line or marker (of any series)."""
    renderer = _renderer(fig)
    out = []
    for ax in fig.axes:
        obstacles = _series_obstacles(ax)
        frame = ax.get_window_extent(renderer)
        for t in ax.texts:
            if t.get_text() and _label_clashes(
                t.get_window_extent(renderer), obstacles, [], frame, fig.dpi / 72
            ):
                out.append(t.get_text())
    return out
