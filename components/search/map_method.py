"""The Search map's projection: one that can place the query among the points, and costs no wait of its own."""
from __future__ import annotations

from dataclasses import replace

from components import seam
from core.maps.projection import ProjectionParams
from core.maps.settings import METHOD_LABELS


def search_map_params(emb: seam.Embedded, params: ProjectionParams) -> tuple[ProjectionParams, str | None]:
    """The projection the Search map is drawn with, and the sentence that says why when it is not the Map's.

    The Map's method when it is ready (in memory or on disk; PCA always is); for t-SNE, which cannot place a new
    point, UMAP when that is ready; else PCA. The Search page never computes a slow projection for its map.
    """
    wanted = replace(params, method="umap") if params.method == "tsne" else params
    chosen = wanted if seam.map_service().ready_now(emb.map_data, wanted) else replace(params, method="pca")
    if chosen == params:
        return params, None
    if params.method != "tsne":
        return chosen, (f"The Map's {METHOD_LABELS[params.method]} is not computed yet, so this map is drawn with PCA "
                        "until the Map page has computed it.")
    until = "" if chosen is wanted else " until the Map page has computed UMAP"
    return chosen, (f"The Map uses t-SNE, which cannot place a new point such as the query, so this map is drawn "
                    f"with {METHOD_LABELS[chosen.method]}{until}.")
