"""The t-SNE the app runs: openTSNE when installed (cancellable mid-run), else scikit-learn's."""
from __future__ import annotations

import threading

import numpy as np

CANCEL_EVERY = 10  # t-SNE iterations between looks at the cancel flag


class _OpenTSNE:
    """openTSNE behind `fit_transform`; it has no `transform`, like scikit-learn's TSNE."""

    def __init__(self, **params) -> None:
        self.params = params

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        from openTSNE import TSNE

        method = "bh" if self.params["n_components"] == 3 or len(X) < 10_000 else "fft"
        # Every core, as scikit-learn's gradient uses them: one core made openTSNE slower than scikit-learn on a
        # quiet 2-core machine (15.5 s against 13.7 s at 5k; 9.6 s on both cores, the same coordinates).
        return np.asarray(TSNE(negative_gradient_method=method, initialization="pca", n_jobs=-1,
                               verbose=False, **self.params).fit(X))


def tsne_engine() -> str:
    """The t-SNE the app runs: openTSNE (measured faster here at equal trustworthiness, and it can be cancelled
    mid-run), or scikit-learn's when openTSNE is not installed."""
    try:
        import openTSNE  # noqa: F401
    except ImportError:
        return "scikit-learn"
    return "openTSNE"


def _tsne(n_components: int, perplexity: float, metric: str, random_state: int | None,
          cancel: threading.Event | None = None):
    """`tsne_engine()`'s TSNE; openTSNE stops within CANCEL_EVERY iterations of `cancel` being set."""
    if tsne_engine() == "scikit-learn":
        from sklearn.manifold import TSNE
        return TSNE(n_components=n_components, perplexity=perplexity, metric=metric, init="pca",
                    random_state=random_state)
    stop = {} if cancel is None else {"callbacks": lambda *_: cancel.is_set(), "callbacks_every_iters": CANCEL_EVERY}
    return _OpenTSNE(n_components=n_components, perplexity=perplexity, metric=metric, random_state=random_state,
                     **stop)
