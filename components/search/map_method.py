"""The Search map's projection: one that can place the query among the points."""
from __future__ import annotations

from dataclasses import replace

from components import seam
from core.maps.projection import ProjectionParams
from core.maps.settings import METHOD_LABELS


def search_map_params(emb: seam.Embedded, params: ProjectionParams) -> tuple[ProjectionParams, str | None]:
    """The Map's projection when it can place a new point, with no note; for t-SNE, which cannot, UMAP when it is
    computed already, else PCA (neither is computed for this map alone), with the sentence that says so."""
    if params.method != "tsne":
        return params, None
    umap = replace(params, method="umap")
    chosen = umap if seam.map_service().ready_now(emb.map_data, umap) else replace(params, method="pca")
    until = "" if chosen is umap else " until the Map page has computed UMAP"
    return chosen, (f"The Map uses t-SNE, which cannot place a new point such as the query, so this map is drawn "
                    f"with {METHOD_LABELS[chosen.method]}{until}.")
