"""Evaluating a label on table rows: the label column is never one of the features."""
from __future__ import annotations

import numpy as np

from components.memo import server_memos
from components.seam import Embedded
from core.tables.models import TABLE_MODEL, table_transform


def vectors_for_label(emb: Embedded, column: str) -> tuple[np.ndarray, str | None]:
    """The vectors to evaluate `column` on, and a sentence when they are not the map's: table rows whose features
    include `column` are embedded again without it."""
    transform = table_transform(emb.dataset)
    if transform is None or column not in transform.pick.features:
        return emb.dataset.require_vectors(), None

    def make() -> np.ndarray:
        from core.embedding.encode import embed_dataset

        embedded, _ = embed_dataset(emb.dataset, TABLE_MODEL, settings=transform.settings, label_column=column)
        return embedded.require_vectors()

    vectors = server_memos()["derived"].get_or_make(("table-without-label", emb.vectors_hash, column), make)
    return vectors, (f"“{column}” is one of the table model's features, so the rows were embedded again without it "
                     "for this evaluation.")
