"""The briefing's charts, drawn on the server (matplotlib) with Chinese labels in Noto CJK."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on a server

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

# Debian's fonts-noto-cjk; other systems may have it elsewhere.
CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
]
RED, GREY, BLUE, GOLD = "#b22222", "#9aa5b1", "#2f5d8a", "#d4a017"


@cache
def _font_family() -> list[str]:
    for path in CJK_FONTS:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            return ["Noto Sans CJK SC", "Noto Sans CJK JP", "sans-serif"]
    return ["sans-serif"]


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _figure(width: float = 7.0, height: float = 3.2):
    plt.rcParams["font.family"] = _font_family()
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(width, height))
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def bar_chart(
    *, title: str, labels: list[str], values: list[float], unit: str, marks: list[bool] | None = None,
    reference: float | None = None, reference_label: str = ""
) -> bytes:  # fmt: skip
    """Bars (``marks``: those drawn red), with an optional reference line (时序进度)."""
    fig, ax = _figure()
    colours = [RED if marks and marks[i] else BLUE for i in range(len(values))]
    bars = ax.bar(labels, values, color=colours)
    ax.bar_label(bars, labels=[f"{v:g}" for v in values], fontsize=8)
    if reference is not None:
        ax.axhline(reference, color=GOLD, linestyle="--", linewidth=1)
        ax.text(len(values) - 0.5, reference, reference_label, color=GOLD, fontsize=8,
                ha="right", va="bottom")  # fmt: skip
    ax.set_title(title, fontsize=11)
    ax.set_ylabel(unit, fontsize=9)
    ax.tick_params(axis="x", labelsize=8, rotation=30 if len(labels) > 6 else 0)
    return _png(fig)


def trend_chart(*, title: str, months: list[str], series: list[dict]) -> bytes:
    """Cumulative lines per indicator, each with its target line dashed."""
    fig, ax = _figure()
    colours = [BLUE, RED, "#2e8b57"]
    for colour, line in zip(colours, series, strict=False):
        ax.plot(months, line["values"], marker="o", color=colour, label=line["label"])
        if line.get("target") and any(v is not None for v in line["target"]):
            ax.plot(months, line["target"], linestyle="--", color=colour, alpha=0.6,
                    label=line["target_label"])  # fmt: skip
    ax.set_title(title, fontsize=11)
    ax.legend(fontsize=7, ncol=2, frameon=False)
    ax.tick_params(labelsize=8)
    return _png(fig)


def funnel_chart(*, title: str, labels: list[str], counts: list[int], amounts: list[str]) -> bytes:
    """Projects per stage, horizontal, with the investment beside each bar."""
    fig, ax = _figure(height=3.0)
    bars = ax.barh(labels, counts, color=RED)
    ax.invert_yaxis()
    ax.bar_label(bars, labels=[f"{c}  {a}" for c, a in zip(counts, amounts, strict=True)],
                 fontsize=8, padding=3)  # fmt: skip
    ax.set_title(title, fontsize=11)
    ax.tick_params(labelsize=8)
    ax.set_xlim(0, max(counts + [1]) * 1.35)
    return _png(fig)
