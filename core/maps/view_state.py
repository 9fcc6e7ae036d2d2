"""The view state as URL query parameters, so a copied link reopens the same map.

`encode_view` writes flat string parameters; `decode_view` reads them back, keeping the default
for any value it cannot use and saying which ones it dropped (links get edited by hand).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from core.data.builtins import BUILTINS, DEFAULT_DATASET, DEFAULT_SIZE, SizeRange, size_range
from core.embedding.kinds import kind_model, kind_models
from core.embedding.models import DEFAULT_MODEL
from core.embedding.windows import LONG_TEXTS, OVERLAP, LongTexts
from core.maps.cluster_settings import BY_NAME as CLUSTER_BY_NAME
from core.maps.cluster_settings import CLUSTER_SETTINGS, NO_CLUSTERS, ClusterSpec, spec_from
from core.maps.region import Region
from core.maps.settings import SETTINGS, ProjectionParams, params_from
from core.server.published import SOURCE as PUBLISHED

UPLOAD_PREFIX = "upload:"
PUBLISHED_PREFIX = f"{PUBLISHED}:"  # a map the server's operator published (core.server.published)
ZOOM = "zoom"  # the part of the map drawn in detail, as x0,x1,y0,y1 (kept apart from the view: a zoom changes often)
_UPLOAD_ID = re.compile(r"^[0-9a-f]{8,64}$")
_PUBLISHED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class ViewState:
    """Which data, model, projection, colour and clusters a map shows."""

    source: str = "builtin"  # "builtin", "upload" or "published"
    dataset: str = DEFAULT_DATASET
    size: int = DEFAULT_SIZE
    model: str = DEFAULT_MODEL
    long_texts: LongTexts = field(default_factory=LongTexts)  # what texts longer than the model's window become
    projection: ProjectionParams = field(default_factory=ProjectionParams)
    color: str | None = None
    clusters: ClusterSpec | None = field(default_factory=ClusterSpec)  # None: no clusters
    options: tuple[tuple[str, Any], ...] = ()  # a kind model's own settings (core.embedding.kinds.ModelOptions)


def _size_range(view: ViewState) -> SizeRange | None:
    """The size bounds of the view's dataset when it is a sized built-in one."""
    return size_range(view.dataset) if view.source == "builtin" else None


def encode_view(view: ViewState) -> dict[str, str]:
    """Query parameters for a view (strings only)."""
    prefix = {"upload": UPLOAD_PREFIX, PUBLISHED: PUBLISHED_PREFIX}.get(view.source, "")
    data = f"{prefix}{view.dataset}"
    out = {"data": data, "model": view.model}
    if _size_range(view) is not None:
        out["n"] = str(view.size)
    if view.long_texts.chunk:
        out |= {LONG_TEXTS.key: view.long_texts.mode, OVERLAP.key: str(view.long_texts.overlap)}
    out |= {s.key: s.text(getattr(view.projection, s.name)) for s in SETTINGS}
    if view.color:
        out["color"] = view.color
    return out | _encode_options(view) | _encode_clusters(view.clusters)


def _encode_options(view: ViewState) -> dict[str, str]:
    """The model's own settings that differ from their defaults."""
    spec = kind_model(view.model)
    if spec is None or spec.options is None:
        return {}
    return {key: text for _, value in view.options for key, text in spec.options.texts(value).items()}


def _decode_options(reader: _Reader, model: str) -> tuple[tuple[str, Any], ...]:
    """The settings of a model that has its own, when the link sets any."""
    spec = kind_model(model)
    if spec is None or spec.options is None:
        return ()
    values = {s.key: value for s in spec.options.settings if (value := reader.get(s.key, s.parse)) is not None}
    built = spec.options.build(values)
    return ((spec.options.keyword, built),) if built != spec.options.build({}) else ()


def _encode_clusters(spec: ClusterSpec | None) -> dict[str, str]:
    """Every cluster setting with a value (automatic ones and an empty word list are left out)."""
    if spec is None:
        return {CLUSTER_BY_NAME["method"].key: NO_CLUSTERS}
    values = {s: getattr(spec, s.name) for s in CLUSTER_SETTINGS}
    return {s.key: s.text(value) for s, value in values.items() if value not in (None, ())}


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


class _Reader:
    """Reads parameters one by one, collecting the names of those it had to drop."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = params
        self.dropped: list[str] = []

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
    elif data and data.startswith(PUBLISHED_PREFIX) and _PUBLISHED_NAME.match(data[len(PUBLISHED_PREFIX):]):
        view = replace(view, source=PUBLISHED, dataset=data[len(PUBLISHED_PREFIX):])
    elif data in BUILTINS:
        view = replace(view, dataset=data)
    elif data is not None:
        reader.dropped.append("data")
    size = _decode_size(reader, view)
    model = reader.get("model", lambda s: s if 0 < len(s) <= 300 else int("x"))
    return replace(view, size=size, model=model or view.model, long_texts=_decode_long_texts(reader))


def _decode_long_texts(reader: _Reader) -> LongTexts:
    """Truncation unless the link says chunk (its overlap counts only then)."""
    mode = reader.get(LONG_TEXTS.key, LONG_TEXTS.parse) or LONG_TEXTS.default
    overlap = reader.get(OVERLAP.key, OVERLAP.parse)
    return LongTexts(mode, OVERLAP.default if overlap is None else overlap)


def _decode_size(reader: _Reader, view: ViewState) -> int:
    """The row count of a sized built-in dataset, within its bounds; other datasets keep the default."""
    sized = _size_range(view)
    if sized is None:
        return view.size
    return reader.get("n", _number(int, sized.low, sized.high)) or sized.default


def _decode_clusters(reader: _Reader) -> ClusterSpec | None:
    """The link's clusters; the other cluster parameters are read only when clusters are on."""
    method = CLUSTER_BY_NAME["method"]
    values = {method.name: reader.get(method.key, method.parse)}
    if values[method.name] != NO_CLUSTERS:
        values |= {s.name: reader.get(s.key, s.parse) for s in CLUSTER_SETTINGS if s is not method}
    return spec_from({name: value for name, value in values.items() if value is not None})


def decode_view(params: Mapping[str, Any]) -> tuple[ViewState, list[str]]:
    """The view a link describes, and the names of parameters that were ignored as invalid."""
    reader = _Reader(params)
    view = _decode_data(reader, ViewState())
    projection = params_from({s.name: reader.get(s.key, s.parse) for s in SETTINGS})
    color = reader.get("color", lambda s: s if 0 < len(s) <= 200 else int("x"))
    return replace(view, projection=projection, color=color, clusters=_decode_clusters(reader),
                   options=_decode_options(reader, view.model)), reader.dropped


def decode_zoom(params: Mapping[str, Any]) -> Region | None:
    """The zoomed region a link names, or None (also for a value that is not a region)."""
    text = _first(params, ZOOM)
    try:
        return None if text is None else Region.parse(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Ignored:
    """A link parameter that was ignored: its name, the link's value and the value shown instead (None: the default
    of a setting the link leaves out, such as an automatic cluster count)."""

    key: str
    given: str
    used: str | None


def ignored(params: Mapping[str, Any], view: ViewState, dropped: Sequence[str]) -> list[Ignored]:
    """What the view shows in place of each dropped parameter, in the link's own form."""
    used = encode_view(view)
    return [Ignored(key, _first(params, key) or "", used.get(key)) for key in dropped]


def view_fields() -> list[str]:
    """Every query parameter name this module may write."""
    options = {s.key for spec in kind_models().values() if spec.options for s in spec.options.settings}
    return ["data", "n", "model", LONG_TEXTS.key, OVERLAP.key, *(s.key for s in SETTINGS), "color",
            *(s.key for s in CLUSTER_SETTINGS), *sorted(options)]
