"""Regions of a 2D map: the view a user zoomed into, and the boxes and lassos they drew.

A region or a drawn shape picks rows of the whole dataset, not only of the sample the map draws, so
counts and selections cover every point.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CHUNK = 262_144  # points tested against a polygon at a time (bounded temporaries)


@dataclass(frozen=True)
class Region:
    """An axis-aligned part of the map: x from `x0` to `x1`, y from `y0` to `y1` (edges included)."""

    x0: float
    x1: float
    y0: float
    y1: float

    def __post_init__(self) -> None:
        values = (self.x0, self.x1, self.y0, self.y1)
        if not all(math.isfinite(v) for v in values) or self.x0 >= self.x1 or self.y0 >= self.y1:
            raise ValueError(f"not a region: {values}")

    @classmethod
    def around(cls, xs: np.ndarray, ys: np.ndarray) -> Region:
        """The smallest region holding every (x, y) given."""
        return cls(float(np.min(xs)), float(np.max(xs)), float(np.min(ys)), float(np.max(ys)))

    def contains(self, coords: np.ndarray) -> np.ndarray:
        """Which points of `coords` (n x 2) lie inside."""
        x, y = coords[:, 0], coords[:, 1]
        return (x >= self.x0) & (x <= self.x1) & (y >= self.y0) & (y <= self.y1)

    def text(self) -> str:
        """The region as four comma-separated numbers (x0, x1, y0, y1), short but exact to float32."""
        return ",".join(f"{v:.9g}" for v in (self.x0, self.x1, self.y0, self.y1))

    @classmethod
    def parse(cls, text: str) -> Region:
        """The region `text()` wrote; ValueError for anything else."""
        parts = text.split(",")
        if len(parts) != 4:
            raise ValueError(text)
        return cls(*(float(p) for p in parts))


def _inside_chunk(x: np.ndarray, y: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Even-odd rule: a point is inside when a ray to its right crosses the polygon's edges an odd number of times."""
    inside = np.zeros(len(x), dtype=bool)
    for i in range(len(xs)):
        ax, ay, bx, by = xs[i - 1], ys[i - 1], xs[i], ys[i]
        if ay == by:
            continue  # a horizontal edge is never crossed by a horizontal ray
        straddles = (ay > y) != (by > y)
        crossing = ax + (y - ay) * (bx - ax) / (by - ay)
        inside ^= straddles & (x < crossing)
    return inside


def inside_polygon(coords: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Which points of `coords` (n x 2) lie inside the polygon with vertices (`xs`, `ys`), closed or not."""
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    result = np.zeros(len(coords), dtype=bool)
    if len(xs) < 3:
        return result
    if not (np.ptp(xs) and np.ptp(ys)):
        return result
    candidates = np.flatnonzero(Region.around(xs, ys).contains(coords))
    for start in range(0, len(candidates), CHUNK):
        rows = candidates[start:start + CHUNK]
        xy = np.asarray(coords[rows], dtype=np.float64)
        result[rows] = _inside_chunk(xy[:, 0], xy[:, 1], xs, ys)
    return result


def inside_shapes(coords: np.ndarray, shapes: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Which points lie inside any of the polygons `shapes` (each its vertices' xs and ys)."""
    mask = np.zeros(len(coords), dtype=bool)
    for xs, ys in shapes:
        mask |= inside_polygon(coords, xs, ys)
    return mask


def box_polygon(x: tuple[float, float], y: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The four corners of a box drawn from x[0] to x[1] and y[0] to y[1], as a polygon."""
    return np.array([x[0], x[1], x[1], x[0]], dtype=float), np.array([y[0], y[0], y[1], y[1]], dtype=float)


def drawn_in_view(coords: np.ndarray, region: Region | None, *, visible: np.ndarray | None = None,
                  max_points: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The rows to draw in `region` (the whole map when None): all visible rows inside when at most
    `max_points` are, else a seeded sample of them (see `render_rows`); and the mask of every visible row inside."""
    from core.maps.figure import render_rows

    shown = np.ones(len(coords), dtype=bool) if visible is None else np.asarray(visible, dtype=bool)
    if region is not None:
        shown = shown & region.contains(coords)
    return render_rows(len(coords), visible=shown, max_points=max_points, seed=seed), shown
