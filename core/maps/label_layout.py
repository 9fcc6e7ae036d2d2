"""Where cluster labels go on a map: estimated label boxes that never overlap, and labels cut at whole words.

A label's box is estimated from its character count as a share of the axes (a 12 px label on a
plot about 660 px wide and 580 px high), so boxes are in data units once multiplied by the axis span.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

CHAR_WIDTH = 0.0105  # share of the plot's width one character takes (about 7 px of 660)
LINE_HEIGHT = 0.045  # share of the plot's height one label takes, border included (about 26 px of 580)
MAX_LABEL_CHARS = 40
ELLIPSIS = "…"
NUDGES = 6  # tries above and below the centre, in half label heights


@dataclass(frozen=True)
class LabelSpot:
    """A label, where it would sit, and the band of heights (low, high) it may be moved within."""

    text: str
    centre: np.ndarray
    room: tuple[float, float]


def short_label(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """The text, or its first whole words and an ellipsis when it is longer than `limit` characters."""
    if len(text) <= limit:
        return text
    kept = ""
    for word in text.split():
        if len(f"{kept} {word}".strip()) > limit - 1:
            break
        kept = f"{kept} {word}".strip()
    return (kept.rstrip(" ,;:") or text[: limit - 1]) + ELLIPSIS


def label_size(text: str, span: np.ndarray) -> np.ndarray:
    """(width, height) of a label's box in data units, on axes spanning `span` (x, y)."""
    return np.array([(len(text) + 2) * CHAR_WIDTH, LINE_HEIGHT]) * np.asarray(span, dtype=float)[:2]


def label_box(position: np.ndarray, size: np.ndarray) -> np.ndarray:
    """[x0, y0, x1, y1] of a box of `size` centred on the position's x and y."""
    centre = np.asarray(position, dtype=float)[:2]
    return np.concatenate([centre - size / 2, centre + size / 2])


def overlaps(box: np.ndarray, boxes: Iterable[np.ndarray]) -> bool:
    """Whether the box intersects any of the boxes."""
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes)


def nudged_ys(y: float, step: float, room: tuple[float, float], nudges: int = NUDGES) -> list[float]:
    """y, then y moved up and down by whole steps, farther each time, staying within `room`."""
    moved = [y + sign * k * step for k in range(1, nudges + 1) for sign in (1, -1)]
    return [y] + [v for v in moved if room[0] <= v <= room[1]]


def place_labels(spots: Sequence[LabelSpot], span: np.ndarray) -> dict[str, np.ndarray]:
    """Labels in priority order at their centres, moved up or down within their room when they would cover
    a placed label, and left out when no move frees them."""
    placed: dict[str, np.ndarray] = {}
    boxes: list[np.ndarray] = []
    for spot in spots:
        size = label_size(spot.text, span)
        for y in nudged_ys(float(spot.centre[1]), size[1] / 2, spot.room):
            position = np.array(spot.centre, dtype=float)
            position[1] = y
            box = label_box(position, size)
            if not overlaps(box, boxes):
                boxes.append(box)
                placed[spot.text] = position
                break
    return placed


def labels_extent(labels: Mapping[str, np.ndarray], span: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lowest (x, y) and highest (x, y) any label's box reaches."""
    boxes = np.array([label_box(p, label_size(t, span)) for t, p in labels.items()])
    return boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)
