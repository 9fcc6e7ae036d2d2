"""The quality settings, each defined once: the CLI options, the link and the Quality page's widgets read them."""
from __future__ import annotations

from core.setting import Setting

OUTLIER_METHODS = {"knn": "Distance to the k-th neighbour", "lof": "Local outlier factor",
                   "iforest": "Isolation forest"}

# Measured on the 2,756 Lee sentences with all-MiniLM-L6-v2: see core/quality/duplicates.py.
NEAR_DUPLICATE_COSINE = 0.9

QUALITY_SETTINGS: tuple[Setting, ...] = (
    Setting("method", "outlier_method", "Outlier score", "knn", choices=tuple(OUTLIER_METHODS),
            choice_labels=tuple(OUTLIER_METHODS.values()), widget="select", cli_name="method",
            help="how unusual each point is: cosine distance to its k-th neighbour, the local outlier factor, "
                 "or an isolation forest"),
    Setting("k", "outlier_k", "Neighbours (k)", 10, bounds=(1, 50), widget="number", cli_name="k",
            methods=("knn", "lof"), help="neighbours read from the shared neighbour graph"),
    Setting("contamination", "contamination", "Share flagged as outliers", 0.01, bounds=(0.001, 0.5), step=0.001,
            format="%.3f", help="the share of points flagged: the score threshold is its quantile"),
    Setting("threshold", "dup_threshold", "Near-duplicate cosine", NEAR_DUPLICATE_COSINE, bounds=(0.5, 1.0),
            step=0.01, cli_name="threshold", help="pairs at or above this cosine similarity are near-duplicates"),
    Setting("permutations", "permutations", "Permutations", 200, bounds=(0, 5_000), widget="number",
            help="label permutations behind the drift p-values (0: none)"),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in QUALITY_SETTINGS}
