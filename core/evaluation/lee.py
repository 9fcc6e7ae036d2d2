"""Document similarity on the Lee corpus: model cosine against the human similarity matrix.

The 50 documents of gensim's `lee.cor` were each rated against every other by human judges (Lee, Pincombe
and Welsh, 2005); `similarities0-1.txt` holds the mean ratings scaled to 0-1, upper triangle filled. As in
gensim's own Lee tests, the 1,225 pairs above the diagonal are compared (Pearson; Spearman alongside).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.vectors import unit_rows

N_DOCS = 50
CONVENTIONS = ("Lee corpus: the 50 documents of gensim's lee.cor, each embedded whole; model cosine of the "
               "1,225 document pairs above the diagonal against the human ratings in similarities0-1.txt "
               "(Pearson, as in gensim's Lee tests; Spearman alongside).")


@dataclass
class LeeResult:
    pearson: float
    spearman: float
    pairs: int

    def as_dict(self) -> dict:
        return {"set": "Lee documents", "pearson": self.pearson, "spearman": self.spearman, "pairs": self.pairs}


def lee_documents() -> list[str]:
    """The 50 rated Lee documents, in the order of the human matrix."""
    from gensim.test.utils import datapath

    with open(datapath("lee.cor"), encoding="latin-1") as handle:
        docs = [line.strip() for line in handle if line.strip()]
    if len(docs) != N_DOCS:
        raise ValueError(f"lee.cor holds {len(docs)} documents, expected {N_DOCS}")
    return docs


def human_similarities() -> np.ndarray:
    """The 50 x 50 human similarity matrix (upper triangle filled)."""
    from gensim.test.utils import datapath

    return np.loadtxt(datapath("similarities0-1.txt"))


def lee_correlation(vectors: np.ndarray, human: np.ndarray | None = None) -> LeeResult:
    """Correlation of the documents' pairwise cosine with the human ratings, above the diagonal."""
    from scipy import stats

    human = human_similarities() if human is None else human
    unit = unit_rows(np.asarray(vectors, dtype=np.float64))
    rows, cols = np.triu_indices(len(human), 1)
    model = (unit[rows] * unit[cols]).sum(axis=1)
    gold = human[rows, cols]
    return LeeResult(float(stats.pearsonr(model, gold)[0]), float(stats.spearmanr(model, gold)[0]), len(gold))
