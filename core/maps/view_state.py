"""The view state as URL query parameters, so a copied link reopens the same map.

`encode_view` writes flat string parameters; `decode_view` reads them back, keeping the default
for any value it cannot use and saying which ones it dropped (links get edited by hand).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from core.data.builtins import BUILTINS, DEFAULT_DATASET, DEFAULT_SIZE, SizeRange, size_range
from core.embedding.models import DEFAULT_MODEL
from core.maps.clustering import LINKAGES
from core.maps.clustering import METHODS as CLUSTER_METHODS
from core.maps.clusters import SPACES, ClusterSpec
from core.maps.settings import BY_KEY, SETTINGS, ProjectionParams, params_from

UPLOAD_PREFIX = "upload:"
NO_CLUSTERS = "none"
_UPLOAD_ID = re.compile(r"^[0-9a-f]{8,64}$")


@dataclass(frozen=True)
class ViewState:
    """Which data, model, projection, colour and clusters a map shows."""

    source: str = "builtin"  # "builtin" or "upload"
    dataset: str = DEFAULT_DATASET
    size: int = DEFAULT_SIZE
    model: str = DEFAULT_MODEL
    projection: ProjectionParams = field(default_factory=ProjectionParams)
    color: str | None = None
    clusters: ClusterSpec | None = field(default_factory=ClusterSpec)  # None: no clusters


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _size_range(view: ViewState) -> SizeRange | None:
    """The size bounds of the view's dataset when it is a sized built-in one."""
    return size_range(view.dataset) if view.source == "builtin" else None


def encode_view(view: ViewState) -> dict[str, str]:
    """Query parameters for a view (strings only)."""
    data = f"{UPLOAD_PREFIX}{view.dataset}" if view.source == "upload" else view.dataset
    out = {"data": data, "model": view.model}
    if _size_range(view) is not None:
        out["n"] = str(view.size)
    out |= {s.key: _fmt(getattr(view.projection, s.name)) for s in SETTINGS}
    if view.color:
        out["color"] = view.color
    return out | _encode_clusters(view.clusters)


def _encode_clusters(spec: ClusterSpec | None) -> dict[str, str]:
    if spec is None:
        return {"clusters": NO_CLUSTERS}
    out = {"clusters": spec.method, "space": spec.space, "linkage": spec.linkage}
    if spec.n_clusters is not None:
        out["k"] = str(spec.n_clusters)
    if spec.min_cluster_size is not None:
        out["min_size"] = str(spec.min_cluster_size)
    if spec.stop_words:
        out["stop"] = ",".join(spec.stop_words)
    return out


def _first(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value)


def _number(cast: Callable[[str], Any], low: float, high: float) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = cast(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value
    return parse


def _choice(options) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(text)
        return text
    return parse


_CLUSTER_PARSERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "space": ("space", _choice(SPACES)), "linkage": ("linkage", _choice(LINKAGES)),
    "k": ("n_clusters", _number(int, 2, 100)), "min_size": ("min_cluster_size", _number(int, 2, 100_000)),
    "stop": ("stop_words", lambda s: tuple(w for w in s.split(",") if w)),
}


class _Reader:
    """Reads parameters one by one, collecting the names of those it had to drop."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params, self.dropped = params, []

    def get(self, key: str, parse: Callable[[str], Any]) -> Any | None:
        text = _first(self.params, key)
        if text is None:
            return None
        try:
            return parse(text)
        except (ValueError, TypeError):
            self.dropped.append(key)
            return None


def _decode_data(reader: _Reader, view: ViewState) -> ViewState:
    data = reader.get("data", str)
    if data and data.startswith(UPLOAD_PREFIX) and _UPLOAD_ID.match(data[len(UPLOAD_PREFIX):]):
        view = replace(view, source="upload", dataset=data[len(UPLOAD_PREFIX):])
    elif data in BUILTINS:
        view = replace(view, dataset=data)
    elif data is not None:
        reader.dropped.append("data")
    size = _decode_size(reader, view)
    model = reader.get("model", lambda s: s if 0 < len(s) <= 300 else int("x"))
    return replace(view, size=size, model=model or view.model)


def _decode_size(reader: _Reader, view: ViewState) -> int:
    """The row count of a sized built-in dataset, within its bounds; other datasets keep the default."""
    sized = _size_range(view)
    if sized is None:
        return view.size
    return reader.get("n", _number(int, sized.low, sized.high)) or sized.default


def _decode_clusters(reader: _Reader) -> ClusterSpec | None:
    method = reader.get("clusters", _choice((*CLUSTER_METHODS, NO_CLUSTERS)))
    if method == NO_CLUSTERS:
        return None
    if method is None:
        method = ClusterSpec().method
    values = {attr: reader.get(key, parse) for key, (attr, parse) in _CLUSTER_PARSERS.items()}
    return ClusterSpec(method=method, **{k: v for k, v in values.items() if v is not None})


def decode_view(params: Mapping[str, Any]) -> tuple[ViewState, list[str]]:
    """The view a link describes, and the names of parameters that were ignored as invalid."""
    reader = _Reader(params)
    view = _decode_data(reader, ViewState())
    projection = params_from({s.name: reader.get(s.key, s.parse) for s in SETTINGS})
    color = reader.get("color", lambda s: s if 0 < len(s) <= 200 else int("x"))
    return replace(view, projection=projection, color=color, clusters=_decode_clusters(reader)), reader.dropped


def view_fields() -> list[str]:
    """Every query parameter name this module may write."""
    return ["data", "n", "model", *BY_KEY, "color", "clusters", *_CLUSTER_PARSERS]
